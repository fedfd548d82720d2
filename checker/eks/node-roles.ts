/**
 * The IAM roles nodes join a cluster with, as the plan names them: a node group's `node_role_arn`,
 * the instance profile of a self-managed node's launch template, a NodeClass's `role` or
 * `instanceProfile`, Auto Mode's `compute_config.node_role_arn`, a Fargate profile's
 * `pod_execution_role_arn`. capacity-elsewhere.ts compares them with the roles that node access
 * entries and the aws-auth ConfigMap let into the cluster.
 */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { firstBlock, isUnknown, valueAt, type Value } from "../model/value";
import type { Cluster, EniClass } from "./eni-class";
import type { KubernetesObject } from "./manifests";

/** One role: the role resources of the plan it is, and its names where known. */
export interface NodeRole {
  readonly addresses: readonly string[];
  readonly names: readonly string[];
  /** A role of the plan named at apply time from a prefix (`name_prefix`): its name begins with it. */
  readonly namePrefix?: string;
  /** How a finding names it. */
  readonly label: string;
}

/** A role, or why the plan does not say which. */
export type RoleLookup = { readonly roles: readonly NodeRole[]; readonly undecided?: undefined } | { readonly undecided: string };

/** `arn:aws:iam::123456789012:role/some/path/name` → `name` (a role's name is unique in its account, whatever its path). */
const ROLE_ARN = /^arn:[^:]+:iam::[^:]*:role\/(?:[^/]+\/)*([^/]+)$/;

function roleOfInstance(world: World, role: ResourceInstance): NodeRole {
  const name = world.read(role, ["name"]);
  const prefix = world.read(role, ["name_prefix"]);
  return { addresses: [role.address], names: typeof name === "string" ? [name] : [], ...(typeof prefix === "string" && prefix !== "" ? { namePrefix: prefix } : {}), label: role.address };
}

/** A role named by its ARN (`by` "arn") or its name. */
export function roleNamed(world: World, value: Value | undefined, by: "arn" | "name", near: string): RoleLookup {
  if (typeof value === "string") {
    const name = by === "name" ? value : ROLE_ARN.exec(value)?.[1];
    if (name === undefined) return { undecided: `"${value}" is not the ARN of an IAM role` };
    const made = world.findByAttribute("aws_iam_role", "name", name, near);
    return { roles: [{ addresses: made.map((r) => r.address), names: [name], label: made.length === 1 ? made[0].address : name }] };
  }
  if (!isUnknown(value)) return { undecided: "no role is named" };
  const { instances, unknown } = world.designated("aws_iam_role", by === "arn" ? "arn" : ["name", "id"], value, near);
  return unknown === undefined ? { roles: instances.map((role) => roleOfInstance(world, role)) } : { undecided: unknown };
}

/** The role of an instance profile named by its name or ARN: only a profile the plan makes says it. */
export function roleOfInstanceProfile(world: World, value: Value | undefined, near: string): RoleLookup {
  const { instances, unknown } = world.designated("aws_iam_instance_profile", ["name", "arn"], value, near);
  if (unknown !== undefined) return { undecided: unknown };
  return joined(instances.map((profile) => roleNamed(world, world.read(profile, ["role"]), "name", profile.address)));
}

function joined(lookups: readonly RoleLookup[]): RoleLookup {
  const roles: NodeRole[] = [];
  for (const lookup of lookups) {
    if (lookup.undecided !== undefined) return lookup;
    roles.push(...lookup.roles);
  }
  return { roles };
}

/** True for a value an optional argument has when it is not set. */
const unset = (value: Value | undefined) => value === undefined || value === null || value === "" || (isUnknown(value) && value.origin === "computed");

/** The role of the instances a launch template or launch configuration starts. */
function roleOfTemplate(world: World, template: ResourceInstance): RoleLookup {
  if (template.type === "aws_launch_configuration") {
    const profile = world.read(template, ["iam_instance_profile"]);
    return unset(profile) ? { roles: [] } : roleOfInstanceProfile(world, profile, template.address);
  }
  const block = firstBlock(world.values(template), "iam_instance_profile");
  if (block === undefined) return { roles: [] };
  if (isUnknown(block)) return { undecided: `the instance profile of ${template.address} is decided at apply time (${block.describe()})` };
  const named = [block.arn, block.name].find((v) => !unset(v));
  return named === undefined ? { roles: [] } : roleOfInstanceProfile(world, named, template.address);
}

/** The role of one node class's nodes. */
function roleOfClass(world: World, node: EniClass, nodeClasses: readonly KubernetesObject[]): RoleLookup {
  const instance = world.get(node.address);
  switch (node.kind) {
    case "managed":
      return roleNamed(world, instance && world.read(instance, ["node_role_arn"]), "arn", node.address);
    case "self-managed": {
      const templates = node.launchTemplates.map((address) => world.get(address)).filter((t): t is ResourceInstance => t !== undefined);
      if (templates.length === 0) return { undecided: `the launch template of ${node.address} is not known` };
      return joined(templates.map((template) => roleOfTemplate(world, template)));
    }
    case "auto-mode":
    case "karpenter": {
      // Auto Mode's built-in pools: the class is the cluster itself.
      if (instance?.type === "aws_eks_cluster") return roleNamed(world, world.read(instance, ["compute_config", 0, "node_role_arn"]), "arn", node.address);
      return joined(
        nodeClasses
          .filter((object) => object.address === node.address)
          .map((object) => {
            const role = valueAt(object.body, ["spec", "role"]);
            if (!unset(role)) return roleNamed(world, role, "name", node.address);
            const profile = valueAt(object.body, ["spec", "instanceProfile"]);
            return unset(profile) ? { undecided: `the NodeClass in ${node.address} names no role` } : roleOfInstanceProfile(world, profile, node.address);
          }),
      );
    }
    case "fargate":
      return roleNamed(world, instance && world.read(instance, ["pod_execution_role_arn"]), "arn", node.address);
    default:
      // Hybrid nodes are judged from the cluster's remote networks; pods are on the nodes above.
      return { roles: [] };
  }
}

/** The roles the nodes of a cluster's node classes in the plan join it with. */
export function nodeRolesOf(world: World, cluster: Cluster, nodeClasses: readonly KubernetesObject[]): RoleLookup {
  return joined(cluster.nodes.map((node) => roleOfClass(world, node, nodeClasses)));
}

/**
 * Whether two lookups name the same role: by a role resource or a name they share; undecided when
 * one is a role of the plan whose name is decided at apply time (and may be the other's, by its
 * prefix) and the other only a name.
 */
export function sameRole(a: NodeRole, b: NodeRole): boolean | undefined {
  if (a.addresses.some((x) => b.addresses.includes(x)) || a.names.some((x) => b.names.includes(x))) return true;
  const mayBe = (open: NodeRole, named: NodeRole) =>
    open.addresses.length > 0 && open.names.length === 0 && named.addresses.length === 0 && named.names.some((name) => name.startsWith(open.namePrefix ?? ""));
  return mayBe(a, b) || mayBe(b, a) ? undefined : false;
}
