import { definePolicy } from "../checker/policy";
import type { PolicyResult, Severity } from "../checker/policy";
import { isWholeInternet } from "../checker/eks/cidr";
import { describeRule, type SgRule } from "../checker/eks/sg-rules";
import { addToList } from "../checker/model/add-to-list";

const CRITICAL_PORTS = [22, 3389];

function severityOf(rule: SgRule): Severity {
  if (rule.protocol === "all" || rule.protocol === undefined || rule.fromPort === undefined || rule.toPort === undefined) return "error";
  if (rule.fromPort <= 0 && rule.toPort >= 65535) return "error";
  const { fromPort, toPort } = rule;
  return CRITICAL_PORTS.some((p) => fromPort <= p && p <= toPort) ? "error" : "warning";
}

export default definePolicy({
  meta: {
    id: "world-ingress",
    severity: "error",
    title: "No SG on an EKS control-plane, node or Fargate ENI admits 0.0.0.0/0 or ::/0",
    rationale:
      "An SG on nodes or the control plane that admits the whole internet exposes kubelets, NodePorts, SSH or the API to anyone who can route to them; all ports, SSH (22) and RDP (3389) are errors, other ports warnings.",
    messages: {
      "open-to-world": "{{rules}} on {{sg}}, which is on {{classes}}: anyone on the internet can reach these ports",
      "sources-unknown": "the sources of {{rules}} on {{sg}}, which is on {{classes}} are not known from the plan; check they are not the whole internet",
      "target-unknown":
        "{{rules}} is open to the whole internet, and its security_group_id is decided at apply time ({{unknown}}); if that SG is on an EKS control-plane or node ENI, anyone can reach these ports",
    },
    fixes: {
      "open-to-world": "allow only the SGs or CIDRs that need them",
    },
  },
  check({ topology }) {
    // Prefix lists made in the plan are their CIDRs by now (prefix-lists.ts).
    const isWorld = (rule: SgRule) => rule.peer.kind === "cidr" && isWholeInternet(rule.peer.cidr);
    /** A CIDR or prefix list decided at apply time (or not in the plan) may be the whole internet; an unknown SG peer cannot. */
    const mayBeWorld = (rule: SgRule) => (rule.peer.kind === "unknown" && rule.peer.mayBe !== "sg") || rule.peer.kind === "prefix-list";
    const onEnis = new Map<string, string[]>();
    for (const cluster of topology.clusters) {
      for (const cls of [cluster.controlPlane, ...cluster.nodes, ...cluster.pods]) {
        for (const key of cls.sgs.members) addToList(onEnis, key, cls.id);
      }
    }
    const results: PolicyResult[] = [];
    for (const [key, classes] of onEnis) {
      const sg = topology.sgs.get(key);
      const rules = topology.rules.of(key, "ingress");
      // Inline rules and EKS's own are reported on the SG (or the node group for its remote-access SG); rule resources on themselves.
      const byAddress = new Map<string, SgRule[]>();
      for (const rule of rules) addToList(byAddress, rule.address, rule);
      if (rules.length === 0 && sg?.address) results.push({ address: sg.address, status: "pass", key, related: [key] });
      for (const [address, list] of byAddress) {
        const open = list.filter(isWorld);
        const undecided = list.filter(mayBeWorld);
        const where = { sg: sg?.label ?? key, classes };
        if (open.length > 0) {
          const severity: Severity = open.some((r) => severityOf(r) === "error") ? "error" : "warning";
          results.push({ address, status: "fail", severity, key, related: [key, ...classes], messageId: "open-to-world", data: { ...where, rules: open.map(describeRule).join("; ") } });
        } else if (undecided.length > 0) {
          const why = (r: SgRule) => (r.peer.kind === "unknown" || r.peer.kind === "prefix-list" ? r.peer.reason : "");
          results.push({ address, status: "unknown", key, related: [key], messageId: "sources-unknown", data: { ...where, rules: undecided.map((r) => `${describeRule(r)} (${why(r)})`).join("; ") } });
        } else {
          results.push({ address, status: "pass", key, related: [key] });
        }
      }
    }
    // A rule open to the world whose SG is decided at apply time may sit on one of these SGs.
    const undecided = new Map<string, SgRule[]>();
    for (const rule of topology.rules.withUnknownSgOn([...onEnis.keys()], "ingress")) if (isWorld(rule)) addToList(undecided, rule.address, rule);
    for (const [address, list] of undecided) {
      results.push({
        address,
        status: "unknown",
        related: list[0].sgUnknown?.candidates ?? [],
        messageId: "target-unknown",
        data: { rules: list.map(describeRule).join("; "), unknown: list[0].sgUnknown?.reason ?? "unknown" },
      });
    }
    return results;
  },
});
