/**
 * What every report format says the same way: a finding's waiver, its one-word status, and where
 * the report lists the waivers that did not apply.
 */
import type { FindingWaiver, WaivableFinding, WaiverResult } from "../waivers/waiver";
import type { Finding, Report } from "../findings/report";

/** The waiver a finding carries (applied or expired), when waivers were applied to the report. */
export function waiverOf(finding: Finding): FindingWaiver | undefined {
  return (finding as WaivableFinding).waiver;
}

/** What became of each waiver, when the report went through `applyWaivers`. */
export function waiverResultsOf(report: Report): readonly WaiverResult[] {
  const waivers = (report as Report & { waivers?: readonly WaiverResult[] }).waivers;
  return Array.isArray(waivers) ? waivers : [];
}

/** `reason` — owner, until YYYY-MM-DD (ticket). */
export function describeWaiver(waiver: FindingWaiver): string {
  return `${waiver.reason} — ${waiver.owner}, until ${waiver.expires} UTC${waiver.ticket ? ` (${waiver.ticket})` : ""}`;
}

/** The justification of a waived finding for SARIF, JUnit and tables. */
export function waiverJustification(finding: Finding): string {
  const waiver = waiverOf(finding);
  return waiver && waiver.status === "applied" ? `waived: ${describeWaiver(waiver)}` : "waived";
}

/** The SGR colour of each status word on a terminal. */
export const STATUS_COLORS: Readonly<Record<string, string>> = { FAIL: "31", WARN: "33", INFO: "36", UNKNOWN: "35", EXCEPTION: "32" };

/** `text` in the SGR colour `code` when `color` is on (a terminal without NO_COLOR). */
export function paint(text: string, code: string | undefined, color: boolean): string {
  return color ? `\u001b[${code ?? "0"}m${text}\u001b[0m` : text;
}

/** One word for a finding, as the text format says it: FAIL, WARN, INFO, UNKNOWN, EXCEPTION. */
export function statusWord(finding: Finding): string {
  if (finding.status === "unknown") return "UNKNOWN";
  if (finding.status === "waived") return "EXCEPTION";
  return finding.severity === "error" ? "FAIL" : finding.severity === "warning" ? "WARN" : "INFO";
}
