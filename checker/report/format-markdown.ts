/**
 * A report for a pull-request comment or a job summary: a summary line, the findings as a table,
 * and per cluster a Mermaid diagram of which SGs sit on which ENIs and which required flows pass,
 * with the flows and their reasons in a table below it.
 *
 * Table cells are escaped for GitHub-flavoured Markdown: `|` and Markdown punctuation are
 * backslash-escaped, `&` becomes `&amp;`, newlines become `<br>`; addresses go in code spans whose
 * fence is longer than any backtick run they hold.
 */
import { configurationNotes } from "./configuration-lines";
import { formatMermaid, FLOW_NAMES, LEGEND_LINES } from "./format-mermaid";
import { waiverOf, waiverResultsOf } from "./finding-labels";
import { countsOf, judgedInputs, type FailOn, type Finding, type Report } from "../findings/report";
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
  /**
   * The most characters the report may have: a PR comment past GitHub's 65,536 is cut or refused,
   * so rows, diagrams and lists that would pass it are left out with a pointer to the full report.
   */
  readonly maxCharacters?: number;
}

/** Under GitHub's 65,536-character comment limit, with room for what Atlantis or a bot wraps around it. */
const MAX_CHARACTERS = 60_000;

/** Lines added while they fit in a character budget. */
class Budget {
  private used = 0;
  constructor(private readonly limit: number) {}

  /** Adds `lines` if they fit (with `reserve` characters left over), and says whether they did. */
  add(into: string[], lines: readonly string[], reserve = 0): boolean {
    const size = lines.reduce((n, line) => n + line.length + 1, 0);
    if (this.used + size + reserve > this.limit) return false;
    into.push(...lines);
    this.used += size;
    return true;
  }

  /** Adds lines whatever their size (short pointers the budget kept room for). */
  force(into: string[], lines: readonly string[]): void {
    into.push(...lines);
    this.used += lines.reduce((n, line) => n + line.length + 1, 0);
  }
}

/** Room kept for the pointers that say what was left out. */
const POINTER_ROOM = 1_500;
const FULL_REPORT = "see the full report (`--format text` or `--format json`)";

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

/** The counts every format shows: by severity, unknown, waived, and what fails the run. */
function headline(report: Report, options: MarkdownOptions): string {
  const failOn = options.failOn ?? "error";
  const c = countsOf(report, failOn);
  const icon = c.failing > 0 ? "❌" : c.errors + c.warnings + c.unknown > 0 ? "⚠️" : "✅";
  const parts = [plural(c.errors, "error"), plural(c.warnings, "warning"), plural(c.infos, "info"), `${c.unknown} unknown`, `${c.waived} waived`];
  const verdict = failOn === "never" ? "none fails the run" : c.failing > 0 ? `${c.failing} ${c.failing === 1 ? "fails" : "fail"} the run` : "none fails the run";
  return `### ${icon} ${options.title ?? report.tool.name}: ${parts.join(" · ")} — ${verdict}`;
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

const STATUS_ORDER: Record<Finding["status"], number> = { fail: 0, unknown: 1, waived: 2 };
const SEVERITY_ORDER: Record<Finding["severity"], number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings and infos, then unknowns and waived findings; the report's order within. */
function bySeverityFirst(findings: readonly Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => STATUS_ORDER[a.finding.status] - STATUS_ORDER[b.finding.status] || SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] || a.index - b.index)
    .map(({ finding }) => finding);
}

/** `reserve`: characters kept for what follows the table (the diagrams). */
function findingsTable(report: Report, options: MarkdownOptions, lines: string[], budget: Budget, reserve: number): void {
  if (report.findings.length === 0) {
    budget.force(lines, ["No findings."]);
    return;
  }
  const several = judgedInputs(report).length > 1;
  const max = options.maxFindings ?? 100;
  budget.force(lines, [`| Status | Policy | Resource | Finding |`, `| --- | --- | --- | --- |`]);
  let shown = 0;
  for (const finding of bySeverityFirst(report.findings).slice(0, max)) {
    const resource = several ? `${markdownCode(finding.address)}<br>in ${markdownCode(finding.input)}` : markdownCode(finding.address);
    if (!budget.add(lines, [`| ${statusCell(finding)} | ${markdownCode(finding.policy)} | ${resource} | ${messageCell(finding)} |`], POINTER_ROOM + reserve)) break;
    shown += 1;
  }
  if (report.findings.length > shown) budget.force(lines, ["", `…and ${plural(report.findings.length - shown, "more finding")}: ${FULL_REPORT}.`]);
}

function waiversSection(report: Report): string[] {
  const notable = waiverResultsOf(report).filter((w) => w.status !== "applied" || w.longLived);
  if (notable.length === 0) return [];
  const lines = ["", "<details><summary>Waivers to act on: expired, unused or long-lived</summary>", "", "| Waiver | Policy | Address | Owner | Expires | Reason |", "| --- | --- | --- | --- | --- | --- |"];
  for (const w of notable) {
    lines.push(`| ${w.status}${w.longLived ? " (long-lived)" : ""} | ${markdownCode(w.policy)} | ${markdownCode(w.address)} | ${markdownCode(w.owner)} | ${w.expires} | ${markdownCell(w.reason)} |`);
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

/** A cluster's heading, diagram and (with `flows`) its table of required flows. */
function clusterSection(view: TopologyView, cluster: ClusterView, several: boolean, flows: boolean): string[] {
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
  if (!flows) {
    lines.push("", `The table of this cluster's ${plural(cluster.flows.length, "required flow")} is left out to keep the comment under GitHub's size limit: ${FULL_REPORT}.`);
  } else if (cluster.flows.length > 0) {
    lines.push("", `<details${denied > 0 ? " open" : ""}><summary>Required flows of this cluster</summary>`, "", "| Verdict | Flow | From → to | Why |", "| --- | --- | --- | --- |");
    for (const flow of cluster.flows) {
      const why = flow.reasons.length > 0 ? markdownCell(flow.reasons.join("\n")) : "";
      lines.push(`| ${VERDICT_MARKS[flow.verdict]} ${flow.verdict} | ${FLOW_NAMES[flow.kind]} ${flow.ports} | ${nameOf(cluster, flow.from)} → ${nameOf(cluster, flow.to)} | ${why} |`);
    }
    lines.push("", "</details>");
  }
  return lines;
}

function topologySection(views: readonly TopologyView[], options: MarkdownOptions, lines: string[], budget: Budget): void {
  if (views.length === 0) return;
  const several = views.length > 1;
  const all = views.flatMap((view) => view.clusters.map((cluster) => ({ view, cluster })));
  const max = options.maxClusters ?? 10;
  if (all.length === 0) budget.force(lines, ["", `No EKS cluster in ${several ? "these inputs" : "this input"}: no topology to draw.`]);
  const left: string[] = [];
  for (const [i, { view, cluster }] of all.entries()) {
    const drawn = i < max && (budget.add(lines, clusterSection(view, cluster, several, true), POINTER_ROOM) || budget.add(lines, clusterSection(view, cluster, several, false), POINTER_ROOM));
    if (!drawn) left.push(cluster.address);
  }
  if (left.length > 0) {
    const names = left.slice(0, 20).map(markdownCode).join(", ") + (left.length > 20 ? ", …" : "");
    budget.force(lines, ["", `…and ${plural(left.length, "more cluster")} not drawn here: ${names} (draw them with \`eks-sg-policy graph\`).`]);
  }
  const notDrawn = (heading: string, items: readonly { view: TopologyView; address: string; reason: string }[]) => {
    if (items.length === 0) return;
    budget.force(lines, ["", heading, ""]);
    let shown = 0;
    for (const o of items) {
      if (!budget.add(lines, [`- ${markdownCode(o.address)}${several ? ` in ${markdownCode(o.view.input)}` : ""}: ${markdownCell(o.reason)}`], POINTER_ROOM / 2)) break;
      shown += 1;
    }
    if (shown < items.length) budget.force(lines, [`- …and ${items.length - shown} more: ${FULL_REPORT}.`]);
  };
  notDrawn("Not drawn (their cluster is not in the plan):", views.flatMap((view) => view.orphans.map((o) => ({ view, ...o }))));
  notDrawn("Not drawn (nodes defined outside the plan):", views.flatMap((view) => (view.nodesElsewhere ?? []).map((o) => ({ view, ...o }))));
}

/**
 * The Markdown report. `views` (from `topologyViews(graphs)`) add a topology diagram per cluster;
 * without them the report has the summary and the findings only.
 */
export function formatMarkdown(report: Report, views: readonly TopologyView[] = [], options: MarkdownOptions = {}): string {
  const limit = options.maxCharacters ?? MAX_CHARACTERS;
  const budget = new Budget(limit);
  const lines: string[] = [];
  budget.force(lines, [headline(report, options), "", inputsLine(report), ""]);
  const incomplete = judgedInputs(report).filter((i) => i.incomplete).map((i) => markdownCode(i.path));
  if (incomplete.length > 0) {
    budget.force(lines, [`> ⚠️ Incomplete ${incomplete.length === 1 ? "plan" : "plans"} (\`-target\`, \`-exclude\` or deferred changes): ${incomplete.join(", ")}. What the apply leaves was checked, with the resources left out as they are in the state; the rest of the configuration was not.`, ""]);
  }
  const notes = configurationNotes(report.configuration);
  if (notes.length > 0) budget.force(lines, [...notes.map((note) => `> ${note.kind === "in-force" ? "ℹ️" : "⚠️"} ${markdownCell(note.text)}`), ""]);
  // A long table leaves room for the diagrams: a picture of the topology says more than the 100th row.
  const drawing = views.some((view) => view.clusters.length > 0);
  findingsTable(report, options, lines, budget, drawing ? Math.floor(limit * 0.4) : 0);
  const waivers = waiversSection(report);
  if (waivers.length > 0 && !budget.add(lines, waivers, POINTER_ROOM)) budget.force(lines, ["", `Some waivers need acting on (expired, unused or long-lived): ${FULL_REPORT}.`]);
  topologySection(views, options, lines, budget);
  return `${lines.join("\n")}\n`;
}
