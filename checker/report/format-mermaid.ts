/**
 * The topology as a Mermaid flowchart: one box per ENI class listing the SGs on it, and arrows for
 * the required flows — solid green ✓ allowed, red dashed ✗ denied, grey dotted ? unknown — so that
 * the picture says which SG sits where and which flow fails, in colour and without it.
 *
 * Every label is quoted and its text escaped with Mermaid's entity codes (`#34;`, `#35;`, ...):
 * addresses hold `[`, `"`, `.` and for_each keys may hold anything.
 */
import {
  classNotes,
  clusterTitle,
  endpointLines,
  kindName,
  nodeNotes,
  sgLines,
  VERDICT_MARKS,
  type ClusterView,
  type EniClassView,
  type FlowView,
  type TopologyView,
  type Verdict,
} from "./topology-view";
import { addToList } from "../model/add-to-list";

/** Characters that would end a quoted label or start markup, as Mermaid entity codes (decimal). */
const ENTITIES: Record<string, string> = { "#": "#35;", '"': "#34;", "&": "#38;", "<": "#60;", ">": "#62;", "|": "#124;", "`": "#96;", "\\": "#92;", "%": "#37;", "{": "#123;", "}": "#125;" };

/** Text for inside a quoted Mermaid label; newlines become line breaks. */
export function mermaidText(text: string): string {
  return text
    .replace(/[#"&<>|`\\%{}]/g, (c) => ENTITIES[c])
    .replace(/\r\n|\r|\n/g, "<br/>");
}

/** A bullet and a no-break space, so that Mermaid does not wrap the bullet away from the SG's name. */
export const SG_BULLET = "▸\u00a0";

const LINK_STYLES: Record<Verdict, string> = {
  allowed: "stroke:#1a7f37,stroke-width:2px,color:#1a7f37",
  denied: "stroke:#cf222e,stroke-width:2.5px,stroke-dasharray:8 5,color:#cf222e",
  unknown: "stroke:#6e7781,stroke-width:1.5px,stroke-dasharray:2 4,color:#57606a",
};

const ARROWS: Record<Verdict, string> = { allowed: "-->", denied: "-.->", unknown: "-.->" };

const CLASS_DEFS = [
  "classDef controlPlane fill:#ddf4ff,stroke:#0969da,color:#0a3069",
  "classDef nodes fill:#ffffff,stroke:#57606a,color:#24292f",
  "classDef fargate fill:#fbefff,stroke:#8250df,color:#3e1f79",
  "classDef endpoint fill:#fff8c5,stroke:#9a6700,color:#4d2d00",
  "classDef noSg fill:#ffebe9,stroke:#cf222e,color:#82071e",
  "classDef note fill:#f6f8fa,stroke:#d0d7de,color:#57606a",
];

export const FLOW_NAMES: Record<FlowView["kind"], string> = { api: "API", kubelet: "kubelet", dns: "DNS" };

function boxLabel(cls: EniClassView): string {
  return [`<b>${mermaidText(kindName(cls.kind))}</b>`, mermaidText(cls.address), ...classNotes(cls).map((n) => `<i>${mermaidText(n)}</i>`), "<i>security groups:</i>", ...sgLines(cls).map((l) => `${SG_BULLET}${mermaidText(l)}`)].join("<br/>");
}

function boxClass(cls: EniClassView): string {
  if (cls.sgs.length === 0 && !cls.sgsUnknown && !cls.outsideVpc) return "noSg";
  return cls.kind === "control-plane" ? "controlPlane" : cls.kind === "fargate" ? "fargate" : "nodes";
}

interface Drawing {
  lines: string[];
  links: Verdict[];
}

function drawCluster(drawing: Drawing, view: TopologyView, cluster: ClusterView, prefix: string): void {
  const ids = new Map<string, string>();
  const { lines } = drawing;
  lines.push(`  subgraph ${prefix}["${mermaidText(clusterTitle(cluster))}"]`);
  lines.push("    direction LR");
  const box = (cls: EniClassView, id: string, open: string, close: string) => {
    ids.set(cls.id, id);
    lines.push(`    ${id}${open}"${boxLabel(cls)}"${close}:::${boxClass(cls)}`);
  };
  box(cluster.controlPlane, `${prefix}cp`, "[", "]");
  cluster.nodes.forEach((node, i) => box(node, `${prefix}n${i}`, node.kind === "fargate" ? "(" : "[", node.kind === "fargate" ? ")" : "]"));
  if (cluster.publicEndpoint) {
    const id = `${prefix}ep`;
    ids.set(cluster.publicEndpoint.id, id);
    lines.push(`    ${id}{{"${endpointLines(cluster.publicEndpoint).map(mermaidText).join("<br/>")}"}}:::endpoint`);
  }
  nodeNotes(view, cluster).forEach((note, i) => lines.push(`    ${prefix}none${i}["${mermaidText(note)}"]:::note`));
  const { arrows, dnsNote } = clusterArrows(cluster);
  if (dnsNote) lines.push(`    ${prefix}dns["${mermaidText(dnsNote)}"]:::note`);
  lines.push("  end");
  for (const arrow of arrows) {
    const from = ids.get(arrow.from);
    const to = ids.get(arrow.to);
    if (!from || !to) continue;
    lines.push(`  ${from} ${arrow.both ? "<" : ""}${ARROWS[arrow.verdict]}|"${mermaidText(arrow.label)}"| ${to}`);
    drawing.links.push(arrow.verdict);
  }
}

/**
 * What a cluster's picture draws: every API and kubelet flow, and the DNS flows that are not
 * allowed. Allowed DNS flows (one per node class and CoreDNS host, so n² of them) would bury the
 * picture in green; a note says they are allowed, and the flow table lists each.
 */
export function clusterArrows(cluster: ClusterView): { readonly arrows: Arrow[]; readonly dnsNote?: string } {
  const dns = cluster.flows.filter((f) => f.kind === "dns");
  const notAllowed = dns.filter((f) => f.verdict !== "allowed");
  // Blocked DNS between many classes is n² arrows: past a picture's worth, a note counts them.
  const drawDns = notAllowed.length <= MAX_DNS_ARROWS;
  const drawn = cluster.flows.filter((f) => f.kind !== "dns" || (drawDns && f.verdict !== "allowed"));
  let dnsNote: string | undefined;
  const podsUndrawn = cluster.nodes.some((n) => n.podsElsewhere) && !cluster.nodes.some((n) => n.kind === "pod-network");
  if (podsUndrawn && dns.length === 0) dnsNote = "? the pods' own ENIs are set by manifests decided at apply time: DNS not judged";
  else if (cluster.nodes.length > 0 && dns.length === 0) dnsNote = "no node class here can run CoreDNS: no DNS flow to check";
  else if (!drawDns) dnsNote = `✗ DNS TCP+UDP 53 is denied or unknown on ${notAllowed.length} of ${dns.length} flows between node classes and CoreDNS hosts: too many to draw, the flow table lists them`;
  else if (dns.length > 0 && dns.every((f) => f.verdict === "allowed")) dnsNote = "✓ DNS TCP+UDP 53 to every CoreDNS host: allowed";
  else if (dns.some((f) => f.verdict === "allowed")) dnsNote = "✓ every other DNS flow (TCP/UDP 53): allowed";
  return { arrows: arrowsOf(drawn), ...(dnsNote ? { dnsNote } : {}) };
}

/** DNS arrows a cluster's picture draws at most. */
const MAX_DNS_ARROWS = 40;

export interface Arrow {
  readonly from: string;
  readonly to: string;
  readonly verdict: Verdict;
  /** Flows both ways between the same two boxes, with one verdict: one arrow with two heads. */
  readonly both: boolean;
  /** `✓ API TCP 443`, or for two flows `✓ API TCP 443 · kubelet TCP 10250`. */
  readonly label: string;
  readonly flows: readonly FlowView[];
}

const flowText = (flow: FlowView) => `${FLOW_NAMES[flow.kind]} ${flow.ports}`;

/**
 * The arrows to draw. Two flows between the same boxes in opposite directions with one verdict
 * become one two-headed arrow — nodes → API 443 with API → kubelet 10250, DNS both ways — which
 * halves the arrows of a cluster with several node classes and keeps their labels apart.
 */
export function arrowsOf(flows: readonly FlowView[]): Arrow[] {
  const arrows: Arrow[] = [];
  const merged = new Set<FlowView>();
  // Flows by their ends and verdict, so that finding the way back is not a scan of every flow.
  const byEnds = new Map<string, FlowView[]>();
  const ends = (from: string, to: string, verdict: Verdict) => `${from}\u0000${to}\u0000${verdict}`;
  for (const flow of flows) {
    const key = ends(flow.from, flow.to, flow.verdict);
    addToList(byEnds, key, flow);
  }
  for (const flow of flows) {
    if (merged.has(flow)) continue;
    merged.add(flow);
    const back = flow.from !== flow.to ? byEnds.get(ends(flow.to, flow.from, flow.verdict))?.find((o) => !merged.has(o)) : undefined;
    if (back) merged.add(back);
    const texts = [...new Set([flow, ...(back ? [back] : [])].map(flowText))];
    arrows.push({ from: flow.from, to: flow.to, verdict: flow.verdict, both: back !== undefined, label: `${VERDICT_MARKS[flow.verdict]} ${texts.join(" · ")}`, flows: back ? [flow, back] : [flow] });
  }
  return arrows;
}

/** The `linkStyle` lines: one per verdict, listing the arrows that have it. */
function linkStyles(links: readonly Verdict[]): string[] {
  return (["allowed", "denied", "unknown"] as const)
    .map((verdict) => {
      const indexes = links.flatMap((v, i) => (v === verdict ? [i] : []));
      return indexes.length > 0 ? `  linkStyle ${indexes.join(",")} ${LINK_STYLES[verdict]}` : undefined;
    })
    .filter((line): line is string => line !== undefined);
}

export interface MermaidOptions {
  /** Only this cluster (by address) of each view. */
  readonly cluster?: string;
  /** A box that explains the arrows (on by default; the Markdown report says it in text instead). */
  readonly legend?: boolean;
}

/** What the arrows mean, a line each. */
export const LEGEND_LINES: readonly string[] = [
  "✓ solid green: allowed",
  "✗ red dashed: denied",
  "? grey dotted: unknown (the plan does not say)",
  "DNS arrows point at the node classes that can run CoreDNS",
];

/**
 * One Mermaid flowchart for the given inputs: a subgraph per cluster. With no cluster, a single
 * box says so, so the output always renders.
 */
export function formatMermaid(views: readonly TopologyView[], options: MermaidOptions = {}): string {
  const drawing: Drawing = { lines: ["flowchart LR"], links: [] };
  views.forEach((view, v) => {
    view.clusters
      .filter((cluster) => options.cluster === undefined || cluster.address === options.cluster)
      .forEach((cluster, c) => drawCluster(drawing, view, cluster, `v${v}c${c}`));
  });
  if (drawing.lines.length === 1) {
    const where = views.map((v) => v.input).join(", ");
    drawing.lines.push(`  empty["${mermaidText(`no EKS cluster in ${where || "the input"}`)}"]:::note`);
  }
  if (options.legend !== false && drawing.links.length > 0) drawing.lines.push(`  legend["${LEGEND_LINES.map(mermaidText).join("<br/>")}"]:::note`);
  drawing.lines.push(...linkStyles(drawing.links));
  drawing.lines.push(...CLASS_DEFS.map((d) => `  ${d}`));
  return `${drawing.lines.join("\n")}\n`;
}
