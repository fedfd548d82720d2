import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { flowCheckResult } from "../checker/eks/flow-findings";
import { flow } from "../checker/eks/reachability";
import { topologyOf } from "../checker/eks/topology";

const EPHEMERAL = { from: 1025, to: 65535 };

export const meta: PolicyMeta = {
  id: "node-to-node",
  severity: "warning",
  title: "Node classes of one cluster reach each other on TCP 1025-65535",
  rationale:
    "Pods talk to pods and services on other nodes, in other node groups and on Fargate; AWS recommends allowing at least TCP 1025-65535 between all nodes, or cross-node-group traffic breaks in ways that look like application bugs.",
  resourceTypes: ["aws_eks_node_group", "aws_autoscaling_group", "aws_eks_fargate_profile", "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
};

export function check({ graph }: PolicyContext): CheckResult[] {
  const topology = topologyOf(graph);
  const results: CheckResult[] = [];
  for (const cluster of topology.clusters) {
    for (const from of cluster.nodes) {
      for (const to of cluster.nodes) {
        const what = from === to ? "traffic between nodes of this class" : `traffic to ${to.address}`;
        results.push(flowCheckResult(topology, from.address, [flow(topology, from, to, "tcp", EPHEMERAL)], what, "Pods cannot reach pods and services there.", `${from.id}>${to.id}`));
      }
    }
  }
  return results;
}
