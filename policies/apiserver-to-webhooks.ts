import { podsUseNodeSgs } from "../checker/eks/eni-class";
import { definePolicy } from "../checker/policy";

export interface Options {
  /** Ports the API server calls admission webhooks and aggregated APIs on. */
  readonly ports: readonly number[];
}

export default definePolicy<Options>({
  meta: {
    id: "apiserver-to-webhooks",
    severity: "warning",
    title: "The control plane can reach nodes on the usual webhook ports (443, 4443, 6443, 8443, 9443, 10251)",
    rationale:
      'Admission webhooks and aggregated APIs (AWS Load Balancer Controller 9443, Karpenter 8443, metrics-server 10251/4443, prometheus-adapter 6443) are called by the API server; when blocked, creating objects fails with "failed calling webhook … context deadline exceeded".',
    messages: {},
    optionsSchema: {
      type: "object",
      properties: { ports: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, minItems: 1, uniqueItems: true } },
      additionalProperties: false,
    },
    defaultOptions: { ports: [443, 4443, 6443, 8443, 9443, 10251] },
  },
  check({ flows, forEachNodeClass, options }) {
    return forEachNodeClass(
      "the webhook ports from the control plane",
      // Under custom networking webhook pods listen on the pod ENIs, not on these nodes' own SGs; a
      // SecurityGroupPolicy's Fargate pods are its workload, not webhooks.
      (node) =>
        podsUseNodeSgs(node) && !node.securityGroupPolicy
          ? flows.result(
              node.address,
              options.ports.map((port) => flows.between(node.cluster.controlPlane, node, "tcp", port)),
              { what: node.kind === "pod-network" ? "API server → webhooks on these pod ENIs" : "API server → webhooks on the nodes", why: "Webhooks served here time out, and creating the objects they guard fails.", key: node.id },
            )
          : undefined,
      { podNetworks: true },
    );
  },
});
