import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { topologyOf } from "../checker/eks/topology";

export const meta: PolicyMeta = {
  id: "single-cluster-tag",
  severity: "error",
  title: "Each node ENI carries exactly one SG tagged kubernetes.io/cluster/<name> (the cluster SG counts)",
  rationale:
    'The AWS Load Balancer Controller picks the one SG of a node ENI tagged kubernetes.io/cluster/<name> to add backend rules to; with two it fails with "expect exactly one securityGroup tagged", or silently skips targets.',
  resourceTypes: ["aws_security_group", "aws_launch_template", "aws_eks_node_group", "aws_autoscaling_group"],
};

export function check({ graph }: PolicyContext): CheckResult[] {
  const topology = topologyOf(graph);
  const results: CheckResult[] = [];
  for (const cluster of topology.clusters) {
    for (const node of cluster.nodes) {
      const tagged: string[] = [];
      const undecided: string[] = [];
      for (const key of node.sgs.members) {
        const sg = topology.sgs.get(key);
        if (!sg || sg.clusterTags === "unknown") undecided.push(sg?.label ?? key);
        else if (sg.clusterTags.some((name) => cluster.name === undefined || name === cluster.name)) tagged.push(sg.label);
      }
      const related = node.sgs.members;
      if (node.sgs.members.length <= 1 && !node.sgs.unknown) {
        results.push({ address: node.address, key: node.id, status: "pass", related, message: "the nodes carry a single SG, which the load balancer controller uses whatever its tags" });
      } else if (tagged.length > 1) {
        results.push({
          address: node.address,
          key: node.id,
          status: "fail",
          related,
          message: `the nodes carry ${tagged.length} SGs tagged kubernetes.io/cluster/${cluster.name ?? "<name>"}: ${tagged.join(", ")}; the AWS Load Balancer Controller needs exactly one — remove the tag from every SG but one${node.sgs.members.includes(cluster.clusterSg) ? " (the cluster SG always has it, so untag the others)" : ""}`,
        });
      } else if (undecided.length > 0 || node.sgs.unknown) {
        results.push({ address: node.address, key: node.id, status: "unknown", related, message: `cannot count the tagged SGs: tags of ${undecided.join(", ") || "some SGs"} are not known${node.sgs.unknown ? ` (${node.sgs.unknown})` : ""}` });
      } else {
        results.push({ address: node.address, key: node.id, status: "pass", related, message: tagged.length === 1 ? `one tagged SG: ${tagged[0]}` : "no tagged SG" });
      }
    }
  }
  return results;
}
