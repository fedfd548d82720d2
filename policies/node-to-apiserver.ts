import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { flowCheckResult } from "../checker/eks/flow-findings";
import { flow } from "../checker/eks/reachability";
import { topologyOf } from "../checker/eks/topology";

export const meta: PolicyMeta = {
  id: "node-to-apiserver",
  severity: "error",
  title: "Every node class can open TCP 443 to the cluster's control plane",
  rationale:
    "Nodes register with and talk to the API server on 443; without it they never join (NodeCreationFailure after a long apply) and Fargate pods never start.",
  resourceTypes: ["aws_eks_cluster", "aws_eks_node_group", "aws_autoscaling_group", "aws_eks_fargate_profile", "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
};

export function check({ graph }: PolicyContext): CheckResult[] {
  const topology = topologyOf(graph);
  const results: CheckResult[] = [];
  for (const cluster of topology.clusters) {
    for (const node of cluster.nodes) {
      const result = flow(topology, node, cluster.controlPlane, "tcp", 443);
      results.push(flowCheckResult(topology, node.address, [result], "nodes → API server", "Nodes cannot register or reach the API, so they never join the cluster.", cluster.address));
    }
  }
  for (const orphan of topology.orphans) {
    results.push({ address: orphan.address, status: "unknown", message: `cannot check TCP 443 to the API server: ${orphan.reason}` });
  }
  return results;
}
