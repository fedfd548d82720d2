/**
 * For a person at a terminal (the default there): findings grouped by resource, the worst first,
 * each with its status, severity and policy on one line, then the message and the fix wrapped on
 * lines of their own — the way ESLint's stylish formatter reads. Scripts and Atlantis get the
 * one-line text format, which every pipe and `--format text` keep.
 */
import type { WaivedReport } from "../waivers/waiver";
import { configurationLines } from "./configuration-lines";
import { waiverLines } from "./waiver-lines";
import { countsOf, describeCounts, judgedInputs, type FailOn, type Finding, type Report } from "../findings/report";
import { paint as paintIf, STATUS_COLORS, statusWord } from "./finding-labels";
import { problemOf } from "../policy/messages";
import { addToList } from "../model/add-to-list";

const RANK_OF: Record<string, number> = { FAIL: 0, WARN: 1, UNKNOWN: 2, INFO: 3, EXCEPTION: 4 };

export interface HumanOptions {
  readonly color?: boolean;
  /** The terminal's width; lines wrap to it (80 when unknown). */
  readonly width?: number;
}

/** Greedy word wrap; a word longer than the line (an address, a long id) stays whole. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(indent + line);
  return lines;
}

export function formatHuman(report: Report, failOn: FailOn = "error", options: HumanOptions = {}): string {
  const color = options.color === true;
  const width = Math.max(40, options.width ?? 80);
  const paint = (text: string, code: string | undefined) => paintIf(text, code, color);
  const several = judgedInputs(report).length > 1;
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const key = several ? `${f.input}: ${f.address}` : f.address;
    addToList(groups, key, f);
  }
  const worst = (list: readonly Finding[]) => Math.min(...list.map((f) => RANK_OF[statusWord(f)]));
  const ordered = [...groups].sort(([a, x], [b, y]) => worst(x) - worst(y) || (a < b ? -1 : a > b ? 1 : 0));
  const lines: string[] = [];
  for (const [resource, findings] of ordered) {
    lines.push(paint(resource, "1"));
    for (const f of [...findings].sort((x, y) => RANK_OF[statusWord(x)] - RANK_OF[statusWord(y)])) {
      const word = statusWord(f);
      lines.push(`  ${paint(word.padEnd(9), STATUS_COLORS[word])} ${f.severity.padEnd(7)} ${f.policy}`);
      lines.push(...wrap(problemOf(f.message, f.fix), width, "    "));
      if (f.fix !== undefined) lines.push(...wrap(`${paint("Fix:", "1")} ${f.fix}`, width + (color ? 8 : 0), "    "));
    }
    lines.push("");
  }
  if ("waivers" in report) lines.push(...waiverLines((report as WaivedReport).waivers));
  lines.push(...configurationLines(report));
  const counts = countsOf(report, failOn);
  lines.push(paint(`${report.tool.name}: ${describeCounts(counts, failOn)}`, counts.failing > 0 ? "31" : "32"));
  return `${lines.join("\n")}\n`;
}
