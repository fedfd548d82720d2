import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";

export default definePolicy({
  meta: {
    id: "cluster-sg-detached",
    severity: "info",
    title: "Managed node groups whose launch template names SGs are marked: the cluster SG is not on those nodes",
    rationale:
      "When a launch template lists security groups, EKS does not add the cluster SG to the nodes; node↔control-plane traffic then depends on the rules of the listed SGs alone, which is easy to miss.",
    messages: {
      detached:
        "the launch template {{templates}} lists {{sgs}}, so EKS does not put the cluster SG of {{cluster}} on these nodes; traffic to and from the control plane, Fargate pods and nodes that carry the cluster SG now depends on the rules of {{sgs}} alone",
      "detached-kept-version":
        "{{kept}}; that version lists {{sgs}}, so EKS does not put the cluster SG of {{cluster}} on these nodes; traffic to and from the control plane, Fargate pods and nodes that carry the cluster SG now depends on the rules of {{sgs}} alone",
      "sgs-unknown": "the nodes' SGs are not all known ({{unknown}}), so it cannot be told whether the cluster SG is on them",
    },
  },
  check({ topology }) {
    const results: PolicyResult[] = [];
    for (const cluster of topology.clusters) {
      for (const node of cluster.nodes) {
        if (node.kind !== "managed") continue;
        const address = node.address;
        const related = [...node.launchTemplates, ...node.sgs.members];
        if (node.sgs.members.includes(cluster.clusterSg)) {
          results.push({ address, status: "pass", data: { fromLaunchTemplate: node.sgsFromLaunchTemplate }, related });
        } else if (node.sgs.unknown) {
          results.push({ address, status: "unknown", messageId: "sgs-unknown", data: { unknown: node.sgs.unknown }, related });
        } else {
          const sgs = node.sgs.members.map((k) => topology.sgs.get(k)?.label ?? k);
          const kept = node.keptTemplateVersion;
          const data = { templates: node.launchTemplates, sgs, cluster: cluster.address, ...(kept ? { kept } : {}) };
          results.push({ address, status: "fail", messageId: kept ? "detached-kept-version" : "detached", data, related });
        }
      }
    }
    return results;
  },
});
