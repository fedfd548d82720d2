/**
 * With VPC CNI custom networking, each EC2 node finds its ENIConfig by name, at run time, and the
 * VPC CNI makes its pods' ENIs in that ENIConfig's subnet. Which name a node looks for (the VPC
 * CNI's pkg/eniconfig): its label `vpc.amazonaws.com/externalEniConfig`, else its annotation
 * `ENI_CONFIG_ANNOTATION_DEF`, else its label `ENI_CONFIG_LABEL_DEF` (both default to
 * `k8s.amazonaws.com/eniConfig`), else `default`. Labels come from a managed node group's `labels`,
 * launch templates' user data, or a Karpenter NodePool, which also keeps its nodes to zones.
 * Sources and inferences: docs/policies/custom-networking-eniconfigs.md.
 */
import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { runsVpcCni, type CustomNetworking, type EniClass } from "../checker/eks/eni-class";
import type { KubernetesObject } from "../checker/eks/manifests";
import { nodePoolLabel, nodePoolName, nodePoolZones, type PoolLabel, type PoolZones } from "../checker/eks/node-pools";
import { userDataOf } from "../checker/eks/user-data-labels";
import type { Topology } from "../checker/eks/topology";
import type { World } from "../checker/model/resource-graph";
import type { ResourceInstance } from "../checker/model/resource-instance";
import { isObject, isUnknown, valueAt } from "../checker/model/value";

const LABEL_DEF = "ENI_CONFIG_LABEL_DEF";
const DEFAULT_LABEL = "k8s.amazonaws.com/eniConfig";
const EXTERNAL_LABEL = "vpc.amazonaws.com/externalEniConfig";
/** The zone label every node carries (Kubernetes' well-known labels); EKS's guide names ENIConfigs after zones and sets it. */
const ZONE_LABEL = "topology.kubernetes.io/zone";
/** Its predecessor, deprecated since Kubernetes 1.17: nodes may no longer carry it. */
const OLD_ZONE_LABEL = "failure-domain.beta.kubernetes.io/zone";

/** How the nodes of one class pick their ENIConfig. */
type Pick = { readonly byZone: true; readonly how: string } | { readonly name: string; readonly how: string } | { readonly unknown: string };

export default definePolicy({
  meta: {
    id: "custom-networking-eniconfigs",
    severity: "error",
    title: "With VPC CNI custom networking, the EC2 nodes of every zone find an ENIConfig whose subnet is in their zone",
    rationale:
      "Under custom networking a node's pods get addresses only on ENIs made from the ENIConfig its name points to; an ENIConfig that is missing, or whose subnet lies in another zone (an ENI attaches only to an instance of its own zone), leaves the pods of those nodes without addresses.",
    messages: {
      "other-zone":
        "the nodes of {{nodes}} in {{zone}} use the ENIConfig {{eniConfig}} of {{manifest}} ({{how}}), and its subnet {{subnet}} is in {{subnetZone}}: an ENI attaches only to an instance in its own zone, so the VPC CNI gives their pods no addresses",
      missing:
        "the nodes of {{nodes}} in {{zone}} look for the ENIConfig named {{name}} ({{how}}), and none of that name is applied to the cluster in this plan{{hint}}: unless one is made elsewhere, the VPC CNI finds none and their pods get no addresses",
      undecided: "cannot tell whether the nodes of {{nodes}}{{where}} find an ENIConfig in their zone: {{reason}}",
    },
    fixes: {
      "other-zone": "give each ENIConfig a subnet in the zone of the nodes that use it",
      missing: "apply an ENIConfig of that name with a subnet in the zone",
    },
  },
  check({ topology, world }) {
    const results: PolicyResult[] = [];
    for (const cluster of topology.clusters) {
      const setup = cluster.customNetworking;
      if (!setup) continue;
      for (const node of cluster.nodes.filter(runsVpcCni)) results.push(...judgeNodes(topology, world, setup, node));
    }
    return results;
  },
});

function judgeNodes(topology: Topology, world: World, setup: CustomNetworking, node: EniClass): PolicyResult[] {
  const undecided = (reason: string, where = "", key = node.id): PolicyResult => ({
    address: node.address,
    status: "unknown",
    messageId: "undecided",
    key,
    related: [setup.address],
    data: { nodes: node.address, where, reason },
  });
  // Subnets given by id, made elsewhere and not read (as the CDKTF constructs take them), have no
  // zone in the plan at all: such nodes are not judged, as the doc page says, rather than carry an
  // unknown that no plan of theirs can resolve.
  const members = node.subnets.members ?? [];
  if (members.length === 0 && givenByIdOnly(world, node)) return [];
  const results: PolicyResult[] = [];
  const sets = nodeSetsOf(world, setup, node);
  for (const set of sets) if ("unknown" in set.pick) results.push(undecided(set.pick.unknown, "", set.key));
  if (sets.every((set) => "unknown" in set.pick)) return results;
  const { zones, unknown } = zonesOf(world, members);
  // With some subnet not known, the zones found are where its nodes may run, not where they do.
  if (node.subnets.unknown) unknown.push(node.subnets.unknown);
  if (unknown.length > 0) results.push(undecided(`the zones of its subnets are not all known: ${unknown.join("; ")}`, "", `${node.id}@?`));
  for (const { pick, key: setKey, zones: allowed, related } of sets) {
    if ("unknown" in pick) continue;
    const uncertain = node.subnets.unknown ?? allowed.unknown;
    for (const zone of [...zones].sort()) {
      if (allowed.allows && !allowed.allows(zone)) continue;
      const name = "byZone" in pick ? zone : pick.name;
      const key = `${setKey}@${zone}`;
      const named = setup.eniConfigs.filter((config) => config.name === name);
      if (named.length === 0) {
        results.push({
          address: node.address,
          status: "unknown",
          messageId: "missing",
          key,
          related: [setup.address, ...related],
          data: { nodes: node.address, zone, name, how: pick.how, hint: hintFor(setup, name, "byZone" in pick ? new Set() : zones) },
        });
      } else if (named.length > 1) {
        results.push(undecided(`${named.length} ENIConfigs are named ${name} (${named.map((c) => c.address).join(", ")}), and the one applied last wins`, ` in ${zone}`, key));
      } else {
        const verdict = judgeEniConfig(topology, world, node, zone, named[0], pick.how, key);
        results.push(verdict.status === "fail" && uncertain ? { ...verdict, status: "unknown", messageId: "undecided", data: { nodes: node.address, where: ` in ${zone}`, reason: `if its nodes run there: ${failureClause(verdict)}` } } : verdict);
      }
    }
  }
  return results;
}

/** A failing verdict's facts as one clause, for the unknown it becomes when its zone is not certain. */
function failureClause(verdict: PolicyResult): string {
  const data = verdict.data as Record<string, string>;
  return `they use the ENIConfig ${data.eniConfig} of ${data.manifest}, and its subnet ${data.subnet} is in ${data.subnetZone}`;
}

/** The verdict on the ENIConfig the nodes of one zone pick: its subnet must be in that zone. */
function judgeEniConfig(topology: Topology, world: World, node: EniClass, zone: string, config: KubernetesObject, how: string, key: string): PolicyResult {
  const common = { address: config.address, key, related: [node.address] };
  const unknown = (reason: string): PolicyResult => ({ ...common, status: "unknown", messageId: "undecided", data: { nodes: node.address, where: ` in ${zone}`, reason } });
  const value = valueAt(config.body, ["spec", "subnet"]);
  if (value === undefined || value === null) return unknown(`the ENIConfig ${config.name} (${config.address}) names no subnet`);
  const { subnets, problems } = topology.subnets.designate(value);
  if (problems.length > 0 || subnets.length !== 1) return unknown(`the subnet of the ENIConfig ${config.name} (${config.address}) is not known: ${problems.join("; ") || "it names several"}`);
  const subnet = subnets[0];
  const subnetZone = world.read(subnet, ["availability_zone"]);
  if (typeof subnetZone !== "string") return unknown(`the zone of ${subnet.address}, the subnet of the ENIConfig ${config.name}, is decided at apply time`);
  const data = { nodes: node.address, zone, eniConfig: config.name ?? "", manifest: config.address, how, subnet: subnet.address, subnetZone };
  return subnetZone === zone ? { ...common, status: "pass", data } : { ...common, status: "fail", messageId: "other-zone", related: [node.address, subnet.address], data };
}

/**
 * The nodes of a class that pick their ENIConfig one way: all of a node group's or ASG's, or those
 * of one NodePool of a Karpenter NodeClass (the NodePools that find it by zone together).
 */
interface NodeSet {
  readonly pick: Pick;
  readonly key: string;
  /** The zones of the class's subnets its nodes may run in (a NodePool's zone requirement). */
  readonly zones: PoolZones;
  readonly related: readonly string[];
}

/** A label's value, with who sets it when that is not the source's `setter` (user data). */
type SourcedLabel = PoolLabel | { readonly value: string; readonly setter?: string };

/** Where a class's nodes get their labels: `label` reads one, `setter` names who sets them. */
interface LabelSource {
  readonly setter: string;
  label(key: string): SourcedLabel;
}

function nodeSetsOf(world: World, setup: CustomNetworking, node: EniClass): NodeSet[] {
  return node.kind === "karpenter" ? nodePoolSets(setup, node) : [groupNodeSet(world, setup, node)];
}

/** A node group's or ASG's nodes: labelled by its `labels` (managed) or its launch templates' user data. */
function groupNodeSet(world: World, setup: CustomNetworking, node: EniClass): NodeSet {
  const labels = node.kind === "managed" ? world.read(world.get(node.address)!, ["labels"]) : undefined;
  const userData = userDataOf(world, node.launchTemplates, node.launchTemplateVersions);
  const label = (key: string): SourcedLabel => {
    if (isUnknown(labels)) return { unknown: `the labels of ${node.address} are decided at apply time (${labels.describe()})` };
    const value = isObject(labels) ? labels[key] : undefined;
    if (isUnknown(value)) return { unknown: `its label ${key} is decided at apply time (${value.describe()})` };
    if (typeof value === "string") return { value };
    const fromData = userData.label(key);
    return "value" in fromData ? { value: fromData.value, setter: fromData.source } : fromData;
  };
  // A managed node group's nodes carry its labels; a self-managed one's only what user data gives.
  const withoutTemplate = world.get(node.address)?.type === "aws_instance" ? "it starts without a launch template, and its own user data is not read" : "its launch template is not known";
  const undecided = node.kind === "self-managed" ? (node.launchTemplates.length === 0 ? withoutTemplate : userData.undecided) : undefined;
  const otherwise = undecided === undefined ? "default" : (by: string) => `${by}, which ${node.address} does not set where the plan shows it (${undecided}, and may)`;
  return { pick: pickOf(setup, { setter: node.address, label }, otherwise), key: node.id, zones: {}, related: [] };
}

/** A Karpenter NodeClass's nodes: those of each NodePool, labelled and kept to zones by it. */
function nodePoolSets(setup: CustomNetworking, node: EniClass): NodeSet[] {
  const { pools, undecided } = node.nodePools ?? { pools: [], undecided: [] };
  const sets: NodeSet[] = [];
  if (pools.length === 0) {
    const none: LabelSource = { setter: "its NodePools", label: () => ({ none: true }) };
    const elsewhere = (by: string) => `${by}, which the NodePools that launch them set, and none of them is in this plan`;
    const pick = pickOf(setup, none, elsewhere);
    // With NodePools the plan does not place, the unknown below says it better.
    if (!("unknown" in pick) || undecided.length === 0) sets.push({ pick, key: node.id, zones: {}, related: [] });
  }
  const byZone: { pool: KubernetesObject; pick: Pick }[] = [];
  for (const pool of pools) {
    const pick = pickOf(setup, { setter: nodePoolName(pool), label: (key) => nodePoolLabel(pool, key) }, "default");
    if ("byZone" in pick) byZone.push({ pool, pick });
    else sets.push({ pick, key: `${node.id}/${pool.name ?? pool.address}`, zones: nodePoolZones(pool), related: [pool.address] });
  }
  if (byZone.length > 0) sets.push({ pick: byZone[0].pick, key: node.id, zones: anyOf(byZone.map((z) => nodePoolZones(z.pool))), related: byZone.map((z) => z.pool.address) });
  // A NodePool that may launch these nodes only matters when the name comes from a label it would set.
  if (undecided.length > 0 && (sets.length === 0 || sets.some((set) => !("byZone" in set.pick)))) {
    sets.push({ pick: { unknown: `${undecided.join(", ")} may launch its nodes too (the plan does not decide which NodeClass or cluster ${undecided.length > 1 ? "they use" : "it uses"}), and would label them` }, key: `${node.id}/?`, zones: {}, related: [] });
  }
  return sets;
}

/** The zones the nodes of several NodePools may run in: where any of them may. */
function anyOf(zones: readonly PoolZones[]): PoolZones {
  const unknown = zones.map((z) => z.unknown).filter(Boolean).join("; ");
  const limited = zones.every((z) => z.allows);
  return { ...(limited ? { allows: (zone: string) => zones.some((z) => z.allows!(zone)) } : {}), ...(unknown ? { unknown } : {}) };
}

/**
 * The name the nodes of one source look for, or how it follows from their zone. `otherwise` is
 * what holds when no label names it: `default`, or why the plan cannot say (given how they pick).
 */
function pickOf(setup: CustomNetworking, source: LabelSource, otherwise: "default" | ((by: string) => string)): Pick {
  const external = source.label(EXTERNAL_LABEL);
  if ("unknown" in external) return external;
  const setter = (found: SourcedLabel) => ("setter" in found && found.setter) || source.setter;
  if ("value" in external) return { name: external.value, how: `named by their label ${EXTERNAL_LABEL}, which ${setter(external)} sets` };
  const labelDef = setup.env.get(LABEL_DEF) || DEFAULT_LABEL;
  const set = `${LABEL_DEF}=${labelDef} on ${setup.address}`;
  if (labelDef === ZONE_LABEL) return { byZone: true, how: `named for their zone: ${set}` };
  if (labelDef === OLD_ZONE_LABEL) return { unknown: `${set} names the zone label deprecated since Kubernetes 1.17, which the plan cannot say its nodes still carry (${ZONE_LABEL} is the one they do)` };
  const value = source.label(labelDef);
  if ("unknown" in value) return value;
  if ("value" in value) return { name: value.value, how: `named by their label ${labelDef}, which ${setter(value)} sets` };
  const byLabel = labelDef === DEFAULT_LABEL ? `${LABEL_DEF} not set on ${setup.address}` : set;
  if (otherwise !== "default") return { unknown: otherwise(`its nodes pick their ENIConfig by the label ${labelDef} (${byLabel})`) };
  const why = labelDef === DEFAULT_LABEL ? `${LABEL_DEF} is not set on ${setup.address} and ${source.setter} does not set the label ${labelDef}` : `${source.setter} does not set the label ${labelDef} (${set})`;
  return { name: "default", how: `the name when no label or annotation gives one: ${why}; something may annotate or label the nodes at run time` };
}

/** Whether a node group's or ASG's subnets are all literal ids. */
function givenByIdOnly(world: World, node: EniClass): boolean {
  const instance = world.get(node.address)!;
  const attribute = node.kind === "managed" ? "subnet_ids" : instance.type === "aws_instance" ? "subnet_id" : node.kind === "self-managed" ? "vpc_zone_identifier" : undefined;
  const value = attribute && world.read(instance, [attribute]);
  const ids = typeof value === "string" ? [value] : value;
  return Array.isArray(ids) && ids.length > 0 && ids.every((id) => typeof id === "string");
}

/** The zones of a class's subnets, and what the plan leaves open about them. */
function zonesOf(world: World, subnets: readonly ResourceInstance[]): { zones: Set<string>; unknown: string[] } {
  const zones = new Set<string>();
  const unknown: string[] = [];
  for (const subnet of subnets) {
    const zone = world.read(subnet, ["availability_zone"]);
    if (typeof zone === "string") zones.add(zone);
    else unknown.push(`the zone of ${subnet.address} is decided at apply time`);
  }
  return { zones, unknown };
}

/** What else may explain a missing name: ENIConfigs named for `zones` that nodes look up by another name, or a manifest not yet known. */
function hintFor(setup: CustomNetworking, name: string, zones: ReadonlySet<string>): string {
  const zoneNamed = setup.eniConfigs.map((c) => c.name).filter((n): n is string => n !== undefined && zones.has(n) && n !== name);
  const hints: string[] = [];
  if (zoneNamed.length > 0) hints.push(`; the ENIConfigs here are named for zones (${[...new Set(zoneNamed)].sort().join(", ")}), which nodes pick with ${LABEL_DEF}=${ZONE_LABEL}`);
  if (setup.undecided) hints.push("; a manifest of this cluster decided at apply time may be it");
  return hints.join("");
}
