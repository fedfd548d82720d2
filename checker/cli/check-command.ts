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
import { appendStepSummary, githubStepSummary } from "../report/format-github";
import { FORMATTERS, type FormatContext } from "../report/formatters";
import { topologyViews } from "../report/topology-view";
import { isFailing, type FailOn } from "../report/report";
import { checkGraphs } from "../run/check-inputs";
import { loadRunSettings } from "../config";
import { applyWaivers } from "../waivers";
import { parseFormatTargets } from "./format-targets";
import { useColor, type CliIo } from "./io";
import { EXIT } from "./exit-codes";

export interface CheckFlags {
  readonly format: string[];
  /** Undefined when not given on the command line: the configuration file may set it. */
  readonly failOn?: FailOn;
  readonly atlantis?: boolean;
  /** A configuration file; `false` for --no-config; undefined to look in the working folder. */
  readonly config?: string | false;
  readonly waivers?: readonly string[];
  readonly sarifSource?: string;
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

export function runCheck(inputs: readonly string[], flags: CheckFlags, io: CliIo, policies: readonly Policy[]): number {
  // Atlantis reads pass/fail from the text and treats a non-zero exit as a lost output.
  const targets = flags.atlantis ? [{ format: "text" }] : parseFormatTargets(flags.format);
  const settings = loadRunSettings({
    cwd: io.cwd ?? process.cwd(),
    configFile: typeof flags.config === "string" ? flags.config : undefined,
    noConfig: flags.config === false,
    waiverFiles: flags.waivers ?? [],
    failOn: flags.failOn,
    registry: policies,
  });
  const graphs = modelInputs(inputs, io);
  const checked = checkGraphs(graphs, settings.checkOptions, policies);
  const { report } = applyWaivers(checked, settings.waivers, io.now?.() ?? new Date());
  const failOn = settings.failOn;
  const context: FormatContext = {
    failOn,
    color: false,
    graphs,
    policies: settings.checkOptions.policies ?? policies,
    severities: settings.checkOptions.severities,
    cwd: io.cwd ?? process.cwd(),
    sarifSource: flags.sarifSource,
  };
  for (const target of targets) {
    const toStdout = target.path === undefined;
    const text = FORMATTERS[target.format](report, { ...context, color: toStdout && !flags.atlantis && useColor(io) });
    if (toStdout) io.stdout(text);
    else writeFile(path.resolve(io.cwd ?? process.cwd(), target.path!), text);
  }
  // In GitHub Actions the github format also leaves a table (and the topology) in the job summary.
  if (targets.some((t) => t.format === "github")) appendStepSummary(githubStepSummary(report, topologyViews(graphs), { failOn }), io.env ?? process.env);
  if (flags.atlantis) return EXIT.clean;
  return isFailing(report, failOn) ? EXIT.failed : EXIT.clean;
}
