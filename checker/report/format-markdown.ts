/**
 * A report for a pull-request comment or a job summary: a summary line, the findings as a table,
 * and per cluster a Mermaid diagram of which SGs sit on which ENIs and which required flows pass,
 * with the flows and their reasons in a table below it.
 *
 * Table cells are escaped for GitHub-flavoured Markdown: `|` and Markdown punctuation are
 * backslash-escaped, `&` becomes `&amp;`, newlines become `<br>`; addresses go in code spans whose
 * fence is longer than any backtick run they hold.
 */
import { formatMermaid, FLOW_NAMES, LEGEND_LINES } from "./format-mermaid";
import { waiverOf, waiverResultsOf } from "./finding-labels";
import { judgedInputs, reaches, type FailOn, type Finding, type Report } from "../findings/report";
import { clusterTitle, VERDICT_MARKS, type ClusterView, type TopologyView } from "./topology-view";

export interface MarkdownOptions {
  /** The `--fail-on` threshold: decides whether the headline says the check failed. `error` by default. */
  readonly failOn?: FailOn;
  /** The headline's name; `eks-sg-policy` by default. */
  readonly title?: string;
  /** Rows of the findings table before the rest is summarised (GitHub comments hold 65,536 characters). */
  readonly maxFindings?: number;
  /** Clusters drawn before the rest is listed by name. */
  readonly maxClusters?: number;
}

/** Backslash-escapes what Markdown or a table would read as syntax; `&` as an entity; newlines as `<br>`. */
export function markdownCell(text: string): string {
  return text
    .replace(/[\\`*_{}[\]<>()#+!|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/\r\n|\r|\n/g, "<br>");
}

/** An inline code span that survives a table cell: `|` escaped, a fence longer than any backtick run inside. */
export function markdownCode(text: string): string {
  const flat = text.replace(/\r\n|\r|\n/g, " ").replace(/\|/g, "\\|");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Status and severity in one cell: `❌ error`, `⚠️ warning`, `ℹ️ info`, `❔ unknown (error)`, `⏸️ waived (error)`. */
function statusCell(finding: Finding): string {
  if (finding.status === "unknown") return `❔ unknown (${finding.severity})`;
  if (finding.status === "waived") return `⏸️ waived (${finding.severity})`;
  return finding.severity === "error" ? "❌ error" : finding.severity === "warning" ? "⚠️ warning" : "ℹ️ info";
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function headline(report: Report, options: MarkdownOptions): string {
  const failOn = options.failOn ?? "error";
  const failing = report.findings.filter((f) => f.status === "fail" && reaches(f.severity, failOn)).length;
  const belowThreshold = report.summary.failed - failing;
  const icon = failing > 0 ? "❌" : belowThreshold > 0 || report.summary.unknown > 0 ? "⚠️" : "✅";
  const parts = [plural(failing, "failure")];
  if (belowThreshold > 0) parts.push(plural(belowThreshold, "warning"));
  parts.push(`${report.summary.unknown} unknown`, `${report.summary.waived} waived`);
  return `### ${icon} ${options.title ?? report.tool.name}: ${parts.join(" · ")}`;
}

function inputsLine(report: Report): string {
  const inputs = judgedInputs(report).map((i) => markdownCode(i.stack ? `${i.path} (stack ${i.stack})` : i.path));
  const on = inputs.length === 0 ? "" : inputs.length <= 5 ? ` on ${inputs.join(", ")}` : ` on ${inputs.length} inputs`;
  return `${report.summary.passed} of ${plural(report.summary.checks, "check")} passed${on} (${plural(report.summary.policies, "policy", "policies")}, ${report.tool.name} ${report.tool.version}).`;
}

function messageCell(finding: Finding): string {
  const waiver = waiverOf(finding);
  const note = waiver?.status === "applied" ? `<br>**waived:** ${markdownCell(waiver.reason)} (${markdownCode(waiver.owner)}, until ${waiver.expires})` : "";
  return `${markdownCell(finding.message)}${note}`;
}

function findingsTable(report: Report, options: MarkdownOptions): string[] {
  if (report.findings.length === 0) return ["No findings."];
  const several = judgedInputs(report).length > 1;
  const max = options.maxFindings ?? 100;
  const lines = [
    `| Status | Policy | Resource | Finding |`,
    `| --- | --- | --- | --- |`,
  ];
  for (const finding of report.findings.slice(0, max)) {
    const resource = several ? `${markdownCode(finding.address)}<br>in ${markdownCode(finding.input)}` : markdownCode(finding.address);
    lines.push(`| ${statusCell(finding)} | ${markdownCode(finding.policy)} | ${resource} | ${messageCell(finding)} |`);
  }
  if (report.findings.length > max) lines.push("", `…and ${plural(report.findings.length - max, "more finding")}: see the full report (\`--format text\` or \`--format json\`).`);
  return lines;
}

function waiversSection(report: Report): string[] {
  const notable = waiverResultsOf(report).filter((w) => w.status !== "applied");
  if (notable.length === 0) return [];
  const lines = ["", "<details><summary>Waivers that did not apply</summary>", "", "| Waiver | Policy | Address | Owner | Expires | Reason |", "| --- | --- | --- | --- | --- | --- |"];
  for (const w of notable) {
    lines.push(`| ${w.status} | ${markdownCode(w.policy)} | ${markdownCode(w.address)} | ${markdownCode(w.owner)} | ${w.expires} | ${markdownCell(w.reason)} |`);
  }
  lines.push("", "</details>");
  return lines;
}

/** How the flow table names an end: the node class's address (its kind is in the diagram). */
function nameOf(cluster: ClusterView, id: string): string {
  if (id === cluster.controlPlane.id) return "control plane";
  if (cluster.publicEndpoint && id === cluster.publicEndpoint.id) return "public API endpoint";
  const node = cluster.nodes.find((n) => n.id === id);
  return markdownCode(node ? node.address : id);
}

function clusterSection(view: TopologyView, cluster: ClusterView, several: boolean): string[] {
  const where = several ? ` in ${markdownCode(view.stack ? `${view.input} (stack ${view.stack})` : view.input)}` : "";
  const denied = cluster.flows.filter((f) => f.verdict === "denied").length;
  const unknown = cluster.flows.filter((f) => f.verdict === "unknown").length;
  const verdict = denied > 0 ? `${plural(denied, "required flow")} denied` : unknown > 0 ? `${plural(unknown, "required flow")} unknown` : "required flows allowed";
  const lines = [
    "",
    `#### ${markdownCell(clusterTitle(cluster))}${where}: ${verdict}`,
    "",
    "```mermaid",
    formatMermaid([{ ...view, clusters: [cluster] }], { legend: false }).trimEnd(),
    "```",
    "",
    LEGEND_LINES.map(markdownCell).join(" · "),
  ];
  if (cluster.flows.length > 0) {
    lines.push("", `<details${denied > 0 ? " open" : ""}><summary>Required flows of this cluster</summary>`, "", "| Verdict | Flow | From → to | Why |", "| --- | --- | --- | --- |");
    for (const flow of cluster.flows) {
      const why = flow.reasons.length > 0 ? markdownCell(flow.reasons.join("\n")) : "";
      lines.push(`| ${VERDICT_MARKS[flow.verdict]} ${flow.verdict} | ${FLOW_NAMES[flow.kind]} ${flow.ports} | ${nameOf(cluster, flow.from)} → ${nameOf(cluster, flow.to)} | ${why} |`);
    }
    lines.push("", "</details>");
  }
  return lines;
}

function topologySection(views: readonly TopologyView[], options: MarkdownOptions): string[] {
  if (views.length === 0) return [];
  const several = views.length > 1;
  const all = views.flatMap((view) => view.clusters.map((cluster) => ({ view, cluster })));
  const max = options.maxClusters ?? 10;
  const lines: string[] = [];
  if (all.length === 0) lines.push("", `No EKS cluster in ${several ? "these inputs" : "this input"}: no topology to draw.`);
  for (const { view, cluster } of all.slice(0, max)) lines.push(...clusterSection(view, cluster, several));
  if (all.length > max) lines.push("", `…and ${plural(all.length - max, "more cluster")}: ${all.slice(max).map(({ cluster }) => markdownCode(cluster.address)).join(", ")} (draw them with \`eks-sg-policy graph\`).`);
  const orphans = views.flatMap((view) => view.orphans.map((o) => ({ view, ...o })));
  if (orphans.length > 0) {
    lines.push("", "Not drawn (their cluster is not in the plan):", "");
    for (const o of orphans) lines.push(`- ${markdownCode(o.address)}${several ? ` in ${markdownCode(o.view.input)}` : ""}: ${markdownCell(o.reason)}`);
  }
  return lines;
}

/**
 * The Markdown report. `views` (from `topologyViews(graphs)`) add a topology diagram per cluster;
 * without them the report has the summary and the findings only.
 */
export function formatMarkdown(report: Report, views: readonly TopologyView[] = [], options: MarkdownOptions = {}): string {
  const lines = [headline(report, options), "", inputsLine(report), "", ...findingsTable(report, options), ...waiversSection(report), ...topologySection(views, options)];
  return `${lines.join("\n")}\n`;
}
