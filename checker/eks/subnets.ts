/** Where an ENI class lives: its subnets and their CIDRs, when the plan knows them. */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isUnknown, type Value } from "../model/value";
import { parseCidr, type IpFamily, type ParsedCidr } from "./cidr";

export interface SubnetSet {
  /** The subnets' IPv4 and IPv6 CIDRs that the plan knows. */
  readonly ipv4: readonly ParsedCidr[];
  readonly ipv6: readonly ParsedCidr[];
  /** Set when some subnet or its CIDR is not known from the plan. */
  readonly unknown?: string;
  /** Set when some subnet's IPv6 CIDR is decided at apply time (its IPv4 CIDR may be known). */
  readonly unknownIpv6?: string;
  /**
   * The plan's subnets the set was made from, when it was made from subnets (their zones: custom
   * networking); with `unknown` set it may hold others.
   */
  readonly members?: readonly ResourceInstance[];
}

/** Why the set's CIDRs of one family are not all known, if they are not. */
export function unknownSubnetsOf(set: SubnetSet, family: IpFamily): string | undefined {
  if (family === 4 || set.unknownIpv6 === undefined) return set.unknown;
  return set.unknown === undefined ? set.unknownIpv6 : `${set.unknown}; ${set.unknownIpv6}`;
}

/** The subnets of several classes as one set (pods that may run on the nodes of any of them). */
export function joinedSubnetSets(sets: readonly SubnetSet[]): SubnetSet {
  const joined = (problem: (set: SubnetSet) => string | undefined) => sets.map(problem).filter(Boolean).join("; ");
  const unknown = joined((set) => set.unknown);
  const unknownIpv6 = joined((set) => set.unknownIpv6);
  return { ipv4: sets.flatMap((set) => set.ipv4), ipv6: sets.flatMap((set) => set.ipv6), ...(unknown ? { unknown } : {}), ...(unknownIpv6 ? { unknownIpv6 } : {}) };
}

/** The `data "aws_subnets"` sources read at plan time that list a subnet id. */
export function subnetListings(world: World, subnetId: string): ResourceInstance[] {
  return world.lookedUp("aws_subnets").filter((listing) => {
    const ids = world.read(listing, ["ids"]);
    return Array.isArray(ids) && ids.includes(subnetId);
  });
}

export class SubnetDirectory {
  constructor(private readonly world: World) {}

  resolve(value: Value | undefined): SubnetSet {
    const { subnets, problems } = this.designate(value);
    return this.setOf(subnets, problems);
  }

  /** The subnets a value (an id, a list of ids, an unknown value) names, and what it leaves open. */
  designate(value: Value | undefined): { subnets: ResourceInstance[]; problems: string[] } {
    const subnets: ResourceInstance[] = [];
    const problems: string[] = [];
    const items = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    for (const item of items) {
      if (typeof item === "string") {
        const found = this.world.findByAttribute("aws_subnet", "id", item)[0];
        const listing = found ? undefined : subnetListings(this.world, item)[0];
        if (found) subnets.push(found);
        else if (listing) problems.push(`subnet ${item} is listed by ${listing.address}, which does not give its CIDR (a data "aws_subnet" source with its id would)`);
        else problems.push(this.world.notIn(`subnet ${item}`));
      } else if (isUnknown(item)) {
        const found = item.refs.map((r) => this.world.get(r.address)).filter((s): s is ResourceInstance => s?.type === "aws_subnet");
        subnets.push(...found);
        if (!item.fullyResolved || found.length === 0) problems.push(`subnets: ${item.describe()}`);
      }
    }
    if (items.length === 0) problems.push("no subnets given");
    return { subnets, problems };
  }

  /** The CIDRs of these subnets; `problems` (and any CIDR decided at apply time) make the set unknown. */
  setOf(subnets: readonly ResourceInstance[], problems: readonly string[]): SubnetSet {
    const unknown = [...problems];
    const unknownIpv6: string[] = [];
    const ipv4: ParsedCidr[] = [];
    const ipv6: ParsedCidr[] = [];
    const members = [...new Set(subnets)];
    for (const subnet of members) {
      const v4 = this.world.read(subnet, ["cidr_block"]);
      const parsed = typeof v4 === "string" ? parseCidr(v4) : undefined;
      if (parsed) ipv4.push(parsed);
      else unknown.push(`the CIDR of ${subnet.address} is decided at apply time`);
      const v6 = this.world.read(subnet, ["ipv6_cidr_block"]);
      const parsed6 = typeof v6 === "string" && v6 !== "" ? parseCidr(v6) : undefined;
      if (parsed6) ipv6.push(parsed6);
      else if (isUnknown(v6)) unknownIpv6.push(`the IPv6 CIDR of ${subnet.address} is decided at apply time`);
    }
    return { ipv4, ipv6, ...(unknown.length ? { unknown: unknown.join("; ") } : {}), ...(unknownIpv6.length ? { unknownIpv6: unknownIpv6.join("; ") } : {}), members };
  }
}
