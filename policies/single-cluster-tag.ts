import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";

export default definePolicy({
  meta: {
    id: "single-cluster-tag",
    severity: "error",
    title: "Each node ENI carries exactly one SG tagged kubernetes.io/cluster/<name> (the cluster SG counts)",
    rationale:
      'The AWS Load Balancer Controller picks the one SG of a node ENI tagged kubernetes.io/cluster/<name> to add backend rules to; with two it fails with "expect exactly one securityGroup tagged", or silently skips targets.',
    messages: {
      "several-tagged":
        "the nodes carry {{count}} SGs tagged kubernetes.io/cluster/{{cluster}}: {{tagged}}; the AWS Load Balancer Controller needs exactly one",
      "tags-unknown": "cannot count the tagged SGs: tags of {{undecided}} are not known{{sgsUnknown}}",
    },
    fixes: {
      "several-tagged": "remove the tag from every SG but one{{clusterSgNote}}",
    },
  },
  check({ topology }) {
    const results: PolicyResult[] = [];
    for (const cluster of topology.clusters) {
      // Pods with their own SGs too: the load balancer controller reads the tag on their branch ENIs.
      for (const node of [...cluster.nodes, ...cluster.pods]) {
        const tagged: string[] = [];
        const undecided: string[] = [];
        for (const key of node.sgs.members) {
          const sg = topology.sgs.get(key);
          if (!sg || sg.clusterTags === "unknown") undecided.push(sg?.label ?? key);
          else if (sg.clusterTags.some((name) => cluster.name === undefined || name === cluster.name)) tagged.push(sg.label);
        }
        const common = { address: node.address, key: node.id, related: node.sgs.members };
        if (node.sgs.members.length <= 1 && !node.sgs.unknown) {
          results.push({ ...common, status: "pass", data: { single: true } });
        } else if (tagged.length > 1) {
          const clusterSgNote = node.sgs.members.includes(cluster.clusterSg) ? " (the cluster SG always has it, so untag the others)" : "";
          results.push({ ...common, status: "fail", messageId: "several-tagged", data: { count: tagged.length, cluster: cluster.name ?? "<name>", tagged, clusterSgNote } });
        } else if (undecided.length > 0 || node.sgs.unknown) {
          results.push({ ...common, status: "unknown", messageId: "tags-unknown", data: { undecided: undecided.length > 0 ? undecided : "some SGs", sgsUnknown: node.sgs.unknown ? ` (${node.sgs.unknown})` : "" } });
        } else {
          results.push({ ...common, status: "pass", data: { tagged } });
        }
      }
    }
    return results;
  },
});
