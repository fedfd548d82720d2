/**
 * With VPC CNI custom networking, each EC2 node finds its ENIConfig by name, at run time, and the
 * VPC CNI makes its pods' ENIs in that ENIConfig's subnet. Which name a node looks for (the VPC
 * CNI's pkg/eniconfig): its label `vpc.amazonaws.com/externalEniConfig`, else its annotation
 * `ENI_CONFIG_ANNOTATION_DEF`, else its label `ENI_CONFIG_LABEL_DEF` (both default to
 * `k8s.amazonaws.com/eniConfig`), else `default`. Sources and inferences: docs/policies/custom-networking-eniconfigs.md.
 */
import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { runsVpcCni, type CustomNetworking, type EniClass } from "../checker/eks/eni-class";
import type { KubernetesObject } from "../checker/eks/manifests";
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
  const pick = pickOf(world, setup, node);
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
  if ("unknown" in pick) return [undecided(pick.unknown)];
  const { zones, unknown } = zonesOf(world, members);
  // With some subnet not known, the zones found are where its nodes may run, not where they do.
  const uncertain = node.subnets.unknown;
  const results: PolicyResult[] = [];
  if (uncertain) unknown.push(uncertain);
  if (unknown.length > 0) results.push(undecided(`the zones of its subnets are not all known: ${unknown.join("; ")}`, "", `${node.id}@?`));
  for (const zone of [...zones].sort()) {
    const name = "byZone" in pick ? zone : pick.name;
    const key = `${node.id}@${zone}`;
    const named = setup.eniConfigs.filter((config) => config.name === name);
    if (named.length === 0) {
      results.push({
        address: node.address,
        status: "unknown",
        messageId: "missing",
        key,
        related: [setup.address],
        data: { nodes: node.address, zone, name, how: pick.how, hint: hintFor(setup, name, "byZone" in pick ? new Set() : zones) },
      });
    } else if (named.length > 1) {
      results.push(undecided(`${named.length} ENIConfigs are named ${name} (${named.map((c) => c.address).join(", ")}), and the one applied last wins`, ` in ${zone}`, key));
    } else {
      const verdict = judgeEniConfig(topology, world, node, zone, named[0], pick.how, key);
      results.push(verdict.status === "fail" && uncertain ? { ...verdict, status: "unknown", messageId: "undecided", data: { nodes: node.address, where: ` in ${zone}`, reason: `if its nodes run there: ${failureClause(verdict)}` } } : verdict);
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

/** The name the nodes of a class look for, or how it follows from their zone. */
function pickOf(world: World, setup: CustomNetworking, node: EniClass): Pick {
  const labels = node.kind === "managed" ? world.read(world.get(node.address)!, ["labels"]) : undefined;
  if (isUnknown(labels)) return { unknown: `the labels of ${node.address} are decided at apply time (${labels.describe()})` };
  const label = (key: string) => (isObject(labels) ? labels[key] : undefined);
  const external = label(EXTERNAL_LABEL);
  if (typeof external === "string") return { name: external, how: `named by their label ${EXTERNAL_LABEL}, which ${node.address} sets` };
  const labelDef = setup.env.get(LABEL_DEF) || DEFAULT_LABEL;
  const set = `${LABEL_DEF}=${labelDef} on ${setup.address}`;
  if (labelDef === ZONE_LABEL) return { byZone: true, how: `named for their zone: ${set}` };
  if (labelDef === OLD_ZONE_LABEL) return { unknown: `${set} names the zone label deprecated since Kubernetes 1.17, which the plan cannot say its nodes still carry (${ZONE_LABEL} is the one they do)` };
  const value = label(labelDef);
  if (typeof value === "string") return { name: value, how: `named by their label ${labelDef}, which ${node.address} sets` };
  if (isUnknown(value)) return { unknown: `its label ${labelDef} is decided at apply time (${value.describe()})` };
  if (node.kind !== "managed") return { unknown: `its nodes pick their ENIConfig by the label ${labelDef} (${labelDef === DEFAULT_LABEL ? `${LABEL_DEF} not set on ${setup.address}` : set}), which ${node.address} does not set where the plan shows it (user data or a NodePool may)` };
  const why = labelDef === DEFAULT_LABEL ? `${LABEL_DEF} is not set on ${setup.address} and ${node.address} does not set the label ${labelDef}` : `${node.address} does not set the label ${labelDef} (${set})`;
  return { name: "default", how: `the name when no label or annotation gives one: ${why}; something may annotate or label the nodes at run time` };
}

/** Whether a node group's or ASG's subnets are all literal ids. */
function givenByIdOnly(world: World, node: EniClass): boolean {
  const attribute = node.kind === "managed" ? "subnet_ids" : node.kind === "self-managed" ? "vpc_zone_identifier" : undefined;
  const ids = attribute && world.read(world.get(node.address)!, [attribute]);
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
