/**
 * Every output format, by the name `--format` takes. A formatter turns the report (data) into
 * text; it never decides the exit code.
 */
import type { ResourceGraph } from "../model/resource-graph";
import type { Policy } from "../policy";
import { formatJson } from "./format-json";
import { formatText } from "./format-text";
import type { FailOn, Report } from "./report";

export interface FormatContext {
  readonly failOn: FailOn;
  readonly color: boolean;
  /** The models the report was made from (for formats that draw the topology). */
  readonly graphs: readonly ResourceGraph[];
  /** The policies that ran (for formats that describe rules). */
  readonly policies: readonly Policy[];
}

export type Formatter = (report: Report, context: FormatContext) => string;

export const FORMATTERS: Readonly<Record<string, Formatter>> = {
  json: (report) => formatJson(report),
  text: (report, { failOn, color }) => formatText(report, failOn, { color }),
};

export const FORMAT_NAMES = Object.keys(FORMATTERS);
