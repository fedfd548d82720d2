/**
 * Security-group rules from every place Terraform can put them — inline `ingress`/`egress`,
 * `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule` / `_egress_rule` — and the
 * rules EKS gives its own SGs, normalised into one shape and indexed by SG.
 */
import { addToList } from "../model/add-to-list";
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isObject, isUnknown, type Unknown, type Value, type ValueObject } from "../model/value";
import { parseCidr, type ParsedCidr } from "./cidr";
import type { PrefixListDirectory } from "./prefix-lists";
import type { SgDirectory, SgKey } from "./security-groups";

/** What rules name peers by: SG ids and prefix lists. */
export interface RuleSources {
  readonly sgs: SgDirectory;
  readonly prefixLists: PrefixListDirectory;
}

export type Direction = "ingress" | "egress";
export type Protocol = "all" | "tcp" | "udp" | "icmp" | "icmpv6" | `proto-${number}`;

export type RulePeer =
  | { readonly kind: "sg"; readonly sg: SgKey }
  /** A CIDR, written as such or as an entry of a prefix list made in the plan (`prefixList` names it). */
  | { readonly kind: "cidr"; readonly cidr: ParsedCidr; readonly prefixList?: string }
  /** A prefix list whose entries the plan does not decide (AWS-managed, or made elsewhere). */
  | { readonly kind: "prefix-list"; readonly id: string; readonly reason: string }
  /**
   * The peer is decided at apply time; `candidates` are the SGs it may be (with `oneOf`, certainly
   * one of them), and `mayBe` says which kind of peer the unknown value stands for (`any` for a
   * whole rule list decided at apply time).
   */
  | { readonly kind: "unknown"; readonly reason: string; readonly candidates: readonly SgKey[]; readonly mayBe: UnknownPeerKind; readonly oneOf?: boolean };

export type UnknownPeerKind = "cidr" | "prefix-list" | "sg" | "any";

export interface SgRule {
  /** The SG the rule belongs to; `undefined` when the plan does not say which one. */
  readonly sg?: SgKey;
  /** When `sg` is undefined: why, and which SGs it may be. */
  readonly sgUnknown?: { readonly reason: string; readonly candidates: readonly SgKey[] };
  readonly direction: Direction;
  /** `undefined` when decided at apply time. */
  readonly protocol?: Protocol;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly peer: RulePeer;
  /** The resource that defines the rule (the SG for inline rules, the cluster for EKS's own). */
  readonly address: string;
  readonly origin: "inline" | "rule-resource" | "eks";
}

const PROTOCOL_NUMBERS: Record<string, Protocol> = { "-1": "all", all: "all", "6": "tcp", tcp: "tcp", "17": "udp", udp: "udp", "1": "icmp", icmp: "icmp", "58": "icmpv6", icmpv6: "icmpv6" };

export function normaliseProtocol(value: Value | undefined): Protocol | undefined {
  if (typeof value === "number") return PROTOCOL_NUMBERS[String(value)] ?? `proto-${value}`;
  if (typeof value !== "string") return undefined;
  const key = value.toLowerCase();
  if (PROTOCOL_NUMBERS[key]) return PROTOCOL_NUMBERS[key];
  return /^\d+$/.test(key) ? `proto-${Number(key)}` : undefined;
}

export function describeRule(rule: SgRule): string {
  const proto = rule.protocol ?? "(protocol unknown)";
  const ports = rule.protocol === "all" ? "all traffic" : rule.fromPort === undefined || rule.toPort === undefined ? `${proto} (ports unknown)` : rule.fromPort === rule.toPort ? `${proto}/${rule.fromPort}` : `${proto}/${rule.fromPort}-${rule.toPort}`;
  const peer =
    rule.peer.kind === "sg"
      ? rule.peer.sg
      : rule.peer.kind === "cidr"
        ? rule.peer.prefixList
          ? `${rule.peer.cidr.text} (in prefix list ${rule.peer.prefixList})`
          : rule.peer.cidr.text
        : rule.peer.kind === "prefix-list"
          ? `prefix list ${rule.peer.id}`
          : "a peer decided at apply time";
  return `${rule.direction} ${ports} ${rule.direction === "ingress" ? "from" : "to"} ${peer}`;
}

/** Rules by SG and direction, plus the rules whose SG is not known (they can make a flow unknown). */
export class RuleIndex {
  // By direction, then SG: a key string made for each lookup cost an allocation per flow side.
  private readonly bySg: Readonly<Record<Direction, Map<SgKey, SgRule[]>>> = { ingress: new Map(), egress: new Map() };
  readonly withUnknownSg: SgRule[] = [];
  // Positions in withUnknownSg of the rules by the SGs they may be on, and, by direction, the rules
  // that name no candidate and so may be on any SG.
  private readonly unknownByCandidate = new Map<SgKey, number[]>();
  private readonly unknownOnAny: Readonly<Record<Direction, number[]>> = { ingress: [], egress: [] };
  private readonly onAnyRules: Readonly<Record<Direction, SgRule[]>> = { ingress: [], egress: [] };

  add(rule: SgRule): void {
    if (rule.sg === undefined) {
      const at = this.withUnknownSg.push(rule) - 1;
      const candidates = rule.sgUnknown?.candidates ?? [];
      if (candidates.length === 0) {
        this.unknownOnAny[rule.direction].push(at);
        this.onAnyRules[rule.direction].push(rule);
      }
      for (const sg of new Set(candidates)) addToList(this.unknownByCandidate, sg, at);
      return;
    }
    addToList(this.bySg[rule.direction], rule.sg, rule);
  }

  of(sg: SgKey, direction: Direction): readonly SgRule[] {
    return this.bySg[direction].get(sg) ?? [];
  }

  /**
   * The rules of `withUnknownSg` in one direction that may be on one of `sgs` (those that name no
   * candidates may be on any), in their order there. Found through the candidates, not by reading
   * every such rule of every cluster for each flow; when no candidate is among `sgs`, the list of
   * rules that may be on any SG is returned as it is, not copied for each flow side (issue #13).
   */
  withUnknownSgOn(sgs: readonly SgKey[], direction: Direction): readonly SgRule[] {
    const named = this.namedPositions(sgs, direction);
    if (named === undefined) return this.onAnyRules[direction];
    return this.rulesAt([...this.unknownOnAny[direction], ...named]);
  }

  /** The rules of `withUnknownSgOn` that name one of `sgs` among their candidates. */
  withUnknownSgNaming(sgs: readonly SgKey[], direction: Direction): readonly SgRule[] {
    return this.rulesAt(this.namedPositions(sgs, direction) ?? []);
  }

  /** The rules at these positions of `withUnknownSg`, each once, in plan order. */
  private rulesAt(positions: readonly number[]): SgRule[] {
    return [...new Set(positions)].sort((a, b) => a - b).map((at) => this.withUnknownSg[at]);
  }

  /** The rules of `withUnknownSgOn` that name no candidate, so may be on any SG of any cluster. */
  withUnknownSgOnAny(direction: Direction): readonly SgRule[] {
    return this.onAnyRules[direction];
  }

  private namedPositions(sgs: readonly SgKey[], direction: Direction): number[] | undefined {
    // Asked for every side of every flow; most plans decide the SG of every rule.
    if (this.unknownByCandidate.size === 0) return undefined;
    let named: number[] | undefined;
    for (const sg of sgs) for (const at of this.unknownByCandidate.get(sg) ?? []) if (this.withUnknownSg[at].direction === direction) (named ??= []).push(at);
    return named;
  }
}

function list(value: Value | undefined): Value[] | undefined {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : undefined;
}

/**
 * Peers of one rule body; an unknown list becomes one unknown peer. Peers read from known values
 * and peers inferred from unknown ones are kept apart: a rule resource has one kind of peer (the
 * provider rejects `self` or CIDRs together with a source SG), and its other peer attributes are
 * Optional+Computed, so they show as unknown on create even when the configuration chose null —
 * often through a conditional whose other branch names an SG. Once a peer is known, they are noise.
 */
function peersOf(body: ValueObject, sg: SgKey | undefined, { sgs, prefixLists }: RuleSources, keys: PeerKeys): RulePeer[] {
  const known: RulePeer[] = [];
  const inferred: RulePeer[] = [];
  const undecided = (key: string, value: Unknown, mayBe: UnknownPeerKind, candidates: readonly SgKey[] = []) =>
    inferred.push({ kind: "unknown", reason: `${key}: ${value.describe()}`, candidates, mayBe });
  // Indexed loops: in baseline code a for-of allocates a result per step, for every rule (issue #13).
  for (let k = 0; k < keys.cidrs.length; k++) {
    const key = keys.cidrs[k];
    const values = body[key];
    const items = list(values) ?? (typeof values === "string" ? [values] : undefined);
    if (items === undefined) {
      if (isUnknown(values) && values.origin !== "computed") undecided(key, values, "cidr");
      continue;
    }
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item === "string" && item !== "") {
        const parsed = parseCidr(item);
        known.push(parsed ? { kind: "cidr", cidr: parsed } : { kind: "unknown", reason: `${key} "${item}" is not a CIDR`, candidates: [], mayBe: "cidr" });
      } else if (isUnknown(item)) undecided(key, item, "cidr");
    }
  }
  const prefixes = body[keys.prefix];
  const items = list(prefixes) ?? (typeof prefixes === "string" ? [prefixes] : isUnknown(prefixes) && prefixes.origin !== "computed" ? [prefixes] : []);
  for (const item of items) {
    if (item === "" || item === null || (isUnknown(item) && item.origin === "computed")) continue;
    // A list made in the plan is its CIDRs; one made elsewhere stays a peer the plan does not decide.
    const resolved = prefixLists.resolve(item);
    if (resolved.decided) for (const cidr of resolved.cidrs) (typeof item === "string" ? known : inferred).push({ kind: "cidr", cidr, prefixList: resolved.label });
    else if (typeof item === "string") known.push({ kind: "prefix-list", id: item, reason: resolved.reason });
    else if (isUnknown(item)) undecided(keys.prefix, item, "prefix-list");
  }
  const source = body[keys.source];
  if (source !== undefined && source !== null && source !== "" && !(isUnknown(source) && source.origin === "computed") && !(Array.isArray(source) && source.length === 0)) {
    const set = sgs.resolve(source);
    const into = typeof source === "string" || (Array.isArray(source) && source.every((s) => typeof s === "string")) ? known : inferred;
    // A rule resource's source is one SG: an expression naming several (`var.x ? a.id : b.id`,
    // whose branch the plan does not show) picks one of them, not all.
    if (keys.exclusive && isUnknown(source) && set.members.length > 1) {
      inferred.push({ kind: "unknown", reason: `${keys.source} is one of ${set.members.join(", ")}, chosen by an expression the plan does not show`, candidates: set.members, mayBe: "sg", oneOf: true });
    } else for (let i = 0; i < set.members.length; i++) into.push({ kind: "sg", sg: set.members[i] });
    if (set.oneOf) inferred.push({ kind: "unknown", reason: `${keys.source}: ${set.unknown}`, candidates: set.oneOf, mayBe: "sg", oneOf: true });
    else if (set.unknown) inferred.push({ kind: "unknown", reason: `${keys.source}: ${set.unknown}`, candidates: set.members, mayBe: "sg" });
  }
  if (keys.self) {
    const self = body[keys.self];
    if (self === true && sg) known.push({ kind: "sg", sg });
    else if (self === true) known.push({ kind: "unknown", reason: "self, on an SG decided at apply time", candidates: [], mayBe: "sg" });
    else if (isUnknown(self) && self.origin !== "computed") undecided("self", self, "sg", sg ? [sg] : []);
  }
  return keys.exclusive && known.length > 0 ? known : [...known, ...inferred];
}

function portOf(value: Value | undefined): number | undefined {
  return typeof value === "number" ? value : typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : undefined;
}

interface RuleBody {
  readonly protocol?: Protocol;
  readonly fromPort?: number;
  readonly toPort?: number;
}

/** `all` ignores ports; for `aws_vpc_security_group_*_rule` an unset port range means every port. */
function bodyOf(protocolValue: Value | undefined, from: Value | undefined, to: Value | undefined): RuleBody {
  const protocol = normaliseProtocol(protocolValue);
  if (protocol === "all") return { protocol, fromPort: 0, toPort: 65535 };
  return { protocol, fromPort: portOf(from), toPort: portOf(to) };
}

interface PeerKeys {
  /** The IPv4 and the IPv6 CIDR list. */
  readonly cidrs: readonly [string, string];
  readonly prefix: string;
  readonly source: string;
  readonly self?: string;
  /** Rule resources allow one kind of peer; inline blocks may mix them. */
  readonly exclusive: boolean;
}

const INLINE_KEYS: PeerKeys = { cidrs: ["cidr_blocks", "ipv6_cidr_blocks"], prefix: "prefix_list_ids", source: "security_groups", self: "self", exclusive: false };
const RULE_KEYS: PeerKeys = { cidrs: ["cidr_blocks", "ipv6_cidr_blocks"], prefix: "prefix_list_ids", source: "source_security_group_id", self: "self", exclusive: true };
const VPC_RULE_KEYS: PeerKeys = { cidrs: ["cidr_ipv4", "cidr_ipv6"], prefix: "prefix_list_id", source: "referenced_security_group_id", exclusive: true };

function signature(rule: SgRule): string {
  const peer = rule.peer.kind === "sg" ? rule.peer.sg : rule.peer.kind === "cidr" ? rule.peer.cidr.text : rule.peer.kind === "prefix-list" ? rule.peer.id : "?";
  return [rule.sg, rule.direction, rule.protocol, rule.fromPort, rule.toPort, peer].join("|");
}

/** Where a rule sits: its SG, or why that is not known and which SGs it may be. */
type RuleOwner = Pick<SgRule, "sg" | "sgUnknown">;

/**
 * One rule, written out rather than spread from its parts: spreads in object literals run in the
 * runtime, and there is a rule per peer of every rule (issue #13).
 */
function ruleOf(owner: RuleOwner, direction: Direction, body: RuleBody, peer: RulePeer, address: string, origin: SgRule["origin"]): SgRule {
  const { protocol, fromPort, toPort } = body;
  return owner.sg !== undefined
    ? { sg: owner.sg, direction, protocol, fromPort, toPort, peer, address, origin }
    : { sgUnknown: owner.sgUnknown, direction, protocol, fromPort, toPort, peer, address, origin };
}

/** Rules defined by rule resources (`aws_security_group_rule`, `aws_vpc_security_group_*_rule`) in one world. */
export function ruleResources(world: World, sources: RuleSources): SgRule[] {
  const { sgs } = sources;
  const rules: SgRule[] = [];
  const target = (instance: ResourceInstance): RuleOwner => {
    const set = sgs.resolve(world.read(instance, ["security_group_id"]));
    return set.members.length === 1 && !set.unknown ? { sg: set.members[0] } : { sgUnknown: { reason: set.unknown ?? "security_group_id designates several SGs", candidates: set.oneOf ?? set.members } };
  };
  const add = (instance: ResourceInstance, values: ValueObject, direction: Direction, body: RuleBody, keys: PeerKeys) => {
    const owner = target(instance);
    const peers = peersOf(values, owner.sg, sources, keys);
    for (let i = 0; i < peers.length; i++) rules.push(ruleOf(owner, direction, body, peers[i], instance.address, "rule-resource"));
  };
  for (const instance of world.ofType("aws_security_group_rule")) {
    const values = world.values(instance);
    if (!isObject(values)) continue;
    const type = values.type;
    const direction: Direction | undefined = type === "ingress" || type === "egress" ? type : undefined;
    if (!direction) continue;
    add(instance, values, direction, bodyOf(values.protocol, values.from_port, values.to_port), RULE_KEYS);
  }
  for (const [type, direction] of [["aws_vpc_security_group_ingress_rule", "ingress"], ["aws_vpc_security_group_egress_rule", "egress"]] as const) {
    for (const instance of world.ofType(type)) {
      const values = world.values(instance);
      if (!isObject(values)) continue;
      const protocol = normaliseProtocol(values.ip_protocol);
      add(instance, values, direction, protocol === "all" ? bodyOf("-1", undefined, undefined) : bodyOf(values.ip_protocol, values.from_port, values.to_port), VPC_RULE_KEYS);
    }
  }
  return rules;
}

/**
 * Inline rules of each `aws_security_group`. For an existing SG the provider lists every rule the
 * SG has, including those that rule resources manage; `managedElsewhere` holds their signatures
 * (from both sides of the plan) so that they are not counted twice — and a rule resource that the
 * plan deletes does not survive in the SG's stale inline list.
 */
export function inlineRules(world: World, sources: RuleSources, managedElsewhere: Pick<ReadonlySet<string>, "has">): SgRule[] {
  const rules: SgRule[] = [];
  for (const instance of world.ofType("aws_security_group")) {
    const owner: RuleOwner = { sg: instance.address };
    for (const direction of ["ingress", "egress"] as const) {
      const entries = world.read(instance, [direction]);
      if (isUnknown(entries)) {
        // Unset on a new SG (computed): no inline rules. Set by an expression decided at apply: unknown rules.
        if (entries.origin !== "computed") rules.push({ sg: instance.address, direction, peer: { kind: "unknown", reason: `${direction}: ${entries.describe()}`, candidates: [], mayBe: "any" }, address: instance.address, origin: "inline" });
        continue;
      }
      if (!Array.isArray(entries)) continue;
      for (const entry of entries) {
        if (!isObject(entry)) continue;
        const body = bodyOf(entry.protocol, entry.from_port, entry.to_port);
        for (const peer of peersOf(entry, instance.address, sources, INLINE_KEYS)) {
          const rule = ruleOf(owner, direction, body, peer, instance.address, "inline");
          if (!managedElsewhere.has(signature(rule))) rules.push(rule);
        }
      }
    }
  }
  return rules;
}

export function signaturesOf(rules: readonly SgRule[]): Set<string> {
  return new Set(rules.filter((r) => r.sg !== undefined).map(signature));
}
