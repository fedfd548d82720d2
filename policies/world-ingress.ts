import type { CheckResult, PolicyContext, PolicyMeta, Severity } from "../checker/policy";
import { isWholeInternet } from "../checker/eks/cidr";
import { describeRule, type SgRule } from "../checker/eks/sg-rules";
import { topologyOf } from "../checker/eks/topology";
import type { World } from "../checker/model/resource-graph";
import { isObject } from "../checker/model/value";

export const meta: PolicyMeta = {
  id: "world-ingress",
  severity: "error",
  title: "No SG on an EKS control-plane, node or Fargate ENI admits 0.0.0.0/0 or ::/0",
  rationale:
    "An SG on nodes or the control plane that admits the whole internet exposes kubelets, NodePorts, SSH or the API to anyone who can route to them; all ports, SSH (22) and RDP (3389) are errors, other ports warnings.",
  resourceTypes: ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_eks_node_group"],
};

const CRITICAL_PORTS = [22, 3389];

function severityOf(rule: SgRule): Severity {
  if (rule.protocol === "all" || rule.protocol === undefined || rule.fromPort === undefined || rule.toPort === undefined) return "error";
  if (rule.fromPort <= 0 && rule.toPort >= 65535) return "error";
  const { fromPort, toPort } = rule;
  return CRITICAL_PORTS.some((p) => fromPort <= p && p <= toPort) ? "error" : "warning";
}

/** The CIDRs of a managed prefix list made in the plan; `undefined` when the plan does not say. */
function prefixListCidrs(world: World, id: string): string[] | undefined {
  const list = world.findByAttribute("aws_ec2_managed_prefix_list", "id", id)[0];
  const entries = list ? world.read(list, ["entry"]) : undefined;
  if (!Array.isArray(entries)) return undefined;
  const cidrs = entries.map((e) => (isObject(e) ? e.cidr : undefined));
  return cidrs.every((c): c is string => typeof c === "string") ? cidrs : undefined;
}

export function check({ graph }: PolicyContext): CheckResult[] {
  const topology = topologyOf(graph);
  const { world } = topology;
  const isWorld = (rule: SgRule) =>
    (rule.peer.kind === "cidr" && isWholeInternet(rule.peer.cidr.text)) ||
    (rule.peer.kind === "prefix-list" && (prefixListCidrs(world, rule.peer.id) ?? []).some(isWholeInternet));
  /** A CIDR or prefix list decided at apply time (or not in the plan) may be the whole internet; an unknown SG peer cannot. */
  const mayBeWorld = (rule: SgRule) =>
    (rule.peer.kind === "unknown" && /^(cidr_blocks|ipv6_cidr_blocks|cidr_ipv4|cidr_ipv6|prefix_list_ids?|ingress)\b/.test(rule.peer.reason)) ||
    (rule.peer.kind === "prefix-list" && prefixListCidrs(world, rule.peer.id) === undefined);
  const onEnis = new Map<string, string[]>();
  for (const cluster of topology.clusters) {
    for (const cls of [cluster.controlPlane, ...cluster.nodes]) {
      for (const key of cls.sgs.members) onEnis.set(key, [...(onEnis.get(key) ?? []), cls.id]);
    }
  }
  const results: CheckResult[] = [];
  for (const [key, classes] of onEnis) {
    const sg = topology.sgs.get(key);
    const rules = topology.rules.of(key, "ingress");
    // Inline rules and EKS's own are reported on the SG (or the node group for its remote-access SG); rule resources on themselves.
    const byAddress = new Map<string, SgRule[]>();
    for (const rule of rules) byAddress.set(rule.address, [...(byAddress.get(rule.address) ?? []), rule]);
    if (rules.length === 0 && sg?.address) results.push({ address: sg.address, status: "pass", message: "no ingress rules", key });
    for (const [address, list] of byAddress) {
      const open = list.filter(isWorld);
      const undecided = list.filter(mayBeWorld);
      const where = `${sg?.label ?? key}, which is on ${classes.join(", ")}`;
      if (open.length > 0) {
        const severity: Severity = open.some((r) => severityOf(r) === "error") ? "error" : "warning";
        results.push({
          address,
          status: "fail",
          severity,
          key,
          related: [key, ...classes],
          message: `${open.map(describeRule).join("; ")} on ${where}: anyone on the internet can reach these ports; allow only the SGs or CIDRs that need them`,
        });
      } else if (undecided.length > 0) {
        const why = (r: SgRule) => (r.peer.kind === "unknown" ? r.peer.reason : "the prefix list's entries are not in this plan");
        results.push({ address, status: "unknown", key, related: [key], message: `the sources of ${undecided.map((r) => `${describeRule(r)} (${why(r)})`).join("; ")} on ${where} are not known from the plan; check they are not the whole internet` });
      } else {
        results.push({ address, status: "pass", key, message: "no ingress from the whole internet" });
      }
    }
  }
  // A rule open to the world whose SG is decided at apply time may sit on one of these SGs.
  const undecided = new Map<string, SgRule[]>();
  for (const rule of topology.rules.withUnknownSg) {
    const candidates = rule.sgUnknown?.candidates ?? [];
    if (rule.direction !== "ingress" || !isWorld(rule) || (candidates.length > 0 && !candidates.some((c) => onEnis.has(c)))) continue;
    undecided.set(rule.address, [...(undecided.get(rule.address) ?? []), rule]);
  }
  for (const [address, list] of undecided) {
    results.push({
      address,
      status: "unknown",
      related: list[0].sgUnknown?.candidates ?? [],
      message: `${list.map(describeRule).join("; ")} is open to the whole internet, and its security_group_id is decided at apply time (${list[0].sgUnknown?.reason}); if that SG is on an EKS control-plane or node ENI, anyone can reach these ports`,
    });
  }
  return results;
}
