import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { flowCheckResult } from "../checker/eks/flow-findings";
import { flow } from "../checker/eks/reachability";
import { topologyOf } from "../checker/eks/topology";

export interface Options {
  /** Ports the API server calls admission webhooks and aggregated APIs on. */
  readonly ports: readonly number[];
}

export const meta: PolicyMeta<Options> = {
  id: "apiserver-to-webhooks",
  severity: "warning",
  title: "The control plane can reach nodes on the usual webhook ports (443, 4443, 6443, 8443, 9443, 10251)",
  rationale:
    'Admission webhooks and aggregated APIs (AWS Load Balancer Controller 9443, Karpenter 8443, metrics-server 10251/4443, prometheus-adapter 6443) are called by the API server; when blocked, creating objects fails with "failed calling webhook … context deadline exceeded".',
  resourceTypes: ["aws_eks_cluster", "aws_eks_node_group", "aws_autoscaling_group", "aws_eks_fargate_profile", "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
  optionsSchema: {
    type: "object",
    properties: { ports: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, minItems: 1, uniqueItems: true } },
    additionalProperties: false,
  },
  defaultOptions: { ports: [443, 4443, 6443, 8443, 9443, 10251] },
};

export function check({ graph, options }: PolicyContext<Options>): CheckResult[] {
  const topology = topologyOf(graph);
  const results: CheckResult[] = [];
  for (const cluster of topology.clusters) {
    for (const node of cluster.nodes) {
      const flows = options.ports.map((port) => flow(topology, cluster.controlPlane, node, "tcp", port));
      results.push(flowCheckResult(topology, node.address, flows, "API server → webhooks on the nodes", "Webhooks served here time out, and creating the objects they guard fails.", node.id));
    }
  }
  for (const orphan of topology.orphans) {
    results.push({ address: orphan.address, status: "unknown", message: `cannot check the webhook ports from the control plane: ${orphan.reason}` });
  }
  return results;
}
