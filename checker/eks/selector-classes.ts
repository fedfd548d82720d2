/**
 * ENI classes whose SGs are chosen by settings and manifests rather than launch templates:
 *
 * - Karpenter `EC2NodeClass` (`karpenter.k8s.aws/v1`, `v1beta1`): the SGs its
 *   `securityGroupSelectorTerms` pick (sg-selectors.ts);
 * - EKS Auto Mode: the built-in node pools (`compute_config.node_pools`) use the default NodeClass,
 *   whose nodes carry the cluster SG, and a custom `NodeClass` (`eks.amazonaws.com/v1`) picks its
 *   SGs like Karpenter (without `securityGroupSelectorTerms` it falls back to the default, inferred).
 *   Auto Mode nodes resolve names on the node itself: no CoreDNS pods, no CoreDNS hosts;
 * - hybrid nodes (`remote_network_config`): outside the VPC, known by their remote node and pod
 *   CIDRs; the firewall on their side is not in the plan;
 * - pods with a `SecurityGroupPolicy` (`vpcresources.k8s.aws/v1beta1`): its `groupIds`, on the
 *   branch ENIs of the cluster's EC2 nodes.
 *
 * Sources are in docs/policies (node-to-apiserver, node-dns, pod-sg-prerequisites).
 */
import { picomatch } from "../picomatch";
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isObject, isUnknown, valueAt, type Ref, type Value } from "../model/value";
import { parseCidr, type ParsedCidr } from "./cidr";
import { apiGroupOf, manifestsOf, type KubernetesObject, type UndecidedManifest } from "./manifests";
import type { SecurityGroup, SgDirectory, SgSet } from "./security-groups";
import { inOtherRegion } from "../model/provider-configs";
import { meantOfSameName } from "./region-scoped-names";
import { clusterNamesInSelector, selectSecurityGroups } from "./sg-selectors";
import { joinedSubnetSets, type SubnetDirectory, type SubnetSet } from "./subnets";
import { runsVpcCni, type Cluster, type EniClass } from "./eni-class";
import { isNodePool, nodePoolsByClass, type NodePoolWithoutClass } from "./node-pools";
import { COREDNS_LABELS, fargateMayRun } from "./fargate-selectors";
import { rawChartManifests } from "./raw-charts";

export interface ClassContext {
  readonly world: World;
  readonly sgs: SgDirectory;
  readonly subnets: SubnetDirectory;
  readonly clusters: readonly Cluster[];
  addNode(cluster: Cluster, node: Omit<EniClass, "cluster">): void;
  addPod(cluster: Cluster, pod: Omit<EniClass, "cluster">): void;
  orphan(address: string, reason: string): void;
}

/** What a class not started from a launch template has. */
export const NO_LAUNCH_TEMPLATE = { launchTemplates: [] as string[], sgsFromLaunchTemplate: false };

/**
 * The cluster whose API a manifest is applied to, when its Kubernetes provider's `host` names one
 * of the plan's clusters: a reference to the cluster (its `endpoint`), or the endpoint of an
 * existing cluster as a data source read it.
 */
function clusterOfProvider(world: World, clusters: readonly Cluster[], address: string): Cluster | undefined {
  const host = world.get(address)?.providerHost;
  const named = isUnknown(host)
    ? clusters.filter((c) => host.refs.some((ref) => ref.address === c.address))
    : typeof host === "string"
      ? clusters.filter((c) => world.read(c.instance, ["endpoint"]) === host)
      : [];
  return named.length === 1 ? named[0] : undefined;
}

/** The cluster a Kubernetes or Helm resource is applied to: the one its provider's `host` names, else the plan's only cluster. */
export function clusterAppliedTo(world: World, clusters: readonly Cluster[], address: string): Cluster | undefined {
  return clusterOfProvider(world, clusters, address) ?? (clusters.length === 1 ? clusters[0] : undefined);
}

/**
 * Which cluster a manifest's object belongs to: the one its provider connects to, the only one in
 * the plan, or the one its selectors name; of two clusters of that name (one per region), the one
 * of its region, input or module (region-scoped-names.ts).
 */
export function clusterOfObject(ctx: ClassContext, names: readonly string[], address: string): { cluster?: Cluster; reason?: string } {
  const applied = clusterAppliedTo(ctx.world, ctx.clusters, address);
  if (applied) return { cluster: applied };
  if (ctx.clusters.length === 0) return { reason: "no EKS cluster is in this plan" };
  const named = ctx.clusters.filter((c) => c.name !== undefined && names.includes(c.name));
  if (named.length === 1) return { cluster: named[0] };
  if (named.length > 1) {
    const instances = named.map((c) => c.instance);
    const { instance, reason } = meantOfSameName(ctx.world, "cluster", named[0].name!, instances, address);
    return instance ? { cluster: named[instances.indexOf(instance)] } : { reason };
  }
  return { reason: `${ctx.clusters.length} clusters are in this plan and the manifest names none of them (a karpenter.sh/discovery or aws:eks:cluster-name selector tag would, or a Kubernetes provider whose host is the cluster's endpoint)` };
}

/**
 * Ids for classes made from these objects: `<kind>(<manifest resource>)`, with `#<object name>`
 * where one manifest resource applies several of them.
 */
export function classIds(objects: readonly KubernetesObject[]): (kind: string, object: KubernetesObject) => string {
  const perAddress = new Map<string, number>();
  for (const o of objects) perAddress.set(o.address, (perAddress.get(o.address) ?? 0) + 1);
  return (kind, object) => `${kind}(${object.address}${(perAddress.get(object.address) ?? 0) > 1 && object.name ? `#${object.name}` : ""})`;
}

function matchesTags(tags: Value | undefined, wanted: Record<string, Value>): boolean | undefined {
  if (!isObject(tags)) return isUnknown(tags) ? undefined : false;
  let undecided = false;
  for (const [key, pattern] of Object.entries(wanted)) {
    const value = tags[key];
    if (isUnknown(value) || isUnknown(pattern)) {
      undecided = true;
      continue;
    }
    if (typeof value !== "string" || typeof pattern !== "string") return false;
    if (pattern !== "*" && !(pattern === value || (/[*?]/.test(pattern) && picomatch().isMatch(value, pattern, { dot: true, nobracket: true })))) return false;
  }
  return undecided ? undefined : true;
}

/** The subnets `subnetSelectorTerms` pick among the plan's subnets (by id or by tags), for CIDR rules. */
function selectSubnets(ctx: ClassContext, terms: Value | undefined, fallback: () => SubnetSet): SubnetSet {
  if (terms === undefined || terms === null) return fallback();
  if (!Array.isArray(terms)) return { ipv4: [], ipv6: [], unknown: isUnknown(terms) ? `subnetSelectorTerms are decided at apply time (${terms.describe()})` : "subnetSelectorTerms is not a list" };
  const picked = new Set<ResourceInstance>();
  const problems: string[] = [];
  for (const term of terms) {
    if (!isObject(term)) continue;
    if (term.id !== undefined) {
      const { subnets, problems: open } = ctx.subnets.designate(term.id);
      subnets.forEach((s) => picked.add(s));
      problems.push(...open);
    } else if (isObject(term.tags)) {
      for (const subnet of ctx.world.ofType("aws_subnet")) {
        const all = ctx.world.read(subnet, ["tags_all"]);
        const match = matchesTags(isObject(all) ? all : ctx.world.read(subnet, ["tags"]), term.tags);
        if (match === true) picked.add(subnet);
        else if (match === undefined) problems.push(`the tags of ${subnet.address} are decided at apply time`);
      }
    }
  }
  if (picked.size === 0) problems.push("subnetSelectorTerms match no subnet in this plan");
  return ctx.subnets.setOf([...picked], problems);
}

/** A Karpenter `EC2NodeClass` or an Auto Mode `NodeClass`. */
export function isNodeClass(object: KubernetesObject): boolean {
  const api = apiGroupOf(object);
  return (api?.group === "karpenter.k8s.aws" && object.kind === "EC2NodeClass") || (api?.group === "eks.amazonaws.com" && object.kind === "NodeClass");
}

/** Karpenter `EC2NodeClass` and Auto Mode `NodeClass`: SGs and subnets from their selectors, and the NodePools that use them. */
function addNodeClasses(ctx: ClassContext, nodeClasses: readonly KubernetesObject[], nodePools: readonly KubernetesObject[]): NodePoolWithoutClass<Cluster>[] {
  const idOf = classIds(nodeClasses);
  const placed: { object: KubernetesObject; cluster: Cluster; terms: Value | undefined }[] = [];
  for (const object of nodeClasses) {
    const terms = valueAt(object.body, ["spec", "securityGroupSelectorTerms"]);
    const { cluster, reason } = clusterOfObject(ctx, clusterNamesInSelector(terms), object.address);
    if (cluster) placed.push({ object, cluster, terms });
    else ctx.orphan(object.address, reason!);
  }
  const { byClass: poolsOf, withoutClass } = nodePoolsByClass(placed, nodePools, (address) => clusterAppliedTo(ctx.world, ctx.clusters, address));
  for (const { object, cluster, terms } of placed) {
    const autoMode = apiGroupOf(object)?.group === "eks.amazonaws.com";
    // An Auto Mode NodeClass without SG selectors falls back to the default NodeClass's (inferred: AWS does not say).
    const region = cluster.instance.region;
    const inRegion = (sg: SecurityGroup) => !inOtherRegion(region, sg.address === undefined ? undefined : ctx.world.get(sg.address)?.region);
    const sgs: SgSet = autoMode && terms === undefined ? { members: [cluster.clusterSg] } : selectSecurityGroups(ctx.sgs, terms, inRegion);
    const clusterSubnets = () => ctx.subnets.resolve(ctx.world.read(cluster.instance, ["vpc_config", 0, "subnet_ids"]));
    const subnets = selectSubnets(ctx, valueAt(object.body, ["spec", "subnetSelectorTerms"]), clusterSubnets);
    // Auto Mode puts every pod of this NodeClass's nodes on ENIs with these SGs (EKS user guide, auto-sgp).
    const podTerms = autoMode ? valueAt(object.body, ["spec", "podSecurityGroupSelectorTerms"]) : undefined;
    ctx.addNode(cluster, {
      ...NO_LAUNCH_TEMPLATE,
      id: idOf(autoMode ? "auto-mode" : "karpenter", object),
      kind: autoMode ? "auto-mode" : "karpenter",
      address: object.address,
      sgs,
      subnets,
      hostsCoreDns: !autoMode,
      nodePools: poolsOf.get(object)!,
      ...(autoMode ? { resolvesDnsLocally: true } : {}),
      ...(podTerms !== undefined ? { podsElsewhere: true } : {}),
    });
    if (podTerms === undefined) continue;
    ctx.addPod(cluster, {
      ...NO_LAUNCH_TEMPLATE,
      id: idOf("pod-network", object),
      kind: "pod-network",
      address: object.address,
      sgs: selectSecurityGroups(ctx.sgs, podTerms, inRegion),
      subnets: selectSubnets(ctx, valueAt(object.body, ["spec", "podSubnetSelectorTerms"]), () => subnets),
      hostsCoreDns: false,
      resolvesDnsLocally: true,
    });
  }
  return withoutClass;
}

/** Auto Mode's built-in node pools: the default NodeClass, whose nodes carry the cluster SG. */
function addBuiltInPools(ctx: ClassContext): void {
  for (const cluster of ctx.clusters) {
    if (cluster.madeElsewhere) continue;
    const instance = cluster.instance;
    const enabled = ctx.world.read(instance, ["compute_config", 0, "enabled"]);
    const pools = ctx.world.read(instance, ["compute_config", 0, "node_pools"]);
    if (enabled !== true || !Array.isArray(pools) || pools.length === 0) continue;
    ctx.addNode(cluster, {
      ...NO_LAUNCH_TEMPLATE,
      id: `auto-mode(${cluster.address})`,
      kind: "auto-mode",
      address: cluster.address,
      sgs: { members: [cluster.clusterSg] },
      subnets: ctx.subnets.resolve(ctx.world.read(instance, ["vpc_config", 0, "subnet_ids"])),
      hostsCoreDns: false,
      resolvesDnsLocally: true,
    });
  }
}

function cidrsAt(world: World, instance: ResourceInstance, block: string): { cidrs: ParsedCidr[]; unknown?: string } {
  const value = world.read(instance, ["remote_network_config", 0, block, 0, "cidrs"]);
  if (value === undefined || value === null) return { cidrs: [] };
  if (isUnknown(value)) return { cidrs: [], ...(value.origin === "computed" ? {} : { unknown: `${block} CIDRs are decided at apply time (${value.describe()})` }) };
  const cidrs: ParsedCidr[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    const parsed = typeof item === "string" ? parseCidr(item) : undefined;
    if (parsed) cidrs.push(parsed);
    else return { cidrs, unknown: `a ${block} CIDR is decided at apply time` };
  }
  return { cidrs };
}

/** Hybrid nodes: outside the VPC, at their remote node (and pod) CIDRs. */
function addHybridNodes(ctx: ClassContext): void {
  for (const cluster of ctx.clusters) {
    if (cluster.madeElsewhere) continue;
    const instance = cluster.instance;
    const config = ctx.world.read(instance, ["remote_network_config"]);
    if (!Array.isArray(config) || config.length === 0) continue;
    const nodes = cidrsAt(ctx.world, instance, "remote_node_networks");
    const pods = cidrsAt(ctx.world, instance, "remote_pod_networks");
    const all = [...nodes.cidrs, ...pods.cidrs];
    const unknown = [nodes.unknown, pods.unknown].filter(Boolean).join("; ");
    ctx.addNode(cluster, {
      ...NO_LAUNCH_TEMPLATE,
      id: `hybrid(${cluster.address})`,
      kind: "hybrid",
      address: cluster.address,
      sgs: { members: [] },
      subnets: { ipv4: all.filter((c) => c.family === 4), ipv6: all.filter((c) => c.family === 6), ...(unknown ? { unknown } : {}) },
      hostsCoreDns: true,
      outsideVpc: `on premises: the firewall of ${all.map((c) => c.text).join(", ") || "the remote networks"} is not in the plan`,
    });
  }
}

/**
 * Pods of a `SecurityGroupPolicy`: its groupIds, on the branch ENIs of the cluster's EC2 nodes; and
 * on the ENIs of those of its pods a Fargate profile runs, in place of the cluster SG (AWS knowledge
 * center, eks-configure-fargate-pod-security-group): there they are Fargate pods like the others,
 * whose traffic with the control plane and CoreDNS rests on these SGs.
 */
function addPodClasses(ctx: ClassContext, objects: readonly KubernetesObject[]): void {
  const policies = objects.filter((o) => apiGroupOf(o)?.group === "vpcresources.k8s.aws" && o.kind === "SecurityGroupPolicy");
  const idOf = classIds(policies);
  for (const object of policies) {
    const { cluster, reason } = clusterOfObject(ctx, [], object.address);
    if (!cluster) {
      ctx.orphan(object.address, reason!);
      continue;
    }
    const groupIds = valueAt(object.body, ["spec", "securityGroups", "groupIds"]);
    const sgs: SgSet = groupIds === undefined ? { members: [], unknown: "the SecurityGroupPolicy lists no groupIds" } : ctx.sgs.resolve(groupIds);
    const namespace = object.namespace ?? "default";
    const labels = podLabels(object);
    const fargate = cluster.nodes.filter((n) => n.kind === "fargate" && fargateMayRun(ctx.world, ctx.world.get(n.address)!, namespace, labels, false));
    for (const profile of fargate) {
      ctx.addNode(cluster, {
        ...NO_LAUNCH_TEMPLATE,
        id: `fargate(${profile.address}, ${object.address})`,
        kind: "fargate",
        address: object.address,
        securityGroupPolicy: object.address,
        sgs,
        subnets: profile.subnets,
        hostsCoreDns: profile.hostsCoreDns && namespace === "kube-system" && Object.entries(labels).every(([k, v]) => COREDNS_LABELS[k] === v),
      });
    }
    const ec2 = cluster.nodes.filter(runsVpcCni);
    // Pods no Fargate profile takes run on EC2 nodes, in this plan or made elsewhere.
    if (ec2.length === 0 && fargate.length > 0) continue;
    ctx.addPod(cluster, {
      ...NO_LAUNCH_TEMPLATE,
      id: idOf("pod", object),
      kind: "pod",
      address: object.address,
      sgs,
      subnets: joinedSubnetSets(ec2.map((n) => n.subnets)),
      hostsCoreDns: false,
    });
  }
}

/** The labels a SecurityGroupPolicy's pods carry for certain: its `podSelector.matchLabels` (a `serviceAccountSelector` says none). */
function podLabels(object: KubernetesObject): Record<string, string> {
  const matchLabels = valueAt(object.body, ["spec", "podSelector", "matchLabels"]);
  const labels: Record<string, string> = {};
  if (isObject(matchLabels)) for (const [key, value] of Object.entries(matchLabels)) if (typeof value === "string") labels[key] = value;
  return labels;
}

/**
 * An unreadable manifest counts when it may define capacity: it refers to SGs, a cluster, or an IAM
 * role or instance profile by name — what NodeClasses and SecurityGroupPolicies hold (an aws-auth
 * ConfigMap names roles by ARN, and does not count).
 */
function mayDefineCapacity(refs: readonly Ref[]): boolean {
  return refs.some((r) => {
    const type = r.address.split(".").find((part, i, parts) => i + 1 < parts.length && /^aws_/.test(part));
    if (type === "aws_security_group" || type === "aws_eks_cluster" || type === "aws_iam_instance_profile") return true;
    return type === "aws_iam_role" && (r.path.length === 0 || r.path[0] === "name");
  });
}

/** Adds the classes of this module to the topology; returns the manifests it could not read, and the objects of those it could. */
export function addSelectorClasses(ctx: ClassContext): { undecided: UndecidedManifest[]; objects: readonly KubernetesObject[]; poolsWithoutClass: NodePoolWithoutClass<Cluster>[] } {
  const manifests = manifestsOf(ctx.world);
  const charts = rawChartManifests(ctx.world);
  const objects = [...manifests.objects, ...charts.objects];
  const undecided = [...manifests.undecided, ...charts.undecided];
  addBuiltInPools(ctx);
  const poolsWithoutClass = addNodeClasses(ctx, objects.filter(isNodeClass), objects.filter(isNodePool));
  addHybridNodes(ctx);
  // Pods go on the EC2 node classes, which must all be known first.
  addPodClasses(ctx, objects);
  return { undecided: undecided.filter((m) => m.definesCapacity ?? mayDefineCapacity(m.refs)), objects, poolsWithoutClass };
}
