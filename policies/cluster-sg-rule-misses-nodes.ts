import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { describeRule, type SgRule } from "../checker/eks/sg-rules";
import { addToList } from "../checker/model/add-to-list";
import type { Cluster } from "../checker/eks/eni-class";

/** Clusters named in one finding; the rest are counted. */
const LISTED_CLUSTERS = 5;

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
      "target-unknown-clusters":
        "this rule's security_group_id is decided at apply time ({{unknown}}); if it is the cluster SG of one of {{count}} clusters whose nodes do not carry it ({{clusters}}), it reaches no node",
    },
    fixes: {
      "reaches-no-node": "put the rule on the node SG instead",
    },
  },
  check({ topology }) {
    const results: PolicyResult[] = [];
    // Rules whose SG is decided at apply time, by address: the clusters whose cluster SG they may be on.
    const maybeOn = new Map<string, { unknown: string; clusters: Cluster[] }>();
    // Clusters whose nodes carry none of their cluster SG: a rule that names no candidate may be on
    // the cluster SG of every one, and all such rules share this list.
    const withoutCarriers: Cluster[] = [];
    const mayBeOn = (rule: SgRule, cluster?: Cluster): void => {
      if (opensMoreThan443(rule) === false) return;
      const seen = maybeOn.get(rule.address);
      if (seen === undefined) maybeOn.set(rule.address, { unknown: rule.sgUnknown?.reason ?? "unknown", clusters: cluster ? [cluster] : withoutCarriers });
      else if (cluster && seen.clusters[seen.clusters.length - 1] !== cluster) seen.clusters.push(cluster);
    };
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
      withoutCarriers.push(cluster);
      // The candidates come from the rule resource's security_group_id: every rule of one address has the same.
      for (const rule of topology.rules.withUnknownSgNaming([cluster.clusterSg], "ingress")) mayBeOn(rule, cluster);
    }
    // Every rule of one address names the same candidates, so these are not among those above.
    if (withoutCarriers.length > 0) for (const rule of topology.rules.withUnknownSgOnAny("ingress")) mayBeOn(rule);
    // One finding per rule, not per rule and cluster: a plan of many clusters whose rules name their
    // SGs through locals had as many findings as rules times clusters (issue #13).
    for (const [address, { unknown, clusters }] of maybeOn) {
      if (clusters.length === 1) {
        results.push({ address, status: "unknown", related: [clusters[0].clusterSg], messageId: "target-unknown", data: { unknown, cluster: clusters[0].address }, key: clusters[0].address });
        continue;
      }
      const listed = clusters.slice(0, LISTED_CLUSTERS);
      const more = clusters.length - listed.length;
      results.push({
        address,
        status: "unknown",
        related: listed.map((c) => c.clusterSg),
        messageId: "target-unknown-clusters",
        data: { unknown, count: clusters.length, clusters: [...listed.map((c) => c.address), ...(more > 0 ? [`and ${more} more`] : [])] },
      });
    }
    return results;
  },
});
