import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { flowCheckResult } from "../checker/eks/flow-findings";
import { apiServerFlow } from "../checker/eks/required-flows";
import { topologyOf } from "../checker/eks/topology";

export const meta: PolicyMeta = {
  id: "node-to-apiserver",
  severity: "error",
  title: "Every node class can open TCP 443 to the cluster's API server, on the path its endpoint settings give",
  rationale:
    "Nodes register with and talk to the API server on 443; without it they never join (NodeCreationFailure after a long apply) and Fargate pods never start. With private endpoint access the path is the control-plane ENIs and their SGs; without it, the public endpoint.",
  resourceTypes: ["aws_eks_cluster", "aws_eks_node_group", "aws_autoscaling_group", "aws_eks_fargate_profile", "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
};

const WHY = "Nodes cannot register or reach the API, so they never join the cluster.";

export function check({ graph }: PolicyContext): CheckResult[] {
  const topology = topologyOf(graph);
  const results: CheckResult[] = [];
  for (const cluster of topology.clusters) {
    for (const node of cluster.nodes) {
      const result = apiServerFlow(topology, node);
      if ("unknown" in result) {
        results.push({ address: node.address, status: "unknown", key: node.id, message: result.unknown });
        continue;
      }
      // Without private endpoint access the endpoint name resolves to public addresses: nodes leave the VPC.
      const what = result.to.kind === "public-endpoint" ? "nodes → API server through its public endpoint (endpoint_private_access is off)" : "nodes → API server";
      results.push(flowCheckResult(topology, node.address, [result], what, WHY, node.id));
    }
  }
  for (const orphan of topology.orphans) {
    results.push({ address: orphan.address, status: "unknown", message: `cannot check TCP 443 to the API server: ${orphan.reason}` });
  }
  return results;
}
