/**
 * Every output format, by the name `--format` takes. A formatter turns the report (data) into
 * text; it never decides the exit code.
 */
import type { ResourceGraph } from "../model/resource-graph";
import type { Policy, Severity } from "../policy/contract";
import { formatGithub } from "./format-github";
import { formatHuman } from "./format-human";
import { formatJson } from "./format-json";
import { formatJunit } from "./format-junit";
import { formatMarkdown } from "./format-markdown";
import { formatSarif } from "./format-sarif";
import { formatText } from "./format-text";
import type { FailOn, Report } from "../findings/report";
import { topologyViews } from "./topology-view";

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

export const FORMATTERS: Readonly<Record<string, Formatter>> = {
  github: (report, c) => formatGithub(report, { source: c.sarifSource, repoRoot: c.cwd, failOn: c.failOn }),
  human: (report, { failOn, color, width }) => formatHuman(report, failOn, { color, width }),
  json: (report) => formatJson(report),
  junit: (report, c) => formatJunit(report, { policies: c.policies, failOn: c.failOn }),
  markdown: (report, c) => formatMarkdown(report, topologyViews(c.graphs), { failOn: c.failOn }),
  sarif: (report, c) => formatSarif(report, { policies: c.policies, severities: c.severities, source: c.sarifSource, repoRoot: c.cwd, failOn: c.failOn }),
  text: (report, { failOn, color }) => formatText(report, failOn, { color }),
};

export const FORMAT_NAMES = Object.keys(FORMATTERS);
