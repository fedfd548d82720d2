import { definePolicy } from "../checker/policy";

export default definePolicy({
  meta: {
    id: "node-dns",
    severity: "error",
    title: "Every node class reaches TCP and UDP 53 on every node class that can host CoreDNS",
    rationale:
      "CoreDNS runs on any EC2 node (or on Fargate when a profile selects kube-system); pods anywhere in the cluster resolve names through it, so DNS must pass between every node class and every CoreDNS host.",
    messages: {},
  },
  check({ flows, forEachNodeClass }) {
    return forEachNodeClass(
      "DNS (TCP and UDP 53) to the CoreDNS hosts",
      (node) =>
        // EKS Auto Mode nodes answer DNS on the node itself (automode.adoc: "local DNS services").
        node.resolvesDnsLocally
          ? { address: node.address, status: "pass", key: node.id, data: { resolvesLocally: true } }
          : flows.coreDnsHosts(node).map((host) =>
              flows.result(node.address, flows.dns(node, host), {
                what: host === node ? "DNS between nodes of this class" : `DNS to CoreDNS hosts in ${host.address}`,
                why: node.kind === "pod" ? "Pods with these SGs cannot resolve names when CoreDNS runs there." : "Pods here cannot resolve names when CoreDNS runs there.",
                key: `${node.id}>${host.id}`,
              }),
            ),
      { pods: true },
    );
  },
});
