import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { flowCheckResult } from "../checker/eks/flow-findings";
import { coreDnsHosts, dnsFlows } from "../checker/eks/required-flows";
import { topologyOf } from "../checker/eks/topology";

export const meta: PolicyMeta = {
  id: "node-dns",
  severity: "error",
  title: "Every node class reaches TCP and UDP 53 on every node class that can host CoreDNS",
  rationale:
    "CoreDNS runs on any EC2 node (or on Fargate when a profile selects kube-system); pods anywhere in the cluster resolve names through it, so DNS must pass between every node class and every CoreDNS host.",
  resourceTypes: ["aws_eks_node_group", "aws_autoscaling_group", "aws_eks_fargate_profile", "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
};

export function check({ graph }: PolicyContext): CheckResult[] {
  const topology = topologyOf(graph);
  const results: CheckResult[] = [];
  for (const cluster of topology.clusters) {
    for (const node of cluster.nodes) {
      for (const host of coreDnsHosts(node)) {
        const flows = dnsFlows(topology, node, host);
        const what = host === node ? "DNS between nodes of this class" : `DNS to CoreDNS hosts in ${host.address}`;
        results.push(flowCheckResult(topology, node.address, flows, what, "Pods here cannot resolve names when CoreDNS runs there.", `${node.id}>${host.id}`));
      }
    }
  }
  return results;
}
