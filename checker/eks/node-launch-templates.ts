/**
 * Which launch templates EKS nodes are started from: those of managed node groups
 * (`aws_eks_node_group.launch_template`), of self-managed node groups (an `aws_autoscaling_group`
 * tagged `kubernetes.io/cluster/<name>`), whose instances may also start from a legacy
 * `aws_launch_configuration` (counted among the templates: same metadata options), and of
 * self-managed nodes launched one by one (an `aws_instance` so tagged).
 */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { firstBlock, isObject, isUnknown, valueAt, type Path, type Value, type ValueObject } from "../model/value";
import { meantOfSameName } from "./region-scoped-names";

export const CLUSTER_TAG_PREFIX = "kubernetes.io/cluster/";

export interface LaunchTemplateUse {
  /** The node group, ASG or instance. */
  readonly user: ResourceInstance;
  /** The launch templates it designates (by id or by name). */
  readonly templates: readonly ResourceInstance[];
  /** By template address, the `version` of the block that designates it (unset: its default version). */
  readonly versions: ReadonlyMap<string, Value | undefined>;
  /** Set when the plan does not say which launch template it is. */
  readonly unknown?: string;
}

/** The cluster names an ASG is tagged for, from `tag` blocks, the older `tags` list, or unknown keys. */
export function clusterTagsOfAsg(world: World, asg: ResourceInstance): string[] {
  const names: string[] = [];
  const consider = (key: Value | undefined) => {
    if (typeof key === "string" && key.startsWith(CLUSTER_TAG_PREFIX)) names.push(key.slice(CLUSTER_TAG_PREFIX.length));
  };
  for (const listName of ["tag", "tags"]) {
    const list = world.read(asg, [listName]);
    if (!Array.isArray(list)) continue;
    for (const entry of list) if (isObject(entry)) consider(entry.key);
  }
  return names;
}

/**
 * The cluster names an EC2 instance is tagged for: a self-managed node launched one at a time
 * (`aws_instance`), found like an ASG's by `kubernetes.io/cluster/<name>` in its tags (with the
 * provider's default_tags, `tags_all`).
 */
export function clusterTagsOfInstance(world: World, instance: ResourceInstance): string[] {
  const names = new Set<string>();
  for (const attribute of ["tags_all", "tags"]) {
    const tags = world.read(instance, [attribute]);
    if (isObject(tags)) for (const key of Object.keys(tags)) if (key.startsWith(CLUSTER_TAG_PREFIX)) names.add(key.slice(CLUSTER_TAG_PREFIX.length));
  }
  return [...names];
}

/** The template a specification names: by id first, then by name (one of them is computed when the other is given). */
function designatedTemplate(world: World, spec: ValueObject | undefined, idKey: string, nameKey: string, user: string): { instances: ResourceInstance[]; unknown?: string } {
  if (!spec) return { instances: [] };
  const attempts = ([["id", spec[idKey]], ["name", spec[nameKey]]] as const).filter(([, v]) => v !== undefined && v !== null && v !== "");
  const results = attempts.map(([attribute, value]) => {
    const found = world.designated("aws_launch_template", attribute, value, user);
    if (attribute !== "name" || typeof value !== "string" || found.instances.length === 0) return found;
    const { instance, reason } = meantOfSameName(world, "launch template", value, found.instances, user);
    return instance ? { instances: [instance] } : { instances: [], unknown: reason };
  });
  return results.find((r) => r.instances.length > 0 && !r.unknown) ?? results[0] ?? { instances: [], unknown: "the launch template block names no template" };
}

interface TemplateSpec {
  readonly spec?: ValueObject;
  readonly idKey: string;
  readonly nameKey: string;
  readonly unknown?: string;
}

/** An optional block the provider fills in when unset is no evidence of a template: only a configured one counts. */
function specAt(values: Value, path: Path, idKey: string, nameKey: string): TemplateSpec | undefined {
  const block = valueAt(values, path);
  if (isUnknown(block)) return block.origin === "computed" ? undefined : { idKey, nameKey, unknown: block.describe() };
  return isObject(block) ? { spec: block, idKey, nameKey } : undefined;
}

/** The templates an ASG launches from: `launch_template`, and the mixed-instances template and its per-type overrides. */
function asgTemplateSpecs(world: World, asg: ResourceInstance): TemplateSpec[] {
  const values = world.values(asg);
  const specs = [specAt(values, ["launch_template", 0], "id", "name")];
  const mixed = ["mixed_instances_policy", 0, "launch_template", 0];
  specs.push(specAt(values, [...mixed, "launch_template_specification", 0], "launch_template_id", "launch_template_name"));
  const overrides = valueAt(values, [...mixed, "override"]);
  if (Array.isArray(overrides)) {
    overrides.forEach((_, i) =>
      specs.push(specAt(values, [...mixed, "override", i, "launch_template_specification", 0], "launch_template_id", "launch_template_name")),
    );
  }
  return specs.filter((s): s is TemplateSpec => s !== undefined);
}

/** Every EKS node group (managed or self-managed) that starts nodes from a launch template, with its templates. */
export function nodeLaunchTemplateUses(world: World): LaunchTemplateUse[] {
  const uses: LaunchTemplateUse[] = [];
  for (const group of world.ofType("aws_eks_node_group")) {
    const block = firstBlock(world.values(group), "launch_template");
    if (block === undefined) continue;
    if (isUnknown(block)) {
      uses.push({ user: group, templates: [], versions: new Map(), unknown: block.describe() });
      continue;
    }
    const found = designatedTemplate(world, block, "id", "name", group.address);
    uses.push({ user: group, templates: found.instances, versions: new Map(found.instances.map((t) => [t.address, block.version])), unknown: found.unknown });
  }
  for (const instance of world.ofType("aws_instance")) {
    if (clusterTagsOfInstance(world, instance).length === 0) continue;
    const template = specAt(world.values(instance), ["launch_template", 0], "id", "name");
    if (!template) continue;
    const found = template.unknown ? { instances: [], unknown: template.unknown } : designatedTemplate(world, template.spec, "id", "name", instance.address);
    uses.push({ user: instance, templates: found.instances, versions: new Map(found.instances.map((t) => [t.address, template.spec?.version])), unknown: found.unknown });
  }
  for (const asg of world.ofType("aws_autoscaling_group")) {
    if (clusterTagsOfAsg(world, asg).length === 0) continue;
    const templates = new Set<ResourceInstance>();
    const versions = new Map<string, Value | undefined>();
    const unknowns: string[] = [];
    // The legacy launch configuration plays the same part for the instances it starts; the
    // provider sets its id to its name, so ASGs name it by either.
    const configuration = world.read(asg, ["launch_configuration"]);
    if (configuration !== undefined && configuration !== null && configuration !== "" && !(isUnknown(configuration) && configuration.origin === "computed")) {
      const found = world.designated("aws_launch_configuration", ["name", "id"], configuration, asg.address);
      found.instances.forEach((lc) => templates.add(lc));
      if (found.unknown) unknowns.push(`launch configuration: ${found.unknown}`);
    }
    for (const { spec, idKey, nameKey, unknown } of asgTemplateSpecs(world, asg)) {
      if (unknown) unknowns.push(unknown);
      const found = designatedTemplate(world, spec, idKey, nameKey, asg.address);
      for (const t of found.instances) {
        templates.add(t);
        // The first block that names a template says its version (overrides seldom name it again).
        if (!versions.has(t.address)) versions.set(t.address, spec?.version);
      }
      if (found.unknown) unknowns.push(found.unknown);
    }
    if (templates.size > 0 || unknowns.length > 0) uses.push({ user: asg, templates: [...templates], versions, unknown: unknowns.length > 0 ? unknowns.join("; ") : undefined });
  }
  return uses;
}
