/**
 * Karpenter NodePools (`karpenter.sh/v1`, `v1beta1`): the NodeClass that launches their nodes
 * (`spec.template.spec.nodeClassRef`), the labels those nodes get, and the zones they may run in.
 *
 * - Labels: `spec.template.metadata.labels` are "applied to all nodes" (Karpenter's NodePools
 *   page), and so is one value of each requirement (kubernetes-sigs/karpenter,
 *   `pkg/scheduling/requirements.go`, `Labels()`: `requirement.Any()`, which for an `In`
 *   requirement of several values is one of them, fixed when a node is launched).
 * - Zones: a `topology.kubernetes.io/zone` requirement limits them; without one "any value
 *   available to the cloud provider may be chosen" (the same page), here the zones of the
 *   NodeClass's subnets.
 */
import { isObject, isUnknown, valueAt, type Unknown, type Value } from "../model/value";
import { apiGroupOf, type KubernetesObject } from "./manifests";

const ZONE_KEY = "topology.kubernetes.io/zone";
const ZONE_ID_KEY = "topology.k8s.aws/zone-id";

/** The NodePools that launch the nodes of one NodeClass, and those whose NodeClass the plan does not decide. */
export interface NodePoolsOfClass {
  readonly pools: readonly KubernetesObject[];
  /** How findings name the NodePools that may launch its nodes too: their NodeClass or cluster is not decided. */
  readonly undecided: readonly string[];
}

/** The label a NodePool's nodes carry under one key. */
export type PoolLabel = { readonly value: string } | { readonly unknown: string } | { readonly none: true };

/** The zones a NodePool lets its nodes run in: `allows` is undefined when it sets no limit. */
export interface PoolZones {
  readonly allows?: (zone: string) => boolean;
  /** Set when the plan does not say which zones it allows. */
  readonly unknown?: string;
}

export function isNodePool(object: KubernetesObject): boolean {
  return apiGroupOf(object)?.group === "karpenter.sh" && object.kind === "NodePool";
}

/** How findings name a NodePool. */
export function nodePoolName(pool: KubernetesObject): string {
  return `NodePool ${pool.name ?? "(name decided at apply time)"} (${pool.address})`;
}

/** A NodePool's `nodeClassRef`: its name, kind and group (v1: `group`; v1beta1: `apiVersion`), or the unknown it is. */
function nodeClassRefOf(pool: KubernetesObject): { name?: Value; kind?: Value; group?: Value } | Unknown | undefined {
  const ref = valueAt(pool.body, ["spec", "template", "spec", "nodeClassRef"]);
  if (isUnknown(ref) || !isObject(ref)) return isUnknown(ref) ? ref : undefined;
  return { name: ref.name, kind: ref.kind, group: typeof ref.apiVersion === "string" ? ref.apiVersion.split("/")[0] : ref.group };
}

/**
 * Whether a NodePool's `nodeClassRef` names this NodeClass: its name, and its kind and group when
 * given; undefined when the plan does not decide it.
 */
function refersTo(pool: KubernetesObject, nodeClass: KubernetesObject): boolean | undefined {
  const ref = nodeClassRefOf(pool);
  if (isUnknown(ref)) return undefined;
  if (!ref) return false;
  const parts = [ref.name, ref.kind, ref.group];
  const wanted = [nodeClass.name, nodeClass.kind, apiGroupOf(nodeClass)?.group];
  if (parts.some((part, i) => typeof part === "string" && part !== wanted[i])) return false;
  if (parts.some(isUnknown)) return undefined;
  return typeof ref.name === "string";
}

/** A NodePool of a known cluster whose NodeClass no manifest of the plan applies to that cluster. */
export interface NodePoolWithoutClass<Cluster> {
  readonly pool: KubernetesObject;
  readonly cluster: Cluster;
  /** `<kind> <name>` of the NodeClass it names. */
  readonly nodeClass: string;
}

/**
 * The NodePools of each NodeClass: those whose `nodeClassRef` names it and that are applied to its
 * cluster. A NodePool applied to no known cluster belongs to the one NodeClass of that name; with
 * several of that name, to none for certain, and is undecided for each. Also the NodePools of a
 * known cluster that name a NodeClass none of its own is (Auto Mode's `default` NodeClass is EKS's).
 */
export function nodePoolsByClass<Cluster>(
  nodeClasses: readonly { readonly object: KubernetesObject; readonly cluster: Cluster }[],
  pools: readonly KubernetesObject[],
  /** The cluster a manifest is applied to, when the plan says. */
  appliedTo: (address: string) => Cluster | undefined,
): { byClass: Map<KubernetesObject, NodePoolsOfClass>; withoutClass: NodePoolWithoutClass<Cluster>[] } {
  const byClass = new Map(nodeClasses.map((c) => [c.object, { pools: [] as KubernetesObject[], undecided: [] as string[] }]));
  const withoutClass: NodePoolWithoutClass<Cluster>[] = [];
  for (const pool of pools) {
    const applied = appliedTo(pool.address);
    const candidates = nodeClasses
      .filter((c) => applied === undefined || c.cluster === applied)
      .map((c) => ({ object: c.object, refers: refersTo(pool, c.object) }))
      .filter((c) => c.refers !== false);
    const certain = candidates.length === 1 && candidates[0].refers === true;
    for (const candidate of candidates) {
      if (certain) byClass.get(candidate.object)!.pools.push(pool);
      else byClass.get(candidate.object)!.undecided.push(nodePoolName(pool));
    }
    const named = candidates.length === 0 && applied !== undefined ? namedNodeClass(pool) : undefined;
    if (named) withoutClass.push({ pool, cluster: applied!, nodeClass: named });
  }
  return { byClass, withoutClass };
}

/** `<kind> <name>` of the NodeClass a NodePool's `nodeClassRef` names, when the plan decides it and EKS does not make it. */
function namedNodeClass(pool: KubernetesObject): string | undefined {
  const ref = nodeClassRefOf(pool);
  if (!ref || isUnknown(ref) || typeof ref.name !== "string" || isUnknown(ref.group) || isUnknown(ref.kind)) return undefined;
  // Auto Mode's built-in NodeClass (EKS user guide, *Create a Node Class for Amazon EKS*).
  if (ref.group === "eks.amazonaws.com" && ref.name === "default") return undefined;
  return `${typeof ref.kind === "string" ? ref.kind : "EC2NodeClass"} ${ref.name}`;
}

/** The value a NodePool's nodes carry under the label `key`: from its template's labels, else from a requirement. */
export function nodePoolLabel(pool: KubernetesObject, key: string): PoolLabel {
  const labels = valueAt(pool.body, ["spec", "template", "metadata", "labels"]);
  if (isUnknown(labels)) return { unknown: `the labels of ${nodePoolName(pool)} are decided at apply time (${labels.describe()})` };
  const label = isObject(labels) ? labels[key] : undefined;
  if (typeof label === "string") return { value: label };
  if (isUnknown(label)) return { unknown: `the label ${key} of ${nodePoolName(pool)} is decided at apply time (${label.describe()})` };
  const requirements = requirementsOf(pool, key);
  if ("unknown" in requirements) return requirements;
  for (const { operator, values } of requirements.found) {
    if (operator === "Exists") return { unknown: `${nodePoolName(pool)} requires the label ${key} to exist, and Karpenter picks its value when it launches each node` };
    if (operator !== "In") continue;
    if (values.length === 1) return { value: values[0] };
    return { unknown: `${nodePoolName(pool)} labels each node ${key} with one of ${values.join(", ")}, picked when Karpenter launches it` };
  }
  return { none: true };
}

/** The zones a NodePool allows by its requirements on `topology.kubernetes.io/zone` (all of them hold). */
export function nodePoolZones(pool: KubernetesObject): PoolZones {
  const byId = requirementsOf(pool, ZONE_ID_KEY);
  if ("unknown" in byId) return { unknown: byId.unknown };
  if (byId.found.length > 0) return { unknown: `${nodePoolName(pool)} limits its zones by zone id (${ZONE_ID_KEY}), which this check does not map to zone names` };
  const byName = requirementsOf(pool, ZONE_KEY);
  if ("unknown" in byName) return { unknown: byName.unknown };
  const tests = byName.found.flatMap(({ operator, values }) => {
    if (operator === "In") return [(zone: string) => values.includes(zone)];
    if (operator === "NotIn") return [(zone: string) => !values.includes(zone)];
    return operator === "DoesNotExist" ? [() => false] : [];
  });
  return tests.length === 0 ? {} : { allows: (zone) => tests.every((test) => test(zone)) };
}

interface Requirement {
  readonly operator: string;
  readonly values: readonly string[];
}

/** A NodePool's requirements on one key, or why the plan does not say them. */
function requirementsOf(pool: KubernetesObject, key: string): { found: Requirement[] } | { unknown: string } {
  const requirements = valueAt(pool.body, ["spec", "template", "spec", "requirements"]);
  const undecided = (what: string) => ({ unknown: `the requirements of ${nodePoolName(pool)} are not all decided in the plan: ${what}` });
  if (requirements === undefined || requirements === null) return { found: [] };
  if (isUnknown(requirements)) return undecided(requirements.describe());
  if (!Array.isArray(requirements)) return undecided("they are not a list");
  const found: Requirement[] = [];
  for (const requirement of requirements) {
    if (isUnknown(requirement)) return undecided(requirement.describe());
    if (isObject(requirement) && isUnknown(requirement.key)) return undecided(`a key ${requirement.key.describe()}`);
    if (!isObject(requirement) || requirement.key !== key) continue;
    const { operator, values } = requirement;
    if (isUnknown(operator) || isUnknown(values)) return undecided(`the ${isUnknown(operator) ? "operator" : "values"} of ${key}`);
    const list = Array.isArray(values) ? values : [];
    if (typeof operator !== "string" || list.some((v) => typeof v !== "string")) return undecided(`the values of ${key} are not all text`);
    found.push({ operator, values: list as string[] });
  }
  return { found };
}
