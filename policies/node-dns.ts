import { podsUseNodeSgs } from "../checker/eks/eni-class";
import { definePolicy } from "../checker/policy";

export default definePolicy({
  meta: {
    id: "node-dns",
    severity: "error",
    title: "Every node class reaches TCP and UDP 53 on every node class that can host CoreDNS",
    rationale:
      "CoreDNS runs on any EC2 node (or on Fargate when a profile selects kube-system; under VPC CNI custom networking, on the pod ENIs of the ENIConfigs); pods anywhere in the cluster resolve names through it, so DNS must pass between every node class and every CoreDNS host.",
    messages: {},
  },
  check({ flows, forEachNodeClass }) {
    return forEachNodeClass(
      "DNS (TCP and UDP 53) to the CoreDNS hosts",
      (node) => {
        // EKS Auto Mode nodes answer DNS on the node itself (automode.adoc: "local DNS services").
        if (node.resolvesDnsLocally) return { address: node.address, status: "pass", key: node.id, data: { resolvesLocally: true } };
        // Under custom networking these nodes' pods ask from their pod ENIs, a class judged on its own.
        if (!podsUseNodeSgs(node)) return undefined;
        return flows.coreDnsHosts(node).map((host) =>
          flows.result(node.address, flows.dns(node, host), {
            what: host === node ? `DNS between ${node.kind === "pod-network" ? "pods on these ENIs" : "nodes of this class"}` : `DNS to CoreDNS ${host.kind === "pod-network" ? "pods on the pod ENIs of" : "hosts in"} ${host.address}`,
            why: node.kind === "pod" || node.kind === "pod-network" || node.securityGroupPolicy ? "Pods with these SGs cannot resolve names when CoreDNS runs there." : "Pods here cannot resolve names when CoreDNS runs there.",
            key: `${node.id}>${host.id}`,
          }),
        );
      },
      { pods: true },
    );
  },
});
