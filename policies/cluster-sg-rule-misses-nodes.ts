import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { describeRule, type SgRule } from "../checker/eks/sg-rules";
import { addToList } from "../checker/model/add-to-list";

/** True when the rule opens something besides TCP 443 (the one port the control plane itself serves). */
function opensMoreThan443(rule: SgRule): boolean | undefined {
  if (rule.protocol === undefined) return undefined;
  if (rule.protocol !== "tcp") return true;
  if (rule.fromPort === undefined || rule.toPort === undefined) return undefined;
  return !(rule.fromPort === 443 && rule.toPort === 443);
}

export default definePolicy({
  meta: {
    id: "cluster-sg-rule-misses-nodes",
    severity: "warning",
    title: "Rules added to the cluster SG for ports other than 443 reach nodes that carry it",
    rationale:
      "A rule on the EKS-made cluster SG only applies where that SG is attached. When every node group's launch template names its own SGs, the cluster SG is on the control-plane ENIs alone, and a rule opening, say, a NodePort or webhook port on it does nothing for the workloads it was meant for.",
    messages: {
      "reaches-no-node":
        "this rule ({{rule}}) is on the cluster SG of {{cluster}}, but no node class carries that SG ({{nodes}} use their launch templates' SGs), so it only reaches the control-plane ENIs",
      "ports-unknown": "cannot tell whether this rule ({{rule}}) reaches any node: its protocol or ports are decided at apply time",
      "node-sgs-unknown": "cannot tell whether this rule ({{rule}}) reaches any node: the SGs of {{nodes}} are not all known",
      "target-unknown": "this rule's security_group_id is decided at apply time ({{unknown}}); if it is the cluster SG of {{cluster}}, it reaches no node",
    },
    fixes: {
      "reaches-no-node": "put the rule on the node SG instead",
    },
  },
  check({ topology }) {
    const results: PolicyResult[] = [];
    for (const cluster of topology.clusters) {
      if (cluster.nodes.length === 0) continue;
      const carriers = cluster.nodes.filter((n) => n.sgs.members.includes(cluster.clusterSg));
      const maybe = cluster.nodes.filter((n) => !n.sgs.members.includes(cluster.clusterSg) && n.sgs.unknown);
      const nodes = cluster.nodes.map((n) => n.address);
      // One verdict per rule resource, though a rule with several peers is several rules here.
      const byAddress = new Map<string, SgRule[]>();
      for (const rule of topology.rules.of(cluster.clusterSg, "ingress")) {
        if (rule.origin === "rule-resource") addToList(byAddress, rule.address, rule);
      }
      for (const [address, rules] of byAddress) {
        const opens = rules.map(opensMoreThan443);
        const rule = rules.map(describeRule).join("; ");
        if (carriers.length > 0 || opens.every((o) => o === false)) {
          results.push({ address, status: "pass", related: [cluster.clusterSg, cluster.address], data: { carriers: carriers.map((n) => n.address) } });
        } else if (opens.includes(undefined)) {
          results.push({ address, status: "unknown", related: [cluster.clusterSg, cluster.address], messageId: "ports-unknown", data: { rule } });
        } else if (maybe.length > 0) {
          results.push({ address, status: "unknown", related: [cluster.clusterSg, cluster.address], messageId: "node-sgs-unknown", data: { rule, nodes: maybe.map((n) => n.address) } });
        } else {
          results.push({
            address,
            status: "fail",
            related: [cluster.clusterSg, cluster.address, ...cluster.nodes.flatMap((n) => n.sgs.members)],
            messageId: "reaches-no-node",
            data: { rule, cluster: cluster.address, nodes },
          });
        }
      }
      // A rule whose SG is decided at apply time may be on the cluster SG.
      if (carriers.length > 0) continue;
      const reported = new Set<string>();
      // The candidates come from the rule resource's security_group_id: every rule of one address has the same.
      for (const rule of topology.rules.withUnknownSgOn([cluster.clusterSg], "ingress")) {
        if (opensMoreThan443(rule) === false || reported.has(rule.address)) continue;
        reported.add(rule.address);
        results.push({ address: rule.address, status: "unknown", related: [cluster.clusterSg], messageId: "target-unknown", data: { unknown: rule.sgUnknown?.reason ?? "unknown", cluster: cluster.address }, key: cluster.address });
      }
    }
    return results;
  },
});
