/**
 * The VPC a cluster's ENIs are in, as a resource of the plan: from `vpc_config.vpc_id` once the
 * cluster exists, else from the VPC of each of its subnets. VPCs and subnets read by data sources
 * are not in the world, and ids the plan does not make name VPCs made elsewhere.
 */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isUnknown, type Value } from "../model/value";
import { SubnetDirectory } from "./subnets";

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

/**
 * The VPCs a cluster's ENIs are in. A subnet list decided at apply time
 * (`[for k, s in aws_subnet.x : s.id if ...]`) names every subnet it reads, not which it keeps: when
 * those lie in several VPCs, each is only a `candidate`.
 */
export function clusterVpcs(world: World, cluster: ResourceInstance, vpcConfig: Record<string, Value>): { certain: ResourceInstance[]; candidates: ResourceInstance[]; unknown?: string } {
  if (typeof vpcConfig.vpc_id === "string") return { certain: vpcsNamed(world, vpcConfig.vpc_id, cluster.address).vpcs, candidates: [] };
  const subnetIds = vpcConfig.subnet_ids;
  const certain = new Set<ResourceInstance>();
  const candidates = new Set<ResourceInstance>();
  const unknown: string[] = [];
  const directory = new SubnetDirectory(world);
  for (const item of Array.isArray(subnetIds) ? subnetIds : [subnetIds]) {
    const { subnets, problems } = directory.designate(item);
    const vpcs = new Set<ResourceInstance>();
    for (const subnet of subnets) {
      const found = vpcsNamed(world, world.read(subnet, ["vpc_id"]), subnet.address);
      found.vpcs.forEach((v) => vpcs.add(v));
      if (found.unknown) unknown.push(`the VPC of ${subnet.address}: ${found.unknown}`);
    }
    for (const vpc of vpcs) (isUnknown(item) && vpcs.size > 1 ? candidates : certain).add(vpc);
    // Subnet ids the plan knows but does not make name a VPC made elsewhere: nothing here to judge.
    if (subnets.length === 0 && isUnknown(item)) unknown.push(...problems);
  }
  for (const vpc of certain) candidates.delete(vpc);
  const none = certain.size === 0 && candidates.size === 0;
  return { certain: [...certain], candidates: [...candidates], unknown: none && unknown.length > 0 ? unknown.join("; ") : undefined };
}
