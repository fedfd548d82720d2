/**
 * Which security groups end up on which ENI. From one world of the resource graph (before or
 * after the plan) it builds each cluster with its EKS-made cluster SG, the ENI classes of the
 * cluster — control plane, managed node groups, self-managed node groups (tagged ASGs), Fargate
 * profiles — with their effective SG sets and subnets, and every SG rule indexed by SG.
 */
import { COREDNS_LABELS, fargateMayRun } from "./fargate-selectors";
import type { ResourceGraph, Side, World } from "../model/resource-graph";
import { isKubernetesResource } from "../model/provider-configs";
import type { ResourceInstance } from "../model/resource-instance";
import { firstBlock, isObject, isUnknown, valueAt, type Unknown, type Value, type ValueObject } from "../model/value";
import { findCapacityElsewhere, type CapacityElsewhere } from "./capacity-elsewhere";
import { parseCidr, type ParsedCidr } from "./cidr";
import { launchedVersion } from "./launch-template-versions";
import { clusterTagsOfAsg, clusterTagsOfInstance, nodeLaunchTemplateUses, type LaunchTemplateUse } from "./node-launch-templates";
import { clusterNamed, distinctClusters } from "./region-scoped-names";
import { Cluster, type EniClass } from "./eni-class";
import type { UndecidedManifest } from "./manifests";
import { addPodNetworks } from "./pod-networks";
import { PrefixListDirectory } from "./prefix-lists";
import { SgDirectory, type SgKey, type SgSet } from "./security-groups";
import { addSelectorClasses, clusterAppliedTo } from "./selector-classes";
import { inlineRules, ruleResources, RuleIndex, signaturesOf, type SgRule } from "./sg-rules";
import { SubnetDirectory } from "./subnets";

export { Cluster, type EniClass, type EniClassKind } from "./eni-class";

export interface Topology {
  readonly world: World;
  readonly clusters: readonly Cluster[];
  readonly sgs: SgDirectory;
  readonly subnets: SubnetDirectory;
  readonly rules: RuleIndex;
  /** Node classes whose cluster is not in this plan (or cannot be told), with why. */
  readonly orphans: readonly { readonly address: string; readonly reason: string }[];
  /** Manifests decided at apply time that may define node or pod classes. */
  readonly undecidedManifests: readonly UndecidedManifest[];
  /** Nodes a cluster gets from outside the plan (Auto Mode without built-in pools, Karpenter, node access entries, aws-auth). */
  readonly capacityElsewhere: readonly CapacityElsewhere[];
  /** Which launch templates (and launch configurations) each node group or tagged ASG starts from. */
  readonly launchTemplateUses: readonly LaunchTemplateUse[];
  classById(id: string): EniClass | undefined;
}

const ANYWHERE_V4 = parseCidr("0.0.0.0/0") as ParsedCidr;
const ANYWHERE_V6 = parseCidr("::/0") as ParsedCidr;

/** The EKS-made cluster SG's own rules: all in from itself, all out to anywhere and to itself. */
function clusterSgRules(cluster: ResourceInstance, key: SgKey): SgRule[] {
  const base = { sg: key, protocol: "all" as const, fromPort: 0, toPort: 65535, address: cluster.address, origin: "eks" as const };
  return [
    { ...base, direction: "ingress", peer: { kind: "sg", sg: key } },
    { ...base, direction: "egress", peer: { kind: "sg", sg: key } },
    { ...base, direction: "egress", peer: { kind: "cidr", cidr: ANYWHERE_V4 } },
    { ...base, direction: "egress", peer: { kind: "cidr", cidr: ANYWHERE_V6 } },
  ];
}

/**
 * Whether EKS makes a remote-access SG: only for an SSH key. The provider never sends an empty
 * `ec2_ssh_key` (expandRemoteAccessConfig in internal/service/eks/node_group.go), and EKS opens port
 * 22 only "if you specify an Amazon EC2 SSH key" (API reference, RemoteAccessConfig).
 */
function opensRemoteAccess(remote: ValueObject | Unknown | undefined): boolean {
  if (remote === undefined) return false;
  if (isUnknown(remote)) return true;
  const key = remote.ec2_ssh_key;
  return (typeof key === "string" && key !== "") || (isUnknown(key) && key.origin !== "computed");
}

/** The SG EKS makes for `remote_access` without a launch template: SSH from the sources, or from anywhere. */
function remoteAccessRules(world: World, group: ResourceInstance, key: SgKey, sgs: SgDirectory): SgRule[] {
  const remote = firstBlock(world.values(group), "remote_access");
  const base = { sg: key, direction: "ingress" as const, protocol: "tcp" as const, fromPort: 22, toPort: 22, address: group.address, origin: "eks" as const };
  const sources = isObject(remote) ? remote.source_security_group_ids : undefined;
  const set = sgs.resolve(isUnknown(sources) && sources.origin === "computed" ? undefined : sources);
  const rules: SgRule[] = set.members.map((sg) => ({ ...base, peer: { kind: "sg", sg } }));
  if (set.unknown) rules.push({ ...base, peer: { kind: "unknown", reason: set.unknown, candidates: set.members, mayBe: "sg" } });
  if (rules.length === 0) rules.push({ ...base, peer: { kind: "cidr", cidr: ANYWHERE_V4 } });
  rules.push({ sg: key, direction: "egress", protocol: "all", fromPort: 0, toPort: 65535, address: group.address, origin: "eks", peer: { kind: "cidr", cidr: ANYWHERE_V4 } });
  return rules;
}

/**
 * The SGs a launch template puts on the nodes' primary ENI: `vpc_security_group_ids`, or the
 * `network_interfaces` entry at device index 0 (SGs of other interfaces — EFA, secondary ENIs —
 * are not on the address the kubelet and pods use); of the version the group launches.
 */
function launchTemplateSgs(world: World, template: ResourceInstance, sgs: SgDirectory, version: Value | undefined): { set: SgSet; kept?: string } {
  if (template.type === "aws_launch_configuration") return { set: sgs.resolve(world.read(template, ["security_groups"])) };
  const launched = launchedVersion(world, template, version);
  if (launched.unknown) return { set: { members: [], unknown: launched.unknown } };
  const set = templateValuesSgs(launched.values, sgs);
  if (!launched.kept) return { set };
  // Said only where it matters: the version kept has other SGs than the plan's.
  const planned = templateValuesSgs(world.values(template), sgs);
  const same = planned.unknown === set.unknown && planned.members.length === set.members.length && planned.members.every((m) => set.members.includes(m));
  return same ? { set } : { set, kept: launched.kept };
}

function templateValuesSgs(values: Value, sgs: SgDirectory): SgSet {
  const parts: SgSet[] = [];
  const direct = valueAt(values, ["vpc_security_group_ids"]);
  if (!(isUnknown(direct) && direct.origin === "computed")) parts.push(sgs.resolve(direct));
  const interfaces = valueAt(values, ["network_interfaces"]);
  if (Array.isArray(interfaces)) {
    const nics = interfaces.filter(isObject);
    const primary = nics.length > 1 ? nics.filter((nic) => nic.device_index === 0 || nic.device_index === "0") : nics;
    if (nics.length > 1 && primary.length === 0) parts.push({ members: [], unknown: "several network interfaces and none at device index 0" });
    for (const nic of primary) {
      const groups = nic.security_groups;
      if (!(isUnknown(groups) && groups.origin === "computed")) parts.push(sgs.resolve(groups));
    }
  } else if (isUnknown(interfaces) && interfaces.origin !== "computed") {
    parts.push({ members: [], unknown: `network_interfaces: ${interfaces.describe()}` });
  }
  const unknown = parts.map((p) => p.unknown).filter(Boolean);
  return { members: [...new Set(parts.flatMap((p) => p.members))], ...(unknown.length ? { unknown: unknown.join("; ") } : {}) };
}

/** The SGs of a group's templates together, and what it keeps of older versions. */
function templatesSgs(world: World, use: LaunchTemplateUse, sgs: SgDirectory): { set: SgSet; kept?: string } {
  const each = use.templates.map((t) => launchTemplateSgs(world, t, sgs, use.versions.get(t.address)));
  const kept = each.map((e) => e.kept).filter(Boolean);
  return { set: each.map((e) => e.set).reduce(union, { members: [] }), ...(kept.length > 0 ? { kept: kept.join("; ") } : {}) };
}

/**
 * The SGs a node's launch templates name: unknown when the plan does not say which template it is
 * (`known` false); `undefined` when the templates name none (the node then gets others).
 */
function templateNamedSgs(world: World, use: LaunchTemplateUse, sgs: SgDirectory): { set: SgSet; kept?: string; known: boolean } | undefined {
  if (use.unknown && use.templates.length === 0) return { set: { members: [], unknown: `its launch template is not known: ${use.unknown}` }, known: false };
  const fromTemplates = templatesSgs(world, use, sgs);
  return fromTemplates.set.members.length > 0 || fromTemplates.set.unknown ? { ...fromTemplates, known: true } : undefined;
}

/**
 * An EC2 instance's SGs: its own `vpc_security_group_ids` when set, which EC2 puts on the primary
 * ENI in place of its launch template's (RunInstances: parameters given override the template's);
 * else its template's; else the VPC's default SG. ENIs made apart and attached
 * (`network_interface` blocks) carry SGs this does not read.
 */
function instanceSgs(world: World, node: ResourceInstance, use: LaunchTemplateUse | undefined, sgs: SgDirectory): { set: SgSet; kept?: string; fromTemplate: boolean } {
  const attached = world.read(node, ["network_interface"]);
  if ((Array.isArray(attached) && attached.length > 0) || (isUnknown(attached) && attached.origin !== "computed")) {
    return { set: { members: [], unknown: "its network interfaces are made apart (network_interface blocks), and their SGs are not read" }, fromTemplate: false };
  }
  const configured = (value: Value | undefined) => (isUnknown(value) ? value.origin !== "computed" : Array.isArray(value) && value.length > 0);
  const own = world.read(node, ["vpc_security_group_ids"]);
  if (configured(own)) return { set: sgs.resolve(own), fromTemplate: false };
  if (configured(world.read(node, ["security_groups"]))) {
    return { set: { members: [], unknown: "it names its SGs in security_groups (by name, as for a default VPC), which are not read" }, fromTemplate: false };
  }
  const named = use && templateNamedSgs(world, use, sgs);
  if (named) return { set: named.set, ...(named.kept ? { kept: named.kept } : {}), fromTemplate: true };
  return { set: { members: [], unknown: "it names no security group, so EC2 gives it the VPC's default SG, which is not in this plan" }, fromTemplate: use !== undefined };
}

function union(a: SgSet, b: SgSet): SgSet {
  const unknown = [a.unknown, b.unknown].filter(Boolean).join("; ");
  return { members: [...new Set([...a.members, ...b.members])], ...(unknown ? { unknown } : {}) };
}

/**
 * CoreDNS runs on Linux nodes only: "Amazon EKS clusters must contain one or more Linux or Fargate
 * nodes to run core system Pods that only run on Linux, such as CoreDNS" (EKS user guide,
 * windows-support). A managed node group says its OS by `ami_type` (`WINDOWS_CORE_2022_x86_64`…);
 * other nodes' AMIs do not say it in the plan.
 */
function isWindowsAmiType(amiType: Value | undefined): boolean {
  return typeof amiType === "string" && amiType.startsWith("WINDOWS_");
}

/** Which cluster a node group or Fargate profile belongs to, from `cluster_name`. */
function clusterOf(world: World, value: Value | undefined, byAddress: Map<string, Cluster>, near: string): { cluster?: Cluster; reason?: string } {
  if (typeof value === "string") {
    const { instance, reason } = clusterNamed(world, value, near);
    return instance ? { cluster: byAddress.get(instance.address) } : { reason };
  }
  if (isUnknown(value)) {
    const target = value.refs.map((r) => byAddress.get(r.address)).find(Boolean);
    return target ? { cluster: target } : { reason: `cluster_name is decided at apply time (${value.describe()})` };
  }
  return { reason: "no cluster_name" };
}

interface Collected {
  readonly world: World;
  readonly sgs: SgDirectory;
  readonly subnets: SubnetDirectory;
  readonly prefixLists: PrefixListDirectory;
  readonly clusters: Cluster[];
  readonly classes: Map<string, EniClass>;
  readonly orphans: { address: string; reason: string }[];
  readonly undecidedManifests: readonly UndecidedManifest[];
  readonly capacityElsewhere: readonly CapacityElsewhere[];
  readonly launchTemplateUses: readonly LaunchTemplateUse[];
  /** Rules of rule resources and of EKS-made SGs. */
  readonly rules: SgRule[];
  readonly resourceRules: SgRule[];
}

function collect(world: World): Collected {
  const sgs = new SgDirectory(world);
  const subnets = new SubnetDirectory(world);
  const prefixLists = new PrefixListDirectory(world);
  const clusters: Cluster[] = [];
  const byAddress = new Map<string, Cluster>();
  const classes = new Map<string, EniClass>();
  const orphans: { address: string; reason: string }[] = [];
  const extraRules: SgRule[] = [];

  // Every cluster SG first: other SGs and rules may refer to any of them. Clusters made elsewhere
  // and read by a data source come after those of the plan.
  const clusterSgs = new Map<ResourceInstance, SgKey>();
  for (const instance of distinctClusters(world, [...world.ofType("aws_eks_cluster"), ...world.lookedUp("aws_eks_cluster")])) {
    const name = world.read(instance, ["name"]);
    const key = sgs.addClusterSg(instance, typeof name === "string" ? name : undefined);
    clusterSgs.set(instance, key);
    extraRules.push(...clusterSgRules(instance, key));
  }
  sgs.addTagResources();
  for (const [instance, key] of clusterSgs) {
    const name = world.read(instance, ["name"]);
    const additional = world.read(instance, ["vpc_config", 0, "security_group_ids"]);
    const family = world.read(instance, ["kubernetes_network_config", 0, "ip_family"]) === "ipv6" ? 6 : 4;
    const cluster = new Cluster(instance, typeof name === "string" ? name : undefined, key, family, {
      id: `control-plane(${instance.address})`,
      kind: "control-plane",
      address: instance.address,
      sgs: union({ members: [key] }, isUnknown(additional) && additional.origin === "computed" ? { members: [] } : sgs.resolve(additional)),
      subnets: subnets.resolve(world.read(instance, ["vpc_config", 0, "subnet_ids"])),
      launchTemplates: [],
      sgsFromLaunchTemplate: false,
      hostsCoreDns: false,
    });
    clusters.push(cluster);
    byAddress.set(instance.address, cluster);
    classes.set(cluster.controlPlane.id, cluster.controlPlane);
  }

  const launchTemplateUses = nodeLaunchTemplateUses(world);
  const templatesOf = new Map(launchTemplateUses.map((use) => [use.user.address, use]));
  const add = (list: "nodes" | "pods") => (cluster: Cluster, node: Omit<EniClass, "cluster">) => {
    const full: EniClass = { ...node, cluster };
    cluster[list].push(full);
    classes.set(full.id, full);
  };
  const addNode = add("nodes");

  for (const group of world.ofType("aws_eks_node_group")) {
    const { cluster, reason } = clusterOf(world, world.read(group, ["cluster_name"]), byAddress, group.address);
    if (!cluster) {
      orphans.push({ address: group.address, reason: reason! });
      continue;
    }
    const use = templatesOf.get(group.address);
    let set: SgSet = { members: [cluster.clusterSg] };
    let fromTemplate = false;
    let kept: string | undefined;
    if (use) {
      const named = templateNamedSgs(world, use, sgs);
      if (named) {
        set = named.set;
        kept = named.kept;
        fromTemplate = named.known;
      }
    } else if (opensRemoteAccess(firstBlock(world.values(group), "remote_access"))) {
      const key = sgs.addRemoteAccessSg(group);
      extraRules.push(...remoteAccessRules(world, group, key, sgs));
      set = { members: [cluster.clusterSg, key] };
    }
    addNode(cluster, {
      id: `managed(${group.address})`,
      kind: "managed",
      address: group.address,
      sgs: set,
      subnets: subnets.resolve(world.read(group, ["subnet_ids"])),
      launchTemplates: use?.templates.map((t) => t.address) ?? [],
      ...(use ? { launchTemplateVersions: use.versions } : {}),
      sgsFromLaunchTemplate: fromTemplate,
      ...(kept ? { keptTemplateVersion: kept } : {}),
      hostsCoreDns: !isWindowsAmiType(world.read(group, ["ami_type"])),
    });
  }

  // A self-managed node (an ASG's or an instance) joins the cluster its kubernetes.io/cluster tag names.
  const taggedCluster = (names: readonly string[], address: string): Cluster | undefined => {
    const named = names.map((n) => clusterNamed(world, n, address));
    const cluster = named.map((n) => n.instance && byAddress.get(n.instance.address)).find(Boolean);
    if (!cluster) orphans.push({ address, reason: named[0].reason! });
    return cluster;
  };

  for (const asg of world.ofType("aws_autoscaling_group")) {
    const names = clusterTagsOfAsg(world, asg);
    if (names.length === 0) continue;
    const cluster = taggedCluster(names, asg.address);
    if (!cluster) continue;
    const use = templatesOf.get(asg.address);
    const base: SgSet = use?.unknown ? { members: [], unknown: use.unknown } : { members: [] };
    // Each instance starts from one template (mixed-instance overrides pick one per instance type),
    // so templates with different SGs make different ENI classes of the same ASG.
    const templates = use?.templates ?? [];
    const perTemplate = templates.map((t) => {
      const { set, kept } = launchTemplateSgs(world, t, sgs, use!.versions.get(t.address));
      return { template: t, sgs: union(base, set), kept };
    });
    const distinct = new Set(perTemplate.map((p) => [...p.sgs.members].sort().join(",")));
    const variants: { via?: string; sgs: SgSet; templates: string[]; kept?: string }[] =
      distinct.size > 1
        ? perTemplate.map((p) => ({ via: p.template.address, sgs: p.sgs, templates: [p.template.address], kept: p.kept }))
        : [{ sgs: perTemplate[0]?.sgs ?? base, templates: templates.map((t) => t.address), kept: perTemplate.map((p) => p.kept).filter(Boolean).join("; ") || undefined }];
    for (const variant of variants) {
      const set = variant.sgs.members.length === 0 && !variant.sgs.unknown ? { members: [], unknown: "its launch template names no security group, so instances get the VPC's default SG, which is not in this plan" } : variant.sgs;
      addNode(cluster, {
        id: `self-managed(${asg.address}${variant.via ? ` via ${variant.via}` : ""})`,
        ...(variant.via ? { viaTemplate: variant.via } : {}),
        kind: "self-managed",
        address: asg.address,
        sgs: set,
        subnets: subnets.resolve(world.read(asg, ["vpc_zone_identifier"])),
        launchTemplates: variant.templates,
        ...(use ? { launchTemplateVersions: use.versions } : {}),
        sgsFromLaunchTemplate: true,
        ...(variant.kept ? { keptTemplateVersion: variant.kept } : {}),
        hostsCoreDns: true,
      });
    }
  }

  for (const node of world.ofType("aws_instance")) {
    const names = clusterTagsOfInstance(world, node);
    if (names.length === 0) continue;
    const cluster = taggedCluster(names, node.address);
    if (!cluster) continue;
    const use = templatesOf.get(node.address);
    const { set, kept, fromTemplate } = instanceSgs(world, node, use, sgs);
    addNode(cluster, {
      id: `self-managed(${node.address})`,
      kind: "self-managed",
      address: node.address,
      sgs: set,
      subnets: subnets.resolve(world.read(node, ["subnet_id"])),
      launchTemplates: use?.templates.map((t) => t.address) ?? [],
      ...(use ? { launchTemplateVersions: use.versions } : {}),
      sgsFromLaunchTemplate: fromTemplate,
      ...(kept ? { keptTemplateVersion: kept } : {}),
      hostsCoreDns: true,
    });
  }

  for (const profile of world.ofType("aws_eks_fargate_profile")) {
    const { cluster, reason } = clusterOf(world, world.read(profile, ["cluster_name"]), byAddress, profile.address);
    if (!cluster) {
      orphans.push({ address: profile.address, reason: reason! });
      continue;
    }
    addNode(cluster, {
      id: `fargate(${profile.address})`,
      kind: "fargate",
      address: profile.address,
      sgs: { members: [cluster.clusterSg] },
      subnets: subnets.resolve(world.read(profile, ["subnet_ids"])),
      launchTemplates: [],
      sgsFromLaunchTemplate: false,
      hostsCoreDns: fargateMayRun(world, profile, "kube-system", COREDNS_LABELS, true),
    });
  }

  const classContext = { world, sgs, subnets, clusters, addNode, addPod: add("pods"), orphan: (address: string, reason: string) => orphans.push({ address, reason }) };
  const { undecided: undecidedManifests, objects, poolsWithoutClass } = addSelectorClasses(classContext);

  // A manifest decided at apply time already says its nodes are not judged: on the cluster its
  // provider connects to (or the only one), else on any, as does one the plan cannot place.
  const undecidedOn = undecidedManifests.map((m) => clusterAppliedTo(world, clusters, m.address));
  const unplaced = undecidedOn.includes(undefined) || orphans.some((o) => isKubernetesResource(world.get(o.address)?.type ?? ""));
  const coveredByManifests = (cluster: Cluster) => unplaced || undecidedOn.includes(cluster);
  addPodNetworks(classContext, objects, coveredByManifests);
  const capacityElsewhere = findCapacityElsewhere(world, clusters, (name, near) => clusterOf(world, name, byAddress, near).cluster, coveredByManifests, objects, poolsWithoutClass);

  const resourceRules = ruleResources(world, { sgs, prefixLists });
  return { world, sgs, subnets, prefixLists, clusters, classes, orphans, undecidedManifests, capacityElsewhere, launchTemplateUses, rules: [...extraRules, ...resourceRules], resourceRules };
}

function finish(parts: Collected, managedElsewhere: Pick<ReadonlySet<string>, "has">): Topology {
  const rules = new RuleIndex();
  for (const rule of [...parts.rules, ...inlineRules(parts.world, parts, managedElsewhere)]) rules.add(rule);
  const { world, clusters, sgs, subnets, orphans, undecidedManifests, capacityElsewhere, classes, launchTemplateUses } = parts;
  return { world, clusters, sgs, subnets, rules, orphans, undecidedManifests, capacityElsewhere, launchTemplateUses, classById: (id) => classes.get(id) };
}

const cache = new WeakMap<ResourceGraph, { before: Topology; after: Topology }>();

/**
 * The topology of both sides of a plan, built once per graph. An existing SG lists, inline, the
 * rules that rule resources manage; their signatures from both sides keep them from counting twice.
 */
export function topologiesOf(graph: ResourceGraph): { before: Topology; after: Topology } {
  const cached = cache.get(graph);
  if (cached) return cached;
  const after = collect(graph.after);
  const before = collect(graph.before);
  // Made when an SG lists inline rules: new SGs list none, and every rule resource has a signature to make.
  let signatures: Set<string> | undefined;
  const managed = { has: (signature: string) => (signatures ??= signaturesOf([...after.resourceRules, ...before.resourceRules])).has(signature) };
  const built = { after: finish(after, managed), before: finish(before, managed) };
  cache.set(graph, built);
  return built;
}

export function topologyOf(graph: ResourceGraph, side: Side = "after"): Topology {
  return topologiesOf(graph)[side];
}
