/**
 * One stable line per finding, sorted, then conftest's summary line — the shape Atlantis and
 * people reading CI logs already know.
 */
import type { WaivedReport } from "../waivers/waiver";
import { configurationLines } from "./configuration-lines";
import { waiverLines } from "./waiver-lines";
import { countsOf, describeCounts, judgedInputs, reaches, type FailOn, type Report } from "../findings/report";
import { paint, STATUS_COLORS, statusWord } from "./finding-labels";

/**
 * Counts in conftest's terms, which Atlantis parses: failures are the findings that fail the run,
 * exceptions the waived ones, warnings the other failed findings of severity warning or error and
 * the unknowns. An info finding below the threshold is a note, not a failed test: it counts as passed.
 */
export function conftestCounts(report: Report, failOn: FailOn) {
  const counts = countsOf(report, failOn);
  const notes = report.findings.filter((f) => f.status === "fail" && f.severity === "info" && !reaches("info", failOn)).length;
  const failures = counts.failing;
  const exceptions = counts.waived;
  const warnings = report.findings.length - failures - exceptions - notes;
  return { tests: report.summary.checks, passed: report.summary.passed + notes, warnings, failures, exceptions };
}

export function formatText(report: Report, failOn: FailOn = "error", options: { color?: boolean } = {}): string {
  const several = judgedInputs(report).length > 1;
  const lines = report.findings.map((f) => `${paint(statusWord(f), STATUS_COLORS[statusWord(f)], options.color === true)} - ${several ? `${f.input}: ` : ""}${f.address} - ${f.policy} - ${f.message}`);
  // Expired and unused waivers are for a person to act on; they start with neither FAIL nor WARN.
  if ("waivers" in report) lines.push(...waiverLines((report as WaivedReport).waivers));
  lines.push(...configurationLines(report));
  // Our own words first (the counts every format shows), then conftest's line, last, for parsers.
  lines.push(`${report.tool.name}: ${describeCounts(countsOf(report, failOn), failOn)}`);
  const c = conftestCounts(report, failOn);
  lines.push(`${c.tests} tests, ${c.passed} passed, ${c.warnings} warnings, ${c.failures} failures, ${c.exceptions} exceptions`);
  return `${lines.join("\n")}\n`;
}
