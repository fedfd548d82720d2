/**
 * The topology as a picture needs it: per cluster, the control plane and the node classes with
 * the SGs on their ENIs, and the required flows between them (nodes → API server TCP 443,
 * API server → kubelet TCP 10250, DNS TCP/UDP 53 to every CoreDNS host) with their verdicts.
 * Plain data, computed from the model the policies read; the diagram formatters only draw it.
 */
import { apiPathOf } from "../eks/api-endpoint";
import type { FlowResult, SideResult, Verdict } from "../eks/reachability";
import { apiServerFlow, coreDnsHosts, dnsFlows, kubeletFlow } from "../eks/required-flows";
import type { SecurityGroupKind, SgKey } from "../eks/security-groups";
import { podNetworksOf, podsUseNodeSgs } from "../eks/eni-class";
import { topologyOf, type EniClass, type Topology } from "../eks/topology";
import type { ResourceGraph } from "../model/resource-graph";
import { printableDeep } from "../printable";

export type { Verdict } from "../eks/reachability";

export type NodeClassKind = "managed" | "self-managed" | "fargate" | "karpenter" | "auto-mode" | "hybrid" | "pod" | "pod-network";
export type FlowKind = "api" | "kubelet" | "dns";

export interface SgView {
  readonly key: SgKey;
  /** Short name for a picture: the resource address, `cluster SG`, or the id of an SG made elsewhere. */
  readonly label: string;
  readonly kind: SecurityGroupKind;
}

export interface EniClassView {
  /** The topology's id, e.g. `managed(aws_eks_node_group.apps)`. */
  readonly id: string;
  readonly kind: "control-plane" | NodeClassKind;
  readonly address: string;
  readonly sgs: readonly SgView[];
  /** What the plan leaves open about the SG set (then `sgs` may be incomplete). */
  readonly sgsUnknown?: string;
  /** True when a launch template chose the SGs (so the cluster SG is not added by EKS). */
  readonly sgsFromLaunchTemplate: boolean;
  readonly launchTemplates: readonly string[];
  readonly hostsCoreDns: boolean;
  /** Auto Mode nodes answer DNS themselves. */
  readonly resolvesDnsLocally?: boolean;
  /** For hybrid nodes: where they are (their remote CIDRs). */
  readonly outsideVpc?: string;
  /** Its pods have ENIs of their own (a `pod-network` class), not its SGs. */
  readonly podsElsewhere?: boolean;
}

/** The API server's public endpoint, drawn when nodes reach the API through it (private access off). */
export interface PublicEndpointView {
  readonly id: string;
  readonly address: string;
  readonly openToAll: boolean;
  /** `public_access_cidrs` when restricted. */
  readonly cidrs: readonly string[];
}

export interface FlowView {
  readonly kind: FlowKind;
  /** Ids of an `EniClassView` or of the `PublicEndpointView`. */
  readonly from: string;
  readonly to: string;
  /** e.g. `TCP 443`, `TCP+UDP 53`. */
  readonly ports: string;
  readonly verdict: Verdict;
  /** Why a flow is denied or unknown: the missing side, or what the plan leaves open. */
  readonly reasons: readonly string[];
}

export interface ClusterView {
  readonly address: string;
  readonly name?: string;
  readonly clusterSg: SgKey;
  /** How nodes reach the API: inside the VPC, through the public endpoint, or not decided by the plan. */
  readonly apiPath: "private" | "public" | "unknown";
  readonly controlPlane: EniClassView;
  /** Node classes, then the pod classes of SecurityGroupPolicies. */
  readonly nodes: readonly EniClassView[];
  readonly publicEndpoint?: PublicEndpointView;
  readonly flows: readonly FlowView[];
}

export interface TopologyView {
  /** The input, as the report names it. */
  readonly input: string;
  readonly stack?: string;
  readonly clusters: readonly ClusterView[];
  /** Node groups, ASGs and Fargate profiles whose cluster is not in the plan, with why. */
  readonly orphans: readonly { readonly address: string; readonly reason: string }[];
  /** Nodes a cluster gets from outside the plan (NodeClasses, node access entries, aws-auth): what shows them, and why they are not drawn. */
  readonly nodesElsewhere?: readonly { readonly address: string; readonly cluster: string; readonly reason: string }[];
}

function sgView(topology: Topology, key: SgKey): SgView {
  const sg = topology.sgs.get(key);
  const kind = sg?.kind ?? "external";
  const label =
    kind === "cluster" ? "cluster SG" : kind === "remote-access" ? "remote-access SG (made by EKS)" : kind === "external" ? `${key} (not in this plan)` : (sg?.address ?? key);
  return { key, label, kind };
}

function classView(topology: Topology, cls: EniClass): EniClassView {
  return {
    id: cls.id,
    kind: cls.kind as EniClassView["kind"],
    address: cls.address,
    sgs: cls.sgs.members.map((key) => sgView(topology, key)),
    ...(cls.sgs.unknown ? { sgsUnknown: cls.sgs.unknown } : {}),
    sgsFromLaunchTemplate: cls.sgsFromLaunchTemplate,
    launchTemplates: [...cls.launchTemplates],
    hostsCoreDns: cls.hostsCoreDns,
    ...(cls.resolvesDnsLocally ? { resolvesDnsLocally: true } : {}),
    ...(cls.outsideVpc ? { outsideVpc: cls.outsideVpc } : {}),
    ...(!podsUseNodeSgs(cls) ? { podsElsewhere: true } : {}),
  };
}

function sideReasons(name: string, side: SideResult): string[] {
  return side.verdict === "allowed" ? [] : side.reasons.map((reason) => `${name} ${side.verdict === "denied" ? "missing" : "unknown"}: ${reason}`);
}

function reasonsOf(result: FlowResult): string[] {
  return result.verdict === "allowed" ? [] : [...sideReasons("egress", result.egress), ...sideReasons("ingress", result.ingress)];
}

function flowView(kind: FlowKind, result: FlowResult, from: string, to: string): FlowView {
  return { kind, from, to, ports: `${result.protocol.toUpperCase()} ${result.ports.from}`, verdict: result.verdict, reasons: reasonsOf(result) };
}

/** UDP and TCP 53 as one arrow when they agree, as two when they do not. */
function dnsViews(results: readonly FlowResult[], from: string, to: string): FlowView[] {
  const views = results.map((r) => flowView("dns", r, from, to));
  if (views.every((v) => v.verdict === views[0].verdict)) {
    const protocols = results.map((r) => r.protocol.toUpperCase()).sort().join("+");
    return [{ ...views[0], ports: `${protocols} 53`, reasons: [...new Set(views.flatMap((v) => v.reasons))] }];
  }
  return views;
}

function clusterView(topology: Topology, cluster: Topology["clusters"][number]): ClusterView {
  const path = apiPathOf(topology, cluster);
  const controlPlane = classView(topology, cluster.controlPlane);
  const publicEndpoint: PublicEndpointView | undefined =
    path.kind === "public" ? { id: `public-endpoint(${cluster.address})`, address: cluster.address, openToAll: path.openToAll, cidrs: [...path.cidrs] } : undefined;
  const flows: FlowView[] = [];
  // Pods on ENIs of their own call the API too; the kubelet is on the nodes.
  for (const node of [...cluster.nodes, ...podNetworksOf(cluster)]) {
    const api = apiServerFlow(topology, node);
    if ("unknown" in api) flows.push({ kind: "api", from: node.id, to: controlPlane.id, ports: "TCP 443", verdict: "unknown", reasons: [api.unknown] });
    else flows.push(flowView("api", api, node.id, api.to.kind === "public-endpoint" && publicEndpoint ? publicEndpoint.id : controlPlane.id));
    if (node.kind !== "pod-network") flows.push(flowView("kubelet", kubeletFlow(topology, node), controlPlane.id, node.id));
  }
  for (const node of [...cluster.nodes, ...cluster.pods]) {
    if (node.resolvesDnsLocally || !podsUseNodeSgs(node)) continue;
    for (const host of coreDnsHosts(node)) flows.push(...dnsViews(dnsFlows(topology, node, host), node.id, host.id));
  }
  return {
    address: cluster.address,
    ...(cluster.name ? { name: cluster.name } : {}),
    clusterSg: cluster.clusterSg,
    apiPath: path.kind,
    controlPlane,
    nodes: [...cluster.nodes, ...cluster.pods].map((node) => classView(topology, node)),
    ...(publicEndpoint ? { publicEndpoint } : {}),
    flows,
  };
}

/**
 * The topology after the plan of one input, or of several joined into one world (where each
 * address starts with the label of the input it comes from, e.g. `nodes::aws_eks_node_group.x`).
 */
export function topologyView(graph: ResourceGraph): TopologyView {
  const topology = topologyOf(graph, "after");
  const [only, ...more] = graph.inputs;
  // Titles, labels and reasons can hold names and ids; sensitive ones are never drawn.
  return printableDeep(graph.redact({
    input: graph.inputs.map((i) => (i.context ? `${i.path} (context)` : i.path)).join(", "),
    ...(only?.stack && more.length === 0 ? { stack: only.stack } : {}),
    clusters: topology.clusters.map((cluster) => clusterView(topology, cluster)),
    orphans: topology.orphans.map((o) => ({ ...o })),
    nodesElsewhere: topology.capacityElsewhere.map((c) => ({ address: c.address, cluster: c.cluster.address, reason: c.reason })),
  }));
}

export function topologyViews(graphs: readonly ResourceGraph[]): TopologyView[] {
  return graphs.map(topologyView);
}

const KIND_NAMES: Record<EniClassView["kind"], string> = {
  "control-plane": "control plane",
  managed: "managed node group",
  "self-managed": "self-managed nodes (ASG)",
  fargate: "Fargate profile",
  karpenter: "Karpenter EC2NodeClass",
  "auto-mode": "EKS Auto Mode nodes",
  hybrid: "hybrid nodes (on premises)",
  pod: "pods with a SecurityGroupPolicy",
  "pod-network": "pods on their own ENIs",
};

/** What a person calls the class: `managed node group`, `Fargate profile`, ... */
export function kindName(kind: EniClassView["kind"]): string {
  return KIND_NAMES[kind];
}

/** The lines that say which SGs sit on a class's ENIs, for a diagram box. */
export function sgLines(cls: EniClassView): string[] {
  const lines = cls.sgs.map((sg) => sg.label);
  if (cls.sgsUnknown) lines.push(cls.sgs.length > 0 ? "+ SGs decided at apply time" : "SGs decided at apply time");
  else if (lines.length === 0) lines.push("no SG");
  return lines;
}

/** Facts about a class worth a line in its box: a Fargate profile that selects CoreDNS's pods, local DNS, remote CIDRs. */
export function classNotes(cls: EniClassView): string[] {
  const notes: string[] = [];
  if (cls.kind === "fargate" && cls.hostsCoreDns) notes.push("runs CoreDNS (selects kube-system)");
  if (cls.resolvesDnsLocally) notes.push("resolves DNS on the node");
  if (cls.outsideVpc) notes.push(cls.outsideVpc);
  if (cls.podsElsewhere) notes.push("its pods are on their own ENIs");
  return notes;
}

/** The cluster as a title: its name when the plan knows it, and its address. */
export function clusterTitle(cluster: ClusterView): string {
  return cluster.name ? `EKS cluster ${cluster.name} (${cluster.address})` : `EKS cluster ${cluster.address}`;
}

/**
 * The notes a cluster's picture carries about nodes it does not draw: those launched from
 * outside the plan (each sign, by what shows it), or that the plan has no node class.
 */
export function nodeNotes(view: TopologyView, cluster: ClusterView): string[] {
  const elsewhere = (view.nodesElsewhere ?? []).filter((e) => e.cluster === cluster.address);
  if (elsewhere.length > 0) return elsewhere.map((e) => `? nodes defined outside this plan, not judged (${e.address})`);
  return cluster.nodes.length === 0 ? ["no node class in this plan (node group, ASG, Fargate profile, NodeClass, Auto Mode or hybrid nodes)"] : [];
}

export function endpointLines(endpoint: PublicEndpointView): string[] {
  return ["public API endpoint", endpoint.openToAll ? "open to 0.0.0.0/0" : `public_access_cidrs: ${endpoint.cidrs.join(", ")}`];
}

export const VERDICT_MARKS: Record<Verdict, string> = { allowed: "✓", denied: "✗", unknown: "?" };
