/**
 * The VPC a cluster's ENIs are in, as a resource of the plan: from `vpc_config.vpc_id` once the
 * cluster exists, else from the VPC of each of its subnets. VPCs and subnets read by data sources at
 * plan time are found by their ids (World.lookedUp); ids the plan neither makes nor reads name VPCs
 * made elsewhere.
 */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isObject, isUnknown, type Value } from "../model/value";
import { SubnetDirectory, subnetListings } from "./subnets";

/** The resource types of a VPC. */
export const VPC_TYPES = ["aws_vpc", "aws_default_vpc"] as const;
export type VpcType = (typeof VPC_TYPES)[number];

/** The VPC resources of the plan that a value naming a VPC id designates. */
export function vpcsNamed(world: World, value: Value | undefined, near: string): { vpcs: ResourceInstance[]; unknown?: string } {
  const vpcs: ResourceInstance[] = [];
  let unknown: string | undefined;
  for (const type of VPC_TYPES) {
    const found = world.designated(type, "id", value, near);
    vpcs.push(...found.instances);
    if (isUnknown(value) && found.unknown) unknown = found.unknown;
  }
  return { vpcs, unknown: vpcs.length === 0 ? unknown : undefined };
}

/** The resources of `type` whose `vpc_id` names this VPC (its id, or a reference to it): its DHCP options associations, CIDR associations, default SG. */
export function ofVpc(world: World, type: string, vpc: ResourceInstance): ResourceInstance[] {
  return world.ofType(type).filter((resource) => vpcsNamed(world, world.read(resource, ["vpc_id"]), resource.address).vpcs.includes(vpc));
}

/** Where a cluster's ENIs are, as far as the plan says. */
export interface ClusterVpcs {
  /** VPCs of the plan the cluster is surely in. */
  readonly certain: ResourceInstance[];
  /** VPCs of the plan it may be in (subnets picked by an expression across VPCs). */
  readonly candidates: ResourceInstance[];
  /** Its VPC's id, when the plan knows it but holds no such VPC (made elsewhere, not read). */
  readonly vpcId?: string;
  /** With no VPC found: what is decided at apply time. */
  readonly unknown?: string;
}

/**
 * The VPC of subnet ids listed by a `data "aws_subnets"` read at plan time that filters on one
 * `vpc-id`: every id it lists is in that VPC.
 */
function vpcOfListedSubnet(world: World, subnetId: string): { vpcId: string; by: string } | undefined {
  for (const listing of subnetListings(world, subnetId)) {
    const filters = world.read(listing, ["filter"]);
    for (const filter of Array.isArray(filters) ? filters : []) {
      const values = isObject(filter) && filter.name === "vpc-id" ? filter.values : undefined;
      if (Array.isArray(values) && values.length === 1 && typeof values[0] === "string") return { vpcId: values[0], by: listing.address };
    }
  }
  return undefined;
}

/**
 * The VPCs a cluster's ENIs are in. A subnet list decided at apply time
 * (`[for k, s in aws_subnet.x : s.id if ...]`) names every subnet it reads, not which it keeps: when
 * those lie in several VPCs, each is only a `candidate`.
 */
export function clusterVpcs(world: World, cluster: ResourceInstance, vpcConfig: Record<string, Value>): ClusterVpcs {
  if (typeof vpcConfig.vpc_id === "string") {
    const { vpcs } = vpcsNamed(world, vpcConfig.vpc_id, cluster.address);
    return vpcs.length > 0 ? { certain: vpcs, candidates: [] } : { certain: [], candidates: [], vpcId: vpcConfig.vpc_id };
  }
  const subnetIds = vpcConfig.subnet_ids;
  const certain = new Set<ResourceInstance>();
  const candidates = new Set<ResourceInstance>();
  const unknown: string[] = [];
  const vpcIds = new Set<string>();
  const directory = new SubnetDirectory(world);
  for (const item of Array.isArray(subnetIds) ? subnetIds : [subnetIds]) {
    const { subnets, problems } = directory.designate(item);
    const vpcs = new Set<ResourceInstance>();
    const named = subnets.map((subnet) => ({ vpcId: world.read(subnet, ["vpc_id"]), near: subnet.address }));
    const listed = typeof item === "string" && subnets.length === 0 ? vpcOfListedSubnet(world, item) : undefined;
    if (listed) named.push({ vpcId: listed.vpcId, near: listed.by });
    for (const { vpcId, near } of named) {
      const found = vpcsNamed(world, vpcId, near);
      found.vpcs.forEach((v) => vpcs.add(v));
      if (found.unknown) unknown.push(`the VPC of ${near}: ${found.unknown}`);
      if (found.vpcs.length === 0 && typeof vpcId === "string") vpcIds.add(vpcId);
    }
    for (const vpc of vpcs) (isUnknown(item) && vpcs.size > 1 ? candidates : certain).add(vpc);
    // Subnet ids the plan neither makes nor reads name a VPC made elsewhere: nothing here to judge.
    if (subnets.length === 0 && !listed && isUnknown(item)) unknown.push(...problems);
  }
  for (const vpc of certain) candidates.delete(vpc);
  if (certain.size > 0 || candidates.size > 0) return { certain: [...certain], candidates: [...candidates] };
  return {
    certain: [],
    candidates: [],
    ...(vpcIds.size === 1 ? { vpcId: [...vpcIds][0] } : {}),
    ...(unknown.length > 0 ? { unknown: unknown.join("; ") } : {}),
  };
}
