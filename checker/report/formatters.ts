/**
 * Every output format, by the name `--format` takes. A formatter turns the report (data) into
 * text; it never decides the exit code.
 */
import type { ResourceGraph } from "../model/resource-graph";
import type { Policy, Severity } from "../policy/contract";
import type { FailOn, Report } from "../findings/report";

export interface FormatContext {
  readonly failOn: FailOn;
  readonly color: boolean;
  /** The models the report was made from (for formats that draw the topology). */
  readonly graphs: readonly ResourceGraph[];
  /** The policies that ran, and severities set by configuration (for formats that describe rules). */
  readonly policies: readonly Policy[];
  readonly severities?: { readonly [policyId: string]: Severity };
  /** The repository root that SARIF and GitHub locations are relative to. */
  readonly cwd: string;
  /** One file every SARIF / GitHub location points to, instead of the input (`--sarif-source`). */
  readonly sarifSource?: string;
  /** The terminal's width, for the human format. */
  readonly width?: number;
}

export type Formatter = (report: Report, context: FormatContext) => string;

// Each formatter is required when it is used, not when the command starts: JUnit pulls in
// xmlbuilder2 and Markdown the topology views, ~0.1 s of start-up that a `--format json` run never
// needs (issue #13). `typeof import(...)` keeps the types of the static imports.
export const FORMATTERS: Readonly<Record<string, Formatter>> = {
  github: (report, c) =>
    (require("./format-github") as typeof import("./format-github")).formatGithub(report, { source: c.sarifSource, repoRoot: c.cwd, failOn: c.failOn }),
  human: (report, { failOn, color, width }) => (require("./format-human") as typeof import("./format-human")).formatHuman(report, failOn, { color, width }),
  json: (report) => (require("./format-json") as typeof import("./format-json")).formatJson(report),
  junit: (report, c) => (require("./format-junit") as typeof import("./format-junit")).formatJunit(report, { policies: c.policies, failOn: c.failOn }),
  markdown: (report, c) =>
    (require("./format-markdown") as typeof import("./format-markdown")).formatMarkdown(
      report,
      (require("./topology-view") as typeof import("./topology-view")).topologyViews(c.graphs),
      { failOn: c.failOn },
    ),
  sarif: (report, c) =>
    (require("./format-sarif") as typeof import("./format-sarif")).formatSarif(report, {
      policies: c.policies,
      severities: c.severities,
      source: c.sarifSource,
      repoRoot: c.cwd,
      failOn: c.failOn,
    }),
  text: (report, { failOn, color }) => (require("./format-text") as typeof import("./format-text")).formatText(report, failOn, { color }),
};

export const FORMAT_NAMES = Object.keys(FORMATTERS);
