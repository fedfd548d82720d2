/**
 * Can traffic flow from one ENI class to another? SGs are stateful, so a flow A→B on a port is
 * allowed when some SG on A allows it out (egress) and some SG on B allows it in (ingress). Each
 * side is `allowed` (with the rules that allow it), `denied` (no rule does), or `unknown` (a rule,
 * an SG or a peer that could allow it is decided at apply time) — unknown never becomes allowed.
 */
import { cidrContains, isWholeInternet, type IpFamily } from "./cidr";
import type { SecurityGroup } from "./security-groups";
import { describeRule, type Direction, type RulePeer, type SgRule } from "./sg-rules";
import { unknownSubnetsOf } from "./subnets";
import type { EniClass, Topology } from "./topology";
import { addToList, pushed } from "../model/add-to-list";

export type Verdict = "allowed" | "denied" | "unknown";
export type FlowProtocol = "tcp" | "udp";
export type FlowFamily = IpFamily | "any";

export interface SideResult {
  readonly verdict: Verdict;
  /** The rules that allow the traffic on this side. */
  readonly rules: readonly SgRule[];
  /** Why the side is unknown, or what is missing when denied. */
  readonly reasons: readonly string[];
  /** For a side the plan does not hold (hybrid nodes' own firewall): what it stands for. */
  readonly outside?: string;
}

/** One port, or an inclusive range that must be open in full. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export interface FlowResult {
  readonly verdict: Verdict;
  readonly from: EniClass;
  readonly to: EniClass;
  readonly protocol: FlowProtocol;
  readonly ports: PortRange;
  readonly egress: SideResult;
  readonly ingress: SideResult;
}

function both(a: Verdict, b: Verdict): Verdict {
  if (a === "denied" || b === "denied") return "denied";
  return a === "allowed" && b === "allowed" ? "allowed" : "unknown";
}

export function formatPorts(protocol: string, ports: PortRange): string {
  return ports.from === ports.to ? `${protocol.toUpperCase()} ${ports.from}` : `${protocol.toUpperCase()} ${ports.from}-${ports.to}`;
}

/** The part of `ports` a rule opens for `protocol`, or why it cannot be told. */
function portsOpened(rule: SgRule, protocol: FlowProtocol, ports: PortRange): PortRange | "none" | "unknown" {
  if (rule.protocol === undefined) return "unknown";
  if (rule.protocol === "all") return ports;
  if (rule.protocol !== protocol) return "none";
  if (rule.fromPort === undefined || rule.toPort === undefined) return "unknown";
  const from = Math.max(rule.fromPort, ports.from);
  const to = Math.min(rule.toPort, ports.to);
  if (from > to) return "none";
  // Most rules open the whole range asked for: no new range for those.
  return from === ports.from && to === ports.to ? ports : { from, to };
}

/** True when the ranges together cover every port of `ports`. */
function covers(ranges: readonly PortRange[], ports: PortRange): boolean {
  // Nearly always one range or none: no copy to sort.
  if (ranges.length === 0) return ports.from > ports.to;
  if (ranges.length === 1) return ranges[0].from <= ports.from && Math.max(ports.from, ranges[0].to + 1) > ports.to;
  let next = ports.from;
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i];
    if (r.from > next) return false;
    next = Math.max(next, r.to + 1);
    if (next > ports.to) return true;
  }
  return next > ports.to;
}

/**
 * Which ENIs of the class a rule's peer holds, for traffic of one address family: `all`, `none`,
 * `unknown`, or the indices of the class's subnets that a CIDR holds (several CIDR rules together
 * may hold them all). A CIDR only matches its own family: `0.0.0.0/0` says nothing about IPv6.
 */
type Reach = "all" | "none" | "unknown" | ReadonlySet<number>;

function peerReach(peer: RulePeer, target: EniClass, family: IpFamily): Reach {
  switch (peer.kind) {
    case "sg":
      if (target.sgs.members.includes(peer.sg)) return "all";
      return target.sgs.unknown ? "unknown" : "none";
    case "cidr": {
      if (peer.cidr.family !== family) return "none";
      if (isWholeInternet(peer.cidr)) return "all";
      const subnets = family === 4 ? target.subnets.ipv4 : target.subnets.ipv6;
      const unknown = unknownSubnetsOf(target.subnets, family);
      let held: Set<number> | undefined;
      for (let i = 0; i < subnets.length; i++) if (cidrContains(peer.cidr, subnets[i])) (held ??= new Set()).add(i);
      if (held === undefined) return unknown || subnets.length === 0 ? "unknown" : "none";
      return held.size === subnets.length && !unknown ? "all" : held;
    }
    case "unknown":
      // One SG of a known few: decided when all of them, or none of them, are on the target.
      if (peer.oneOf && peer.candidates.every((sg) => target.sgs.members.includes(sg))) return "all";
      if (peer.oneOf && !target.sgs.unknown && !peer.candidates.some((sg) => target.sgs.members.includes(sg))) return "none";
      return "unknown";
    case "prefix-list":
      return "unknown";
  }
}

function whyUnknown(rule: SgRule, other: EniClass): string {
  const { peer } = rule;
  if (rule.protocol === undefined || (rule.protocol !== "all" && (rule.fromPort === undefined || rule.toPort === undefined))) return "its protocol or ports are decided at apply time";
  if (peer.kind === "unknown") return peer.reason;
  if (peer.kind === "cidr") return `whether it covers ${other.id} is not known: ${unknownSubnetsOf(other.subnets, peer.cidr.family) ?? "no subnet CIDRs of its family"}`;
  if (peer.kind === "prefix-list") return peer.reason;
  return `the SGs of ${other.id} are not all known: ${other.sgs.unknown}`;
}

function sgLabel(topology: Topology, key: string): string {
  return topology.sgs.get(key)?.label ?? key;
}

/** What undecided rules might open, and why they are undecided. */
interface Undecided {
  readonly mightOpen: PortRange[];
  readonly reasons: string[];
}

function addUndecided(into: Undecided | undefined, range: PortRange, reason: string): Undecided {
  const undecided = into ?? { mightOpen: [], reasons: [] };
  undecided.mightOpen.push(range);
  undecided.reasons.push(reason);
  return undecided;
}

/**
 * Rules whose SG is decided at apply time and that name no candidate may be on any SG of the plan,
 * so each flow side would list them all: in a plan of many clusters whose rules name their SGs
 * through locals, every finding grew with the plan and the report with its square (issue #13).
 * Past this many, a side says that there are more, and weighs them only as far as its verdict needs.
 */
export const LISTED_UNKNOWN_SG_RULES = 5;

// Shared empty lists (SideResult is read-only): an allowed side has no reasons. Lists are made
// when first needed (`pushed`): the judged sides live as long as their topology.
const NO_REASONS: readonly string[] = Object.freeze([]);
const NO_RULES: readonly SgRule[] = Object.freeze([]);
const NO_RANGES: readonly PortRange[] = Object.freeze([]);

function sideOf(topology: Topology, own: EniClass, other: EniClass, direction: Direction, protocol: FlowProtocol, ports: PortRange, family: IpFamily): SideResult {
  // Hybrid nodes' own side is a firewall on premises: outside the plan, and not what this judges.
  if (own.outsideVpc) return { verdict: "allowed", rules: [], reasons: [], outside: own.outsideVpc };
  // This runs for every side of every flow (issue #13): lists are made when first needed (most
  // sides need none for ports open to some subnets only, or for undecided rules), and the loops
  // are indexed (in baseline code a for-of allocates a result for every step).
  let allowing: SgRule[] | undefined;
  // Ports open to every ENI of the other class, and ports open to some of its subnets only.
  let opened: PortRange[] | undefined;
  let openedBySubnet: Map<number, PortRange[]> | undefined;
  // Undecided rules can make the side unknown only if, opening all they might, the range would be covered.
  let undecided: Undecided | undefined;
  const members = own.sgs.members;
  for (let m = 0; m < members.length; m++) {
    const sg = members[m];
    const group: SecurityGroup | undefined = topology.sgs.get(sg);
    if (group?.rulesElsewhere) undecided = addUndecided(undecided, ports, group.rulesElsewhere);
    const rules = topology.rules.of(sg, direction);
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r];
      const part = portsOpened(rule, protocol, ports);
      if (part === "none") continue;
      const reach = peerReach(rule.peer, other, family);
      if (reach === "none") continue;
      if (part === "unknown" || reach === "unknown") {
        undecided = addUndecided(undecided, part === "unknown" ? ports : part, `${rule.address}: ${describeRule(rule)} (${whyUnknown(rule, other)})`);
        continue;
      }
      allowing = pushed(allowing, rule);
      if (reach === "all") opened = pushed(opened, part);
      else for (const i of reach) addToList((openedBySubnet ??= new Map()), i, part);
    }
  }
  const bySubnet = openedBySubnet;
  const rules = allowing ?? NO_RULES;
  const open = opened ?? NO_RANGES;
  const subnets = family === 4 ? other.subnets.ipv4 : other.subnets.ipv6;
  const subnetsUnknown = unknownSubnetsOf(other.subnets, family);
  const everyKnownSubnet = bySubnet !== undefined && subnets.every((_, i) => covers([...open, ...(bySubnet.get(i) ?? [])], ports));
  if (covers(open, ports) || (everyKnownSubnet && !subnetsUnknown)) return { verdict: "allowed", rules, reasons: NO_REASONS };
  const partial = bySubnet === undefined ? NO_RANGES : [...bySubnet.values()].flat();
  // CIDR rules that hold every subnet the plan knows may hold the others too: not a denial.
  if (everyKnownSubnet) undecided = addUndecided(undecided, ports, `the subnets of ${other.id} that the plan knows are all within ${rules.map(describeRule).join(", ")}; whether the rest are is not known: ${subnetsUnknown}`);
  const unknownSg = topology.rules.withUnknownSgOn(own.sgs.members, direction);
  let listed = 0;
  let unlisted = 0;
  for (let r = 0; r < unknownSg.length; r++) {
    const rule = unknownSg[r];
    const part = portsOpened(rule, protocol, ports);
    if (part === "none" || peerReach(rule.peer, other, family) === "none") continue;
    const range = part === "unknown" ? ports : part;
    if (listed < LISTED_UNKNOWN_SG_RULES) {
      listed += 1;
      undecided = addUndecided(undecided, range, `${rule.address} may be on these SGs: its security_group_id is decided at apply time (${rule.sgUnknown?.reason ?? "unknown"})`);
      continue;
    }
    // Past the listed ones a rule adds only what it might open. Once that covers the ports the side
    // is unknown whatever the rest hold, so they are not read: asked at 1, 2, 4, … more rules,
    // a side reads about twice the rules it needs instead of every one (issue #13).
    unlisted += 1;
    if ((unlisted & (unlisted - 1)) === 0 && (own.sgs.unknown || covers([...open, ...partial, ...undecided!.mightOpen], ports))) break;
    undecided!.mightOpen.push(range);
  }
  if (unlisted > 0) undecided!.reasons.push("and more rules whose security_group_id is decided at apply time may be on these SGs");
  if (own.sgs.unknown) undecided = addUndecided(undecided, ports, `the SGs of ${own.id} are not all known: ${own.sgs.unknown}`);
  if (undecided !== undefined) {
    if (covers([...open, ...partial, ...undecided.mightOpen], ports)) return { verdict: "unknown", rules, reasons: undecided.reasons };
  }
  const sgList = own.sgs.members.length > 0 ? own.sgs.members.map((k) => sgLabel(topology, k)).join(", ") : "(no SGs)";
  const on = own.keptTemplateVersion ? `${sgList} (${own.keptTemplateVersion})` : sgList;
  const partly = rules.length > 0 ? ` (only part of it: ${rules.map(describeRule).join(", ")})` : "";
  const over = family === 6 ? " over IPv6" : "";
  return { verdict: "denied", rules, reasons: [`no ${direction} rule on ${on} allows ${formatPorts(protocol, ports)}${over} ${direction === "egress" ? "to" : "from"} ${other.id}${partly}`] };
}

/** Both families ("any") when either will do: the better of the two sides. */
function bestSide(sides: SideResult[]): SideResult {
  return sides.find((s) => s.verdict === "allowed") ?? sides.find((s) => s.verdict === "unknown") ?? sides[0];
}

function side(topology: Topology, own: EniClass, other: EniClass, direction: Direction, protocol: FlowProtocol, ports: PortRange, family: FlowFamily): SideResult {
  if (family !== "any") return sideOf(topology, own, other, direction, protocol, ports, family);
  return bestSide([4, 6].map((f) => sideOf(topology, own, other, direction, protocol, ports, f as IpFamily)));
}

/** The egress side alone, for destinations that carry no SG (the public API endpoint). */
export function egressSide(topology: Topology, from: EniClass, to: EniClass, protocol: FlowProtocol, ports: PortRange, family: FlowFamily = "any"): SideResult {
  return side(topology, from, to, "egress", protocol, ports, family);
}

/**
 * A flow between two classes. The address family is the cluster's (`ip_family`): in an IPv6
 * cluster pods, services and kubelets talk IPv6, so an IPv4 CIDR rule does not open them; "any"
 * takes rules of either family (nodes reaching the API, which listens on both).
 */
export function flow(topology: Topology, from: EniClass, to: EniClass, protocol: FlowProtocol, ports: number | PortRange, family: FlowFamily = to.cluster.ipFamily): FlowResult {
  const range = typeof ports === "number" ? { from: ports, to: ports } : ports;
  const judgedHere = judgedFlows(topology, from, to);
  const key = `${protocol} ${range.from}-${range.to} ${family}`;
  const known = judgedHere.get(key);
  if (known !== undefined) return known;
  const egress = side(topology, from, to, "egress", protocol, range, family);
  const ingress = side(topology, to, from, "ingress", protocol, range, family);
  const result: FlowResult = { verdict: both(egress.verdict, ingress.verdict), from, to, protocol, ports: range, egress, ingress };
  judgedHere.set(key, result);
  return result;
}

/**
 * The flows judged so far between two classes of a finished topology, by protocol, ports and
 * family. Policies ask for the same ones (the kubelet and DNS ports, the API server) again and
 * again: a quarter of the flows a check asked for were asked before (issue #13).
 */
const judged = new WeakMap<Topology, Map<EniClass, Map<EniClass, Map<string, FlowResult>>>>();

function judgedFlows(topology: Topology, from: EniClass, to: EniClass): Map<string, FlowResult> {
  let byFrom = judged.get(topology);
  if (byFrom === undefined) judged.set(topology, (byFrom = new Map()));
  let byTo = byFrom.get(from);
  if (byTo === undefined) byFrom.set(from, (byTo = new Map()));
  let byKey = byTo.get(to);
  if (byKey === undefined) byTo.set(to, (byKey = new Map()));
  return byKey;
}
