import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { flowCheckResult } from "../checker/eks/flow-findings";
import { kubeletFlow } from "../checker/eks/required-flows";
import { topologyOf } from "../checker/eks/topology";

export const meta: PolicyMeta = {
  id: "apiserver-to-kubelet",
  severity: "error",
  title: "The control plane can open TCP 10250 (kubelet) on every node class",
  rationale:
    "The API server reaches the kubelet on 10250 for kubectl logs, exec, attach and port-forward; without it those commands time out on these nodes.",
  resourceTypes: ["aws_eks_cluster", "aws_eks_node_group", "aws_autoscaling_group", "aws_eks_fargate_profile", "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
};

export function check({ graph }: PolicyContext): CheckResult[] {
  const topology = topologyOf(graph);
  const results: CheckResult[] = [];
  for (const cluster of topology.clusters) {
    for (const node of cluster.nodes) {
      results.push(flowCheckResult(topology, node.address, [kubeletFlow(topology, node)], "API server → kubelet", "kubectl logs, exec and port-forward time out.", node.id));
    }
  }
  for (const orphan of topology.orphans) {
    results.push({ address: orphan.address, status: "unknown", message: `cannot check TCP 10250 from the control plane: ${orphan.reason}` });
  }
  return results;
}
