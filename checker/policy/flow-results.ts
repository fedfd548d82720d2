/**
 * Turns flow verdicts into a policy result: which side is missing, the rules involved, and the rule
 * to add on which SG — as facts (`missing`, `addIngressOn`, …) that the shared templates word.
 */
import { formatPorts, type FlowResult, type SideResult } from "../eks/reachability";
import type { SgKey } from "../eks/security-groups";
import type { EniClass, Topology } from "../eks/topology";
import type { Facts, FlowWording, PolicyResult } from "./contract";

/** An SG of the class to put a rule on: a Terraform-made one before the EKS-made cluster SG. */
function ruleHome(topology: Topology, cls: EniClass, { additionalOnly = false } = {}): SgKey | undefined {
  const members = cls.sgs.members;
  const made = members.find((k) => topology.sgs.get(k)?.kind === "terraform");
  if (additionalOnly) return made ?? members.find((k) => k !== cls.cluster.clusterSg);
  return made ?? members.find((k) => k === cls.cluster.clusterSg) ?? members[0];
}

/** A class outside the VPC, as a rule names it: its CIDRs. */
function cidrsOf(cls: EniClass): string | undefined {
  const cidrs = [...cls.subnets.ipv4, ...cls.subnets.ipv6].map((c) => c.text);
  return cidrs.length > 0 ? cidrs.join(", ") : undefined;
}

export function describeClass(cls: EniClass): string {
  if (cls.kind === "control-plane") return `the control plane of ${cls.address}`;
  if (cls.kind === "public-endpoint") return `the public API endpoint of ${cls.address}`;
  if (cls.kind === "auto-mode" && cls.address === cls.cluster.address) return `the Auto Mode built-in node pools of ${cls.address}`;
  if (cls.kind === "hybrid") return `the hybrid nodes of ${cls.address}`;
  // An ASG whose instances start from templates with different SGs is one class per template.
  if (cls.viaTemplate !== undefined) return `${cls.address} (instances from ${cls.viaTemplate})`;
  return cls.address;
}

/** The rules to add for denied flows (same classes, several ports), as facts and as one sentence. */
function fixFacts(topology: Topology, denied: readonly FlowResult[]): Facts {
  const result = denied[0];
  const ports = denied.map((r) => formatPorts(r.protocol, r.ports)).join(", ");
  const source = ruleHome(topology, result.from);
  if (result.to.kind === "public-endpoint") {
    const first = source ? `add an egress rule on ${source} for ${ports} to 0.0.0.0/0` : "give the nodes an SG that allows TCP 443 out";
    return { fix: `${first}, or turn on endpoint_private_access so nodes reach the API inside the VPC`, ...(source ? { addEgressOn: source, addEgressTo: "0.0.0.0/0" } : {}) };
  }
  const target = ruleHome(topology, result.to);
  const sentences: string[] = [];
  const facts: Record<string, string> = {};
  // Hybrid nodes are known by their CIDRs, and the cluster SG's inbound rules cannot be changed for
  // them (hybrid-nodes-prereqs): their rule belongs on an additional control-plane SG.
  const from = result.from.outsideVpc ? cidrsOf(result.from) : source;
  const home = result.from.outsideVpc && result.to.kind === "control-plane" ? ruleHome(topology, result.to, { additionalOnly: true }) : target;
  if (result.ingress.verdict === "denied") {
    if (home) {
      sentences.push(`add an ingress rule on ${home} for ${ports} from ${from ?? "the nodes' SG"}`);
      facts.addIngressOn = home;
      if (from) facts.addIngressFrom = from;
    } else if (result.to.kind === "control-plane") {
      sentences.push(`add an SG to vpc_config.security_group_ids of ${result.to.address} that allows ${ports} from ${from ?? "the nodes"}`);
      facts.addIngressOn = "vpc_config.security_group_ids";
      if (from) facts.addIngressFrom = from;
    } else sentences.push(`put an SG on ${describeClass(result.to)} that allows ${ports} in`);
  }
  if (result.egress.verdict === "denied") {
    if (source) {
      sentences.push(`add an egress rule on ${source} for ${ports} to ${target ?? "the peer"} (or to 0.0.0.0/0)`);
      facts.addEgressOn = source;
      if (target) facts.addEgressTo = target;
    } else sentences.push(`put an SG on ${describeClass(result.from)} that allows ${ports} out`);
  }
  return { fix: sentences.join("; and "), ...facts };
}

function sideText(name: string, side: SideResult): string {
  if (side.outside) return `${name} ${side.outside}`;
  if (side.verdict === "allowed") {
    const rules = allowingRules(side);
    return rules.length > 0 ? `${name} allowed by ${rules.join(", ")}` : `${name} allowed`;
  }
  if (side.verdict === "denied") return `${name} side missing: ${side.reasons.join("; ")}`;
  return `${name} side unknown: ${side.reasons.join("; ")}`;
}

/** The rules that allow a side, EKS's built-in ones named by the SG EKS made. */
function allowingRules(side: SideResult): string[] {
  return [...new Set(side.rules.map((r) => (r.origin === "eks" ? `the built-in rules of the SG EKS made for ${r.address}` : r.address)))];
}

/**
 * SGs of both classes and the rules that decided the flow, in that order, each once. Filled by
 * index into one Set: this runs for every flow a policy judges, and spreads made four lists each time.
 */
export function relatedOf(result: FlowResult): string[] {
  return Array.from(addRelated(new Set(), result));
}

function addRelated(related: Set<string>, result: FlowResult): Set<string> {
  const { members: from } = result.from.sgs;
  const { members: to } = result.to.sgs;
  for (let i = 0; i < from.length; i++) related.add(from[i]);
  for (let i = 0; i < to.length; i++) related.add(to[i]);
  addRuleAddresses(related, result.egress);
  addRuleAddresses(related, result.ingress);
  return related;
}

function addRuleAddresses(related: Set<string>, side: SideResult): void {
  for (let i = 0; i < side.rules.length; i++) related.add(side.rules[i].address);
}

const portList = (list: readonly FlowResult[]) => list.map((r) => formatPorts(r.protocol, r.ports));

/**
 * The result for one required flow on several ports: `fail` (`flow-blocked`) when a port is
 * denied, `unknown` (`flow-unknown`) when one is undecided, `pass` otherwise.
 */
export function flowResult(topology: Topology, address: string, results: readonly FlowResult[], wording: FlowWording): PolicyResult {
  const { what, why, key } = wording;
  const relatedSet = new Set<string>();
  // Verdicts counted first: most results pass, and need neither list.
  let denials = 0;
  let unknowns = 0;
  for (let i = 0; i < results.length; i++) {
    addRelated(relatedSet, results[i]);
    if (results[i].verdict === "denied") denials++;
    else if (results[i].verdict === "unknown") unknowns++;
  }
  const related = Array.from(relatedSet);
  const from = results[0].from;
  const to = results[0].to;
  const common = { what, route: `${describeClass(from)} → ${describeClass(to)}`, from: from.id, to: to.id };
  if (denials > 0) {
    const denied = results.filter((r) => r.verdict === "denied");
    const first = denied[0];
    const sameSides = denied.filter((r) => r.egress.verdict === first.egress.verdict && r.ingress.verdict === first.ingress.verdict);
    return {
      address,
      status: "fail",
      key,
      related,
      messageId: "flow-blocked",
      data: {
        ...common,
        ports: portList(denied),
        why,
        egress: sideText("egress", first.egress),
        ingress: sideText("ingress", first.ingress),
        missing: (["egress", "ingress"] as const).filter((side) => first[side].verdict === "denied"),
        egressAllowedBy: allowingRules(first.egress),
        ingressAllowedBy: allowingRules(first.ingress),
        ...fixFacts(topology, sameSides),
      },
    };
  }
  if (unknowns > 0) {
    const unknown = results.filter((r) => r.verdict === "unknown");
    const first = unknown[0];
    const sides = (["egress", "ingress"] as const).filter((side) => first[side].verdict === "unknown");
    return {
      address,
      status: "unknown",
      key,
      related,
      messageId: "flow-unknown",
      data: { ...common, ports: portList(unknown), undecided: sides, sides: sides.map((side) => sideText(side, first[side])).join("; "), reasons: sides.flatMap((side) => first[side].reasons) },
    };
  }
  return { address, status: "pass", key, related, data: { ...common, ports: portList(results) } };
}
