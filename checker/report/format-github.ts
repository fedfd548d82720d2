/**
 * GitHub Actions: one workflow command per finding (`::error`, `::warning`, `::notice` with
 * `title=` and `file=`), escaped exactly as actions/toolkit escapes them, and the Markdown report
 * for the job summary (`$GITHUB_STEP_SUMMARY`).
 *
 * Levels: a failing finding by its severity (error → `::error`, warning → `::warning`, info →
 * `::notice`); unknown → `::notice`; waived findings get no annotation (they are in the summary).
 * Errors come first: GitHub shows only the first few annotations of each level per step.
 */
import { configurationNotes } from "./configuration-lines";
import fs from "node:fs";
import path from "node:path";
import { statusWord } from "./finding-labels";
import { formatMarkdown, type MarkdownOptions } from "./format-markdown";
import { countsOf, describeCounts, type FailOn, type Finding, type Report } from "../findings/report";
import type { TopologyView } from "./topology-view";

/** A command's message, as actions/toolkit `escapeData`: `%`, CR and LF. */
export function escapeData(value: string): string {
  return value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A command property's value, as actions/toolkit `escapeProperty`: `%`, CR, LF, `:` and `,`. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export type AnnotationLevel = "error" | "warning" | "notice";

/** `::command key=value,key=value::message`; properties without a value are left out, as the toolkit does. */
export function workflowCommand(command: string, properties: Readonly<Record<string, string | number | undefined>>, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== "")
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(",");
  return `::${command}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}

export interface GithubOptions {
  /** The file annotations point at, relative to the repository root; the finding's input by default. */
  readonly source?: string | ((finding: Finding) => string);
  /** The folder input paths are made relative to: the repository root. The working folder by default. */
  readonly repoRoot?: string;
  /** `--fail-on`: the counts say how many findings fail the run. `error` by default. */
  readonly failOn?: FailOn;
}

export function annotationLevel(finding: Finding): AnnotationLevel | undefined {
  if (finding.status === "waived") return undefined;
  if (finding.status === "unknown") return "notice";
  return finding.severity === "error" ? "error" : finding.severity === "warning" ? "warning" : "notice";
}

/** A path relative to the repository root with forward slashes, as GitHub matches annotation files. */
export function repoRelative(file: string, repoRoot: string = process.cwd()): string {
  if (file === "<stdin>" || file === "-") return "";
  const relative = path.relative(path.resolve(repoRoot), path.resolve(repoRoot, file));
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
}

const ORDER: Record<AnnotationLevel, number> = { error: 0, warning: 1, notice: 2 };

/** The workflow commands, one line per finding that is not waived, then a plain summary line. */
export function formatGithub(report: Report, options: GithubOptions = {}): string {
  const annotated = report.findings
    .map((finding) => ({ finding, level: annotationLevel(finding) }))
    .filter((a): a is { finding: Finding; level: AnnotationLevel } => a.level !== undefined)
    .sort((a, b) => ORDER[a.level] - ORDER[b.level]);
  const lines = annotated.map(({ finding, level }) => {
    const source = typeof options.source === "function" ? options.source(finding) : options.source;
    const title = `${statusWord(finding)} ${finding.policy}: ${finding.address}`;
    return workflowCommand(level, { file: repoRelative(source ?? finding.input, options.repoRoot), title }, finding.message);
  });
  for (const note of configurationNotes(report.configuration)) {
    lines.push(workflowCommand(note.kind === "in-force" ? "notice" : "warning", { title: `${report.tool.name} configuration` }, note.text));
  }
  const s = report.summary;
  lines.push(`${report.tool.name}: ${describeCounts(countsOf(report, options.failOn ?? "error"), options.failOn ?? "error")}; ${s.passed} of ${s.checks} checks passed`);
  return `${lines.join("\n")}\n`;
}

/** The job summary: the Markdown report (with diagrams when `views` are given). */
export function githubStepSummary(report: Report, views: readonly TopologyView[] = [], options: MarkdownOptions = {}): string {
  return formatMarkdown(report, views, options);
}

/** GitHub keeps at most 1 MiB of summary per step. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024;

/**
 * Appends Markdown to the file `$GITHUB_STEP_SUMMARY` names, when it is set; returns that path,
 * or undefined when the variable is not set (not in GitHub Actions). Text over GitHub's 1 MiB
 * limit is cut, with a line that says so.
 */
export function appendStepSummary(
  markdown: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  append: (file: string, text: string) => void = (file, text) => fs.appendFileSync(file, text, "utf8"),
): string | undefined {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return undefined;
  let text = markdown.endsWith("\n") ? markdown : `${markdown}\n`;
  if (Buffer.byteLength(text, "utf8") > STEP_SUMMARY_LIMIT) {
    const note = "\n\n…cut: the report is longer than GitHub's 1 MiB job-summary limit; see the job log or the report file.\n";
    const room = STEP_SUMMARY_LIMIT - Buffer.byteLength(note, "utf8");
    let cut = Buffer.from(text, "utf8").subarray(0, room).toString("utf8");
    if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1);
    text = `${cut.slice(0, cut.lastIndexOf("\n") + 1)}${note}`;
  }
  append(file, text);
  return file;
}
