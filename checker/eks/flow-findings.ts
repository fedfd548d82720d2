/**
 * Turns a flow verdict into what a policy reports: which side is missing, the rules involved,
 * and the rule to add on which SG.
 */
import type { CheckResult } from "../policy";
import { formatPorts, type FlowResult, type SideResult } from "./reachability";
import type { SgKey } from "./security-groups";
import type { EniClass, Topology } from "./topology";

/** An SG of the class to put a rule on: a Terraform-made one before the EKS-made cluster SG. */
function ruleHome(topology: Topology, cls: EniClass): SgKey | undefined {
  const members = cls.sgs.members;
  return members.find((k) => topology.sgs.get(k)?.kind === "terraform") ?? members.find((k) => k === cls.cluster.clusterSg) ?? members[0];
}

function describeClass(cls: EniClass): string {
  if (cls.kind === "control-plane") return `the control plane of ${cls.address}`;
  if (cls.kind === "public-endpoint") return `the public API endpoint of ${cls.address}`;
  // An ASG whose instances start from templates with different SGs is one class per template.
  if (cls.id.includes(" via ")) return `${cls.address} (instances from ${cls.launchTemplates.join(", ")})`;
  return cls.address;
}

/** The advice for denied flows (same classes, several ports): the missing rule(s), written against Terraform expressions. */
function fixFor(topology: Topology, denied: readonly FlowResult[]): string {
  const result = denied[0];
  const ports = denied.map((r) => formatPorts(r.protocol, r.ports)).join(", ");
  if (result.to.kind === "public-endpoint") {
    const source = ruleHome(topology, result.from);
    return `${source ? `add an egress rule on ${source} for ${ports} to 0.0.0.0/0` : "give the nodes an SG that allows TCP 443 out"}, or turn on endpoint_private_access so nodes reach the API inside the VPC`;
  }
  const fixes: string[] = [];
  const source = ruleHome(topology, result.from);
  const target = ruleHome(topology, result.to);
  if (result.ingress.verdict === "denied") {
    fixes.push(target ? `add an ingress rule on ${target} for ${ports} from ${source ?? "the nodes' SG"}` : `put an SG on ${describeClass(result.to)} that allows ${ports} in`);
  }
  if (result.egress.verdict === "denied") {
    fixes.push(source ? `add an egress rule on ${source} for ${ports} to ${target ?? "the peer"} (or to 0.0.0.0/0)` : `put an SG on ${describeClass(result.from)} that allows ${ports} out`);
  }
  return fixes.join("; and ");
}

function sideText(name: string, side: SideResult): string {
  if (side.verdict === "allowed") {
    const rules = [...new Set(side.rules.map((r) => (r.origin === "eks" ? `the built-in rules of the SG EKS made for ${r.address}` : r.address)))];
    return rules.length > 0 ? `${name} allowed by ${rules.join(", ")}` : `${name} allowed`;
  }
  if (side.verdict === "denied") return `${name} side missing: ${side.reasons.join("; ")}`;
  return `${name} side unknown: ${side.reasons.join("; ")}`;
}

/** SGs of both classes and the rules that decided the flow. */
export function relatedOf(result: FlowResult): string[] {
  const rules = [...result.egress.rules, ...result.ingress.rules].map((r) => r.address);
  return [...new Set([...result.from.sgs.members, ...result.to.sgs.members, ...rules])];
}

/**
 * A result for one required flow. `what` names the flow for a person ("nodes → API server"),
 * `why` says what breaks without it.
 */
export function flowCheckResult(topology: Topology, address: string, results: readonly FlowResult[], what: string, why: string, key?: string): CheckResult {
  const related = [...new Set(results.flatMap(relatedOf))];
  const denied = results.filter((r) => r.verdict === "denied");
  const unknown = results.filter((r) => r.verdict === "unknown");
  const ports = (list: readonly FlowResult[]) => list.map((r) => formatPorts(r.protocol, r.ports)).join(", ");
  const route = `${describeClass(results[0].from)} → ${describeClass(results[0].to)}`;
  if (denied.length > 0) {
    const first = denied[0];
    return {
      address,
      status: "fail",
      key,
      related,
      message: `${what} (${route}) is blocked on ${ports(denied)}: ${sideText("egress", first.egress)}; ${sideText("ingress", first.ingress)}. ${why} Fix: ${fixFor(topology, denied.filter((r) => r.egress.verdict === first.egress.verdict && r.ingress.verdict === first.ingress.verdict))}`,
    };
  }
  if (unknown.length > 0) {
    const first = unknown[0];
    const sides = [first.egress, first.ingress].map((s, i) => (s.verdict === "unknown" ? sideText(i === 0 ? "egress" : "ingress", s) : undefined)).filter(Boolean);
    return { address, status: "unknown", key, related, message: `cannot tell whether ${what} (${route}) is open on ${ports(unknown)}: ${sides.join("; ")}` };
  }
  return { address, status: "pass", key, related, message: `${what} is open on ${ports(results)}` };
}
