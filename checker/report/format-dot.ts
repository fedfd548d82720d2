/**
 * The topology as Graphviz DOT, the same picture as the Mermaid one: a box per cluster holding a
 * box per ENI class with its SGs, and the required flows as arrows — solid green ✓ allowed, red
 * dashed ✗ denied, grey dotted ? unknown. Render with `dot -Tsvg`.
 */
import { clusterArrows, LEGEND_LINES, SG_BULLET } from "./format-mermaid";
import { classNotes, clusterTitle, endpointLines, kindName, nodeNotes, sgLines, type ClusterView, type EniClassView, type TopologyView, type Verdict } from "./topology-view";

/**
 * A DOT quoted string. Inside quotes DOT itself only unescapes `\"`; label text then treats `\`
 * as the start of an escape (`\n`, `\l`, ...), so a literal backslash is written `\\`.
 */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, "\\n")}"`;
}

const EDGE_STYLES: Record<Verdict, string> = {
  allowed: 'color="#1a7f37", fontcolor="#1a7f37", style=solid, penwidth=2',
  denied: 'color="#cf222e", fontcolor="#cf222e", style=dashed, penwidth=2.5',
  unknown: 'color="#6e7781", fontcolor="#57606a", style=dotted, penwidth=1.5',
};

const BOX_STYLES: Record<string, string> = {
  controlPlane: 'fillcolor="#ddf4ff", color="#0969da"',
  nodes: 'fillcolor="#ffffff", color="#57606a"',
  fargate: 'fillcolor="#fbefff", color="#8250df"',
  noSg: 'fillcolor="#ffebe9", color="#cf222e"',
};

function boxStyle(cls: EniClassView): string {
  if (cls.sgs.length === 0 && !cls.sgsUnknown && !cls.outsideVpc) return BOX_STYLES.noSg;
  return BOX_STYLES[cls.kind === "control-plane" ? "controlPlane" : cls.kind === "fargate" ? "fargate" : "nodes"];
}

function drawCluster(lines: string[], view: TopologyView, cluster: ClusterView, prefix: string): void {
  const ids = new Map<string, string>();
  lines.push(`  subgraph ${dotString(`cluster_${prefix}`)} {`);
  lines.push(`    label=${dotString(clusterTitle(cluster))}; style="rounded,filled"; fillcolor="#fffbe6"; color="#d4a72c";`);
  const box = (cls: EniClassView, id: string) => {
    ids.set(cls.id, id);
    const label = [kindName(cls.kind), cls.address, ...classNotes(cls), "security groups:", ...sgLines(cls).map((l) => `${SG_BULLET}${l}`)].join("\n");
    lines.push(`    ${dotString(id)} [label=${dotString(label)}, ${boxStyle(cls)}${cls.kind === "fargate" ? ', shape=box, style="rounded,filled"' : ""}];`);
  };
  box(cluster.controlPlane, `${prefix}cp`);
  cluster.nodes.forEach((node, i) => box(node, `${prefix}n${i}`));
  if (cluster.publicEndpoint) {
    ids.set(cluster.publicEndpoint.id, `${prefix}ep`);
    lines.push(`    ${dotString(`${prefix}ep`)} [label=${dotString(endpointLines(cluster.publicEndpoint).join("\n"))}, shape=hexagon, fillcolor="#fff8c5", color="#9a6700"];`);
  }
  nodeNotes(view, cluster).forEach((note, i) => lines.push(`    ${dotString(`${prefix}none${i}`)} [label=${dotString(note)}, fillcolor="#f6f8fa", color="#d0d7de", fontcolor="#57606a"];`));
  const { arrows, dnsNote } = clusterArrows(cluster);
  if (dnsNote) lines.push(`    ${dotString(`${prefix}dns`)} [label=${dotString(dnsNote)}, fillcolor="#f6f8fa", color="#d0d7de", fontcolor="#57606a"];`);
  lines.push("  }");
  for (const arrow of arrows) {
    const from = ids.get(arrow.from);
    const to = ids.get(arrow.to);
    if (!from || !to) continue;
    lines.push(`  ${dotString(from)} -> ${dotString(to)} [label=${dotString(arrow.label)}, ${EDGE_STYLES[arrow.verdict]}${arrow.both ? ", dir=both" : ""}];`);
  }
}

export interface DotOptions {
  /** Only this cluster (by address) of each view. */
  readonly cluster?: string;
  /** A note that explains the arrows (on by default). */
  readonly legend?: boolean;
}

/** One DOT digraph for the given inputs: a cluster box per EKS cluster. */
export function formatDot(views: readonly TopologyView[], options: DotOptions = {}): string {
  const lines = [
    'digraph "eks-sg-policy" {',
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=12, nodesep=0.5, ranksep=1.2];',
    '  node [shape=box, style="filled", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  let drawn = 0;
  views.forEach((view, v) => {
    view.clusters
      .filter((cluster) => options.cluster === undefined || cluster.address === options.cluster)
      .forEach((cluster, c) => {
        drawCluster(lines, view, cluster, `v${v}c${c}`);
        drawn += 1;
      });
  });
  if (drawn === 0) {
    lines.push(`  "empty" [label=${dotString(`no EKS cluster in ${views.map((v) => v.input).join(", ") || "the input"}`)}, fillcolor="#f6f8fa", color="#d0d7de", fontcolor="#57606a"];`);
  } else if (options.legend !== false) {
    lines.push(`  "legend" [label=${dotString(LEGEND_LINES.join("\n"))}, shape=note, fillcolor="#f6f8fa", color="#d0d7de", fontcolor="#57606a"];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
