import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { topologyOf } from "../checker/eks/topology";

export const meta: PolicyMeta = {
  id: "cluster-sg-detached",
  severity: "info",
  title: "Managed node groups whose launch template names SGs are marked: the cluster SG is not on those nodes",
  rationale:
    "When a launch template lists security groups, EKS does not add the cluster SG to the nodes; node↔control-plane traffic then depends on the rules of the listed SGs alone, which is easy to miss.",
  resourceTypes: ["aws_eks_node_group", "aws_launch_template"],
};

export function check({ graph }: PolicyContext): CheckResult[] {
  const topology = topologyOf(graph);
  const results: CheckResult[] = [];
  for (const cluster of topology.clusters) {
    for (const node of cluster.nodes) {
      if (node.kind !== "managed") continue;
      const address = node.address;
      const related = [...node.launchTemplates, ...node.sgs.members];
      if (node.sgs.members.includes(cluster.clusterSg)) {
        results.push({ address, status: "pass", message: node.sgsFromLaunchTemplate ? "the launch template lists the cluster SG" : "the nodes carry the cluster SG", related });
      } else if (node.sgs.unknown) {
        results.push({ address, status: "unknown", message: `the nodes' SGs are not all known (${node.sgs.unknown}), so it cannot be told whether the cluster SG is on them`, related });
      } else {
        const sgs = node.sgs.members.map((k) => topology.sgs.get(k)?.label ?? k).join(", ");
        results.push({
          address,
          status: "fail",
          related,
          message: `the launch template ${node.launchTemplates.join(", ")} lists ${sgs}, so EKS does not put the cluster SG of ${cluster.address} on these nodes; traffic to and from the control plane, Fargate pods and nodes that carry the cluster SG now depends on the rules of ${sgs} alone`,
        });
      }
    }
  }
  return results;
}
