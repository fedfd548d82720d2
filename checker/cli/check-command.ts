/**
 * `eks-sg-policy check`: load every input, model it, run the pack, print each requested format.
 * The exit code is decided here, once: 0 clean, 1 a failing finding reaches --fail-on, 2 bad input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";
import { loadInput } from "../load/load-inputs";
import { buildGraph, type ResourceGraph } from "../model/resource-graph";
import type { Policy } from "../policy";
import { FORMATTERS, type FormatContext } from "../report/formatters";
import { isFailing, type FailOn, type Report } from "../report/report";
import { checkGraphs, type CheckOptions } from "../run/check-inputs";
import { parseFormatTargets } from "./format-targets";
import { useColor, type CliIo } from "./io";
import { EXIT } from "./exit-codes";

export interface CheckFlags {
  readonly format: string[];
  readonly failOn: FailOn;
  readonly atlantis?: boolean;
}

/** Models every input, showing progress on a terminal when there are several. */
export function modelInputs(inputs: readonly string[], io: CliIo): ResourceGraph[] {
  const graphs: ResourceGraph[] = [];
  const progress = io.stderrIsTty === true && inputs.length > 1;
  inputs.forEach((input, i) => {
    if (progress) io.stderr(`\r\u001b[2Kchecking ${i + 1}/${inputs.length}: ${input}`);
    for (const loaded of loadInput(input, io.readStdin)) graphs.push(buildGraph(loaded));
  });
  if (progress) io.stderr("\r\u001b[2K");
  return graphs;
}

function writeFile(file: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export function runCheck(inputs: readonly string[], flags: CheckFlags, io: CliIo, policies: readonly Policy[], options: CheckOptions = {}): number {
  // Atlantis reads pass/fail from the text and treats a non-zero exit as a lost output.
  const targets = flags.atlantis ? [{ format: "text" }] : parseFormatTargets(flags.format);
  const graphs = modelInputs(inputs, io);
  const report: Report = checkGraphs(graphs, options, policies);
  const context: FormatContext = { failOn: flags.failOn, color: false, graphs, policies: options.policies ?? policies };
  for (const target of targets) {
    const toStdout = target.path === undefined;
    const text = FORMATTERS[target.format](report, { ...context, color: toStdout && !flags.atlantis && useColor(io) });
    if (toStdout) io.stdout(text);
    else writeFile(target.path!, text);
  }
  if (flags.atlantis) return EXIT.clean;
  return isFailing(report, flags.failOn) ? EXIT.failed : EXIT.clean;
}
