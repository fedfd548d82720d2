/**
 * How the plan sets up the VPC CNI of a cluster: the `vpc-cni` `aws_eks_addon` and the environment
 * of `aws-node` it configures (`configuration_values = jsonencode({ env = { ENABLE_POD_ENI = "true" } })`,
 * string values, as the add-on's schema and the chart's values.yaml have them), or else a
 * `helm_release` of the `aws-vpc-cni` chart applied to the cluster (its `env` values). Both take
 * the chart's `eniConfig` block too (pod-networks.ts).
 */
import { boundDepth } from "../load/bound-depth";
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isObject, isUnknown, type Value, type ValueObject } from "../model/value";
import { clusterNamed } from "./region-scoped-names";
import type { Cluster } from "./eni-class";
import { helmValues, releasesOfChart } from "./helm-values";
import { parseYaml } from "./manifests";
import { clusterAppliedTo } from "./selector-classes";

export type VpcCniSettings =
  | {
      readonly state: "configured";
      /** The add-on's `configuration_values` or the chart release's values. */
      readonly source: "addon" | "chart";
      readonly address: string;
      readonly env: ReadonlyMap<string, string>;
      /** The configuration as given, whose `eniConfig` makes ENIConfigs. */
      readonly values: ValueObject;
    }
  | { readonly state: "unknown"; readonly address?: string; readonly reason: string };

function belongsTo(world: World, addon: ResourceInstance, cluster: Cluster): boolean | undefined {
  const name = world.read(addon, ["cluster_name"]);
  if (typeof name === "string") {
    if (cluster.name === undefined) return undefined;
    if (name !== cluster.name) return false;
    // Another region's cluster may have the same name.
    const { instance } = clusterNamed(world, name, addon.address);
    return instance ? instance.address === cluster.address : undefined;
  }
  if (isUnknown(name)) return name.refs.some((r) => r.address === cluster.address) || undefined;
  return false;
}

interface VpcCniAddons {
  readonly all: readonly ResourceInstance[];
  /** By a `cluster_name` the plan knows; the others (decided at apply time) are in `unnamed`. */
  readonly byName: ReadonlyMap<string, ResourceInstance[]>;
  readonly unnamed: readonly ResourceInstance[];
}

const addonsOfWorld = new WeakMap<World, VpcCniAddons>();

/** The plan's vpc-cni add-ons, grouped by cluster name once: every cluster asks (custom networking). */
function vpcCniAddons(world: World): VpcCniAddons {
  let found = addonsOfWorld.get(world);
  if (found) return found;
  const all = world.ofType("aws_eks_addon").filter((a) => world.read(a, ["addon_name"]) === "vpc-cni");
  const byName = new Map<string, ResourceInstance[]>();
  const unnamed: ResourceInstance[] = [];
  for (const addon of all) {
    const name = world.read(addon, ["cluster_name"]);
    if (typeof name === "string") byName.set(name, [...(byName.get(name) ?? []), addon]);
    else unnamed.push(addon);
  }
  found = { all, byName, unnamed };
  addonsOfWorld.set(world, found);
  return found;
}

/** The settings of configuration values as given: their `env`, each value read as a string. */
function configured(source: "addon" | "chart", address: string, values: ValueObject): VpcCniSettings {
  const env = new Map<string, string>();
  for (const [key, value] of isObject(values.env) ? Object.entries(values.env) : []) {
    if (isUnknown(value)) return { state: "unknown", address, reason: `env.${key} of ${address} is decided at apply time (${value.describe()})` };
    env.set(key, typeof value === "string" ? value : JSON.stringify(value));
  }
  return { state: "configured", source, address, env, values };
}

/** aws-node as a release of the aws-vpc-cni chart applied to the cluster sets it up. */
function chartSettings(world: World, cluster: Cluster, clusters: readonly Cluster[]): VpcCniSettings | undefined {
  const release = releasesOfChart(world, "aws-vpc-cni").find((r) => clusterAppliedTo(world, clusters, r.address) === cluster);
  if (!release) return undefined;
  const read = helmValues(world, release);
  return "unknown" in read ? { state: "unknown", address: release.address, reason: read.unknown } : configured("chart", release.address, read.values);
}

/** The `aws-node` environment the cluster's vpc-cni add-on (or aws-vpc-cni Helm release) sets, or why the plan cannot tell. */
export function vpcCniSettings(world: World, cluster: Cluster, clusters: readonly Cluster[]): VpcCniSettings {
  const addons = vpcCniAddons(world);
  const candidates = [...(cluster.name === undefined ? [] : (addons.byName.get(cluster.name) ?? [])), ...addons.unnamed];
  const mine = candidates.filter((a) => belongsTo(world, a, cluster) === true);
  if (mine.length === 0) {
    const fromChart = chartSettings(world, cluster, clusters);
    if (fromChart) return fromChart;
    const why = addons.all.length > 0 ? "the vpc-cni add-ons of this plan cannot be told apart by cluster" : `no aws_eks_addon "vpc-cni" for ${cluster.address} is in this plan`;
    return { state: "unknown", reason: `${why} (the add-on may be managed elsewhere, or aws-node configured by kubectl or by a Helm release outside this plan)` };
  }
  const { address } = mine[0];
  const values = world.read(mine[0], ["configuration_values"]);
  if (values === undefined || values === null || values === "" || (isUnknown(values) && values.origin === "computed")) return configured("addon", address, {});
  if (isUnknown(values)) {
    // Synthesized CDKTF keeps the text of a JSON.stringify with tokens in it: read it, the tokens as unknown leaves.
    const parsed = values.template ? parseYaml(values.template.text, values.template) : undefined;
    const [document] = parsed && "documents" in parsed && parsed.documents.length === 1 ? parsed.documents : [];
    return isObject(document) ? configured("addon", address, document) : { state: "unknown", address, reason: `configuration_values is decided at apply time (${values.describe()})` };
  }
  if (typeof values !== "string") return { state: "unknown", address, reason: "configuration_values is not a JSON string" };
  let parsed: Value;
  try {
    parsed = JSON.parse(values);
    boundDepth(parsed);
  } catch {
    return { state: "unknown", address, reason: "configuration_values is not JSON" };
  }
  return isObject(parsed) ? configured("addon", address, parsed) : { state: "unknown", address, reason: "configuration_values is not a JSON object" };
}

/** `POD_SECURITY_GROUP_ENFORCING_MODE`: `strict` unless set (vpc-cni README). */
export function enforcingMode(env: ReadonlyMap<string, string>): "strict" | "standard" {
  return env.get("POD_SECURITY_GROUP_ENFORCING_MODE") === "standard" ? "standard" : "strict";
}

/** The IAM role the cluster runs as, when the plan makes it. */
export function clusterRole(world: World, cluster: Cluster): ResourceInstance | { readonly unknown: string } {
  const arn = world.read(cluster.instance, ["role_arn"]);
  const found = world.designated("aws_iam_role", ["arn"], arn, cluster.address);
  if (found.instances.length === 1) return found.instances[0];
  return { unknown: typeof arn === "string" ? world.notIn(`the cluster role ${arn}`, true) : `the cluster role is not known (${found.unknown ?? "role_arn is not set"})` };
}

/** Whether the plan attaches a managed policy (by name, e.g. AmazonEKSVPCResourceController) to a role. */
export function roleHasPolicy(world: World, role: ResourceInstance, policyName: string): boolean | { readonly unknown: string } {
  let undecided: string | undefined;
  for (const attachment of world.ofType("aws_iam_role_policy_attachment")) {
    const target = world.read(attachment, ["role"]);
    const onRole = typeof target === "string" ? target === world.read(role, ["name"]) : isUnknown(target) && target.refs.some((r) => r.address === role.address);
    if (!onRole) continue;
    const arn = world.read(attachment, ["policy_arn"]);
    if (typeof arn === "string" && arn.endsWith(`:policy/${policyName}`)) return true;
    if (isUnknown(arn)) undecided = `${attachment.address}: policy_arn is decided at apply time`;
  }
  const inline = world.read(role, ["managed_policy_arns"]);
  if (Array.isArray(inline) && inline.some((a) => typeof a === "string" && a.endsWith(`:policy/${policyName}`))) return true;
  return undecided ? { unknown: undecided } : false;
}
