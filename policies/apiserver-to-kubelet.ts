import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { flowCheckResult } from "../checker/eks/flow-findings";
import { flow } from "../checker/eks/reachability";
import { topologyOf } from "../checker/eks/topology";

export const meta: PolicyMeta = {
  id: "apiserver-to-kubelet",
  severity: "error",
  title: "The control plane can open TCP 10250 (kubelet) on every node class",
  rationale:
    "The API server reaches the kubelet on 10250 for kubectl logs, exec and port-forward, and for metrics; without it those time out and nodes look unhealthy.",
  resourceTypes: ["aws_eks_cluster", "aws_eks_node_group", "aws_autoscaling_group", "aws_eks_fargate_profile", "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
};

export function check({ graph }: PolicyContext): CheckResult[] {
  const topology = topologyOf(graph);
  const results: CheckResult[] = [];
  for (const cluster of topology.clusters) {
    for (const node of cluster.nodes) {
      const result = flow(topology, cluster.controlPlane, node, "tcp", 10250);
      results.push(flowCheckResult(topology, node.address, [result], "API server → kubelet", "kubectl logs/exec and metrics time out.", cluster.address));
    }
  }
  for (const orphan of topology.orphans) {
    results.push({ address: orphan.address, status: "unknown", message: `cannot check TCP 10250 from the control plane: ${orphan.reason}` });
  }
  return results;
}
