/**
 * Nodes a cluster will get whose SGs the plan does not say, because the NodeClasses that choose
 * them are applied outside it (by Argo CD or Flux, by `kubectl`, or by another root module). Without
 * them no flow of those nodes can be judged; saying nothing would read as "all clear".
 *
 * EKS Auto Mode without built-in node pools: "Enabling at least one built-in NodePool is required
 * for EKS to provision the 'default' NodeClass. If you disable all built-in NodePools, you'll need to
 * create a custom NodeClass" (EKS user guide, *Enable or Disable Built-in NodePools*).
 *
 * Karpenter's controller: the sign read is an EKS Pod Identity association for the service account
 * `karpenter`, which the controller's credentials come from when it runs with Pod Identity:
 * terraform-aws-eks's karpenter module makes one (`service_account` default "karpenter"), and
 * Karpenter's chart names its service account after the release (`serviceAccount.name` empty: the
 * chart's fullname), "karpenter" in Karpenter's own guide. Or a `helm_release` of the chart
 * `karpenter` (any controller credentials, IRSA included), on the cluster its Helm provider's host
 * names, else the one its values name (`settings.clusterName`, the chart's README), else on the
 * plan's only cluster.
 *
 * A Karpenter NodePool of a cluster whose `nodeClassRef` names a NodeClass no manifest of the plan
 * applies to it (node-pools.ts): its nodes get that NodeClass's SGs. Auto Mode's `default`
 * NodeClass is EKS's own.
 *
 * Nodes that join with a role of their own: an access entry of type EC2_LINUX or EC2_WINDOWS ("If
 * the principalArn is for an IAM role that's used for self-managed Amazon EC2 nodes", EKS API
 * reference, CreateAccessEntry) or EC2 (EKS Auto Mode's custom NodeClasses), for a role that no node
 * group, ASG or NodeClass of that cluster in the plan uses. Karpenter on IRSA shows this way:
 * terraform-aws-eks's karpenter module makes such an entry for its node role. Users also make one
 * for a managed node group's role, which matches that node group and so does not count. The
 * aws-auth ConfigMap's `system:nodes` roles are compared the same way (aws-auth.ts).
 */
import type { ResourceInstance } from "../model/resource-instance";
import type { World } from "../model/resource-graph";
import type { Cluster } from "./eni-class";
import { isObject, isUnknown, valueAt, type Value } from "../model/value";
import { parseYaml, type KubernetesObject } from "./manifests";
import { nodeRolesOf, roleNamed, sameRole } from "./node-roles";
import { awsAuthMaps, nodeRoleArns } from "./aws-auth";
import { releasesOfChart } from "./helm-values";
import { clusterAppliedTo, isNodeClass } from "./selector-classes";
import { nodePoolName, type NodePoolWithoutClass } from "./node-pools";

/** Where capacity the plan does not describe comes from, and why its nodes are not judged. */
export interface CapacityElsewhere {
  /** The resource that shows it (the cluster, the Pod Identity association, the Helm release, the access entry or the aws-auth ConfigMap). */
  readonly address: string;
  readonly cluster: Cluster;
  readonly reason: string;
}

type ClusterOfName = (name: Value | undefined, near: string) => Cluster | undefined;

/** The service account Karpenter's controller runs as, by the chart's and terraform-aws-eks's defaults. */
const KARPENTER_SERVICE_ACCOUNT = "karpenter";

/** Access entry types for the roles of EC2 nodes that are not in managed node groups (Fargate and hybrid nodes have their own). */
const NODE_ACCESS_ENTRY_TYPES = new Set(["EC2_LINUX", "EC2_WINDOWS", "EC2"]);

/**
 * Auto Mode clusters without built-in pools, Karpenter controllers, and node access entries, that
 * have no node class of theirs in the plan; one per cluster. Nothing is added for a cluster whose
 * nodes a manifest's finding already says are not judged.
 */
export function findCapacityElsewhere(
  world: World,
  clusters: readonly Cluster[],
  /** The cluster a cluster name (a string, or a value decided at apply time) means, for a resource at `near`. */
  clusterOf: ClusterOfName,
  /** True for a cluster that may get a manifest the plan cannot read, or place on another cluster. */
  coveredByManifests: (cluster: Cluster) => boolean,
  /** The objects of the plan's manifests: NodeClasses (whose roles are their nodes'), the aws-auth ConfigMap. */
  objects: readonly KubernetesObject[],
  /** NodePools whose NodeClass is not applied in the plan. */
  poolsWithoutClass: readonly NodePoolWithoutClass<Cluster>[] = [],
): CapacityElsewhere[] {
  const found = [...autoModeWithoutNodeClasses(world, clusters), ...karpenterWithoutNodeClasses(world, clusters, clusterOf)];
  const flagged = new Set(found.map((f) => f.cluster));
  const nodeClasses = objects.filter(isNodeClass);
  found.push(...nodePoolsWithoutNodeClasses(poolsWithoutClass, flagged));
  found.push(...accessEntriesWithoutNodes(world, clusterOf, nodeClasses, flagged), ...awsAuthWithoutNodes(world, clusters, objects, nodeClasses, flagged));
  return found.filter((f) => !coveredByManifests(f.cluster));
}

function autoModeWithoutNodeClasses(world: World, clusters: readonly Cluster[]): CapacityElsewhere[] {
  const found: CapacityElsewhere[] = [];
  for (const cluster of clusters) {
    if (cluster.madeElsewhere) continue;
    const instance = cluster.instance;
    const pools = world.read(instance, ["compute_config", 0, "node_pools"]);
    const noBuiltInPools = pools === null || (Array.isArray(pools) && pools.length === 0);
    if (world.read(instance, ["compute_config", 0, "enabled"]) !== true || !noBuiltInPools) continue;
    if (cluster.nodes.some((node) => node.kind === "auto-mode")) continue;
    found.push({
      address: cluster.address,
      cluster,
      reason: "EKS Auto Mode is enabled without built-in node pools, so its nodes come only from NodeClasses, and none for this cluster is in this plan: the SGs of its nodes are chosen outside it",
    });
  }
  return found;
}

/** Karpenter's controller in a cluster without an EC2NodeClass in the plan, said once per cluster. */
function karpenterWithoutNodeClasses(world: World, clusters: readonly Cluster[], clusterOf: ClusterOfName): CapacityElsewhere[] {
  const found: CapacityElsewhere[] = [];
  const seen = new Set<Cluster>();
  const add = (instance: ResourceInstance, cluster: Cluster | undefined, how: string) => {
    if (!cluster || seen.has(cluster) || cluster.nodes.some((node) => node.kind === "karpenter")) return;
    seen.add(cluster);
    found.push({ address: instance.address, cluster, reason: `Karpenter runs in ${cluster.address} (${how}) and no EC2NodeClass for it is in this plan, so the SGs of the nodes it launches are chosen outside it` });
  };
  for (const association of world.ofType("aws_eks_pod_identity_association")) {
    if (world.read(association, ["service_account"]) !== KARPENTER_SERVICE_ACCOUNT) continue;
    const namespace = world.read(association, ["namespace"]);
    add(association, clusterOf(world.read(association, ["cluster_name"]), association.address), `service account ${typeof namespace === "string" ? `${namespace}/` : ""}${KARPENTER_SERVICE_ACCOUNT} has this Pod Identity association`);
  }
  // "karpenter" from its repository, or the whole OCI reference (oci://public.ecr.aws/karpenter/karpenter).
  for (const release of releasesOfChart(world, "karpenter")) {
    // The plan's only cluster comes before the values, which can name no other cluster of the plan.
    const cluster = clusterAppliedTo(world, clusters, release.address) ?? clusterInValues(world, release, clusterOf);
    add(release, cluster, "this Helm release installs its chart");
  }
  return found;
}

/** A NodePool whose NodeClass is applied elsewhere: its nodes' SGs are that NodeClass's. One per cluster. */
function nodePoolsWithoutNodeClasses(pools: readonly NodePoolWithoutClass<Cluster>[], flagged: Set<Cluster>): CapacityElsewhere[] {
  const found: CapacityElsewhere[] = [];
  for (const { pool, cluster, nodeClass } of pools) {
    if (flagged.has(cluster)) continue;
    flagged.add(cluster);
    found.push({ address: pool.address, cluster, reason: `${nodePoolName(pool)} launches nodes of the ${nodeClass}, which no manifest of this plan applies to ${cluster.address}, so the SGs of those nodes are chosen outside it` });
  }
  return found;
}

/** Where Karpenter's chart takes the cluster's name: `settings.clusterName`, or `settings.aws.clusterName` in older charts. */
const CLUSTER_NAME_SETTINGS: readonly (readonly string[])[] = [
  ["settings", "clusterName"],
  ["settings", "aws", "clusterName"],
];

/**
 * The cluster a Karpenter release's values name, as Helm merges them: each of `values` (YAML) in
 * turn, then `set` (Helm provider 2's blocks or 3's list, the same in a plan). A value decided at
 * apply time counts when it refers to one cluster only.
 */
function clusterInValues(world: World, release: ResourceInstance, clusterOf: ClusterOfName): Cluster | undefined {
  // An unknown text or value may hold anything: it counts only when what it refers to is one cluster.
  const oneCluster = (value: Value) => !isUnknown(value) || new Set(value.refs.map((r) => r.address).filter((a) => world.get(a)?.type === "aws_eks_cluster")).size === 1;
  let named: Value | undefined;
  const values = world.read(release, ["values"]);
  for (const text of Array.isArray(values) ? values : []) {
    if (isUnknown(text) && oneCluster(text)) named = text;
    const parsed = typeof text === "string" ? parseYaml(text, undefined) : undefined;
    for (const document of parsed && "documents" in parsed ? parsed.documents : []) {
      for (const path of CLUSTER_NAME_SETTINGS) named = valueAt(document, path) ?? named;
    }
  }
  const set = world.read(release, ["set"]);
  for (const entry of Array.isArray(set) ? set : []) {
    if (isObject(entry) && CLUSTER_NAME_SETTINGS.some((path) => entry.name === path.join(".")) && oneCluster(entry.value)) named = entry.value;
  }
  return named === undefined ? undefined : clusterOf(named, release.address);
}

/**
 * Node access entries whose role no node class of their cluster in the plan uses, one per cluster.
 * Nothing is said when the plan does not decide the entry's role or that of a node class.
 */
function accessEntriesWithoutNodes(world: World, clusterOf: ClusterOfName, nodeClasses: readonly KubernetesObject[], flagged: Set<Cluster>): CapacityElsewhere[] {
  const found: CapacityElsewhere[] = [];
  for (const entry of world.ofType("aws_eks_access_entry")) {
    const type = world.read(entry, ["type"]);
    if (typeof type !== "string" || !NODE_ACCESS_ENTRY_TYPES.has(type)) continue;
    const cluster = clusterOf(world.read(entry, ["cluster_name"]), entry.address);
    if (!cluster || flagged.has(cluster)) continue;
    const role = roleUsedByNoNode(world, cluster, [world.read(entry, ["principal_arn"])], entry.address, nodeClasses);
    if (role === undefined) continue;
    flagged.add(cluster);
    found.push({
      address: entry.address,
      cluster,
      reason: `an access entry of type ${type} lets nodes with the IAM role ${role} join ${cluster.address}, and no node group, ASG or NodeClass of it in this plan uses that role, so the SGs of those nodes are chosen outside it`,
    });
  }
  return found;
}

/** aws-auth ConfigMaps that put a role no node class of their cluster uses in `system:nodes`, one per cluster. */
function awsAuthWithoutNodes(world: World, clusters: readonly Cluster[], objects: readonly KubernetesObject[], nodeClasses: readonly KubernetesObject[], flagged: Set<Cluster>): CapacityElsewhere[] {
  const found: CapacityElsewhere[] = [];
  for (const map of awsAuthMaps(world, objects)) {
    const cluster = clusterAppliedTo(world, clusters, map.address);
    const arns = nodeRoleArns(map.mapRoles);
    if (!cluster || flagged.has(cluster) || arns === undefined) continue;
    const role = roleUsedByNoNode(world, cluster, arns, map.address, nodeClasses);
    if (role === undefined) continue;
    flagged.add(cluster);
    found.push({
      address: map.address,
      cluster,
      reason: `the aws-auth ConfigMap maps the IAM role ${role} to the group system:nodes of ${cluster.address}, and no node group, ASG, Fargate profile or NodeClass of it in this plan uses that role, so the SGs of those nodes are chosen outside it`,
    });
  }
  return found;
}

/**
 * The first of `arns` (role ARNs, as planned) that the plan decides is used by no node class of the
 * cluster, by how a finding names it; undefined when every one is used, or the plan does not decide.
 */
function roleUsedByNoNode(world: World, cluster: Cluster, arns: readonly (Value | undefined)[], near: string, nodeClasses: readonly KubernetesObject[]): string | undefined {
  const nodeRoles = nodeRolesOf(world, cluster, nodeClasses);
  if (nodeRoles.undecided !== undefined) return undefined;
  for (const arn of arns) {
    const lookup = roleNamed(world, arn, "arn", near);
    if (lookup.undecided !== undefined || lookup.roles.length === 0) continue;
    if (lookup.roles.every((a) => nodeRoles.roles.every((b) => sameRole(a, b) === false))) return lookup.roles.map((r) => r.label).join(", ");
  }
  return undefined;
}
