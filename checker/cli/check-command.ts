/**
 * `eks-sg-policy check`: load every input, model it, run the pack, print each requested format.
 * The exit code is decided here, once: 0 clean, 1 a failing finding reaches --fail-on, 2 bad input.
 */
import path from "node:path";
import { UsageError } from "../errors";
import { isFailing, judgedInputs, type Report } from "../findings/report";
import { inputFileBytes, loadInput, readStandardInput, STDIN } from "../load/load-inputs";
import type { LoadedInput } from "../load/plan-document";
import { modelInputs } from "../model/join-inputs";
import type { ResourceGraph } from "../model/resource-graph";
import type { Policy } from "../policy/contract";
import { FORMATTERS, type FormatContext } from "../report/formatters";
import { checkGraphs } from "../run/pipeline";
import type { RunSettings } from "../run/settings";
import { writeFileAtomically } from "./atomic-write";
import { EXIT } from "./exit-codes";
import { parseFormatTargets, type FormatTarget } from "./format-targets";
import { useColor, type CliIo } from "./io";
import { refuseUnsafeOutputs, type ReadPath } from "./output-paths";
import { settingsFromFlags, type SettingsFlags } from "./run-settings-flags";
import { whyNotWritten } from "./write-failure";

export interface CheckFlags extends SettingsFlags {
  readonly format: string[];
  /** Inputs that shape the topology but get no findings (plans, cdk.tf.json, cdktf.out, states). */
  readonly context?: readonly string[];
  readonly atlantis?: boolean;
  readonly sarifSource?: string;
}

/**
 * Loads every input and models them as one world (with the context inputs), showing progress on
 * a terminal when there are several. `io.beforeReading` is told each file's or standard input's
 * size before it is parsed.
 */
export function modelCommandInputs(inputs: readonly string[], contexts: readonly string[], io: CliIo): ResourceGraph[] {
  const names = [...inputs, ...contexts];
  const progress = names.length > 1 && io.stderrIsTty === true;
  const loaded: LoadedInput[][] = [[], []];
  const { beforeReading } = io;
  const readStdin = beforeReading === undefined ? io.readStdin : () => {
    const bytes = (io.readStdin ?? readStandardInput)();
    beforeReading(bytes.length);
    return bytes;
  };
  names.forEach((input, i) => {
    if (progress) io.stderr(`\r\u001b[2Kreading ${i + 1}/${names.length}: ${input}`);
    if (beforeReading !== undefined && input !== STDIN) beforeReading(inputFileBytes(input));
    const context = i >= inputs.length;
    loaded[context ? 1 : 0].push(...loadInput(input, readStdin, context ? "context" : "subject"));
  });
  if (progress) io.stderr("\r\u001b[2K");
  // The documents were loaded here and are read no more.
  return [modelInputs(loaded[0], loaded[1], { consume: true })];
}

/** `shown` is the path as the user gave it. */
function writeReportFile(file: string, shown: string, text: string): void {
  try {
    writeFileAtomically(file, text);
  } catch (error) {
    throw new UsageError(`cannot write ${shown}: ${whyNotWritten(error)}; no partial report was left there. Fix that, or write the report to another file`);
  }
}

/** What formatters need besides the report: the policies that ran, their configured severities, the models. */
export function formatContext(settings: RunSettings, graphs: readonly ResourceGraph[], io: CliIo, sarifSource?: string): FormatContext {
  const severities = Object.fromEntries(settings.policies.filter((s) => s.severity !== undefined).map((s) => [s.policy.meta.id, s.severity!]));
  return {
    failOn: settings.failOn,
    color: false,
    graphs,
    policies: settings.policies.map((s) => s.policy),
    severities,
    cwd: io.cwd ?? process.cwd(),
    sarifSource,
    width: io.columns,
  };
}

/** Every file the run reads, named as on the command line (or as the configuration was found). */
function readPaths(inputs: readonly string[], flags: CheckFlags, settings: RunSettings): ReadPath[] {
  return [
    ...inputs.map((p): ReadPath => ({ path: p, role: "input" })),
    ...(flags.context ?? []).map((p): ReadPath => ({ path: p, role: "context input" })),
    ...(settings.configFile !== undefined ? [{ path: settings.configFile, role: "configuration file" } as const] : []),
    ...(flags.waivers ?? []).map((p): ReadPath => ({ path: p, role: "waivers file" })),
  ];
}

/**
 * The job summary repeats what the annotations and the exit code already say, so a summary file
 * the runner cannot take is a warning: the check's result stands.
 */
function appendJobSummary(markdown: string, io: CliIo): void {
  const env = io.env ?? process.env;
  try {
    (require("../report/format-github") as typeof import("../report/format-github")).appendStepSummary(markdown, env);
  } catch (error) {
    io.stderr(`eks-sg-policy: warning: cannot append the job summary to ${env.GITHUB_STEP_SUMMARY}: ${whyNotWritten(error)}; the annotations and the exit code are unaffected. Check what GITHUB_STEP_SUMMARY points at\n`);
  }
}

/**
 * With `--atlantis`, stdout is the text Atlantis reads (pass/fail from its summary line), so every
 * other format goes to a file: `--format sarif=report.sarif` is written as usual, `--format json`
 * on stdout would break what Atlantis reads and is refused.
 */
function atlantisTargets(format: readonly string[]): FormatTarget[] {
  const targets = parseFormatTargets(format);
  const onStdout = targets.filter((t) => t.path === undefined && t.format !== "text");
  if (onStdout.length > 0) {
    throw new UsageError(`with --atlantis, standard output is the text format Atlantis reads; write ${onStdout.map((t) => t.format).join(", ")} to a file instead (e.g. --format ${onStdout[0].format}=report.${onStdout[0].format})`);
  }
  return [{ format: "text" }, ...targets.filter((t) => t.path !== undefined)];
}

/**
 * Warns (on stderr, the exit code unchanged) about judged inputs that hold nothing EKS (likely the
 * wrong file) and plans that act on part of the configuration only (a pass there says nothing of the rest).
 */
function warnAboutInputs(report: Report, io: CliIo): void {
  for (const input of judgedInputs(report)) {
    const name = `${input.path}${input.stack ? ` (stack ${input.stack})` : ""}`;
    if (input.incomplete) {
      io.stderr(`eks-sg-policy: warning: ${name} is an incomplete plan (made with -target or -exclude, or with deferred changes): what its apply leaves was checked, with the resources it leaves out as they are in the state, but not the rest of the configuration; check the next full plan before you rely on a pass\n`);
    }
    if (input.eksResources !== 0) continue;
    io.stderr(`eks-sg-policy: warning: ${name} has no EKS cluster, node group, Fargate profile, NodeClass or EKS-tagged SG, so nothing in it was checked; is it the plan you meant?\n`);
  }
}

export function runCheck(inputs: readonly string[], flags: CheckFlags, io: CliIo, registry: readonly Policy[]): number {
  // Atlantis reads pass/fail from the text and treats a non-zero exit as a lost output.
  // A person at a terminal reads the human format; pipes, files and scripts keep the stable text lines.
  const targets = flags.atlantis ? atlantisTargets(flags.format) : parseFormatTargets(flags.format, io.stdoutIsTty === true ? "human" : "text");
  const settings = settingsFromFlags(flags, io, registry);
  // Before the (slow) load: a report must never replace what the run reads.
  refuseUnsafeOutputs(targets, readPaths(inputs, flags, settings), io.cwd ?? process.cwd());
  const graphs = modelCommandInputs(inputs, flags.context ?? [], io);
  const report = checkGraphs(graphs, settings, io.now?.() ?? new Date());
  const context = formatContext(settings, graphs, io, flags.sarifSource);
  for (const target of targets) {
    const toStdout = target.path === undefined;
    const text = FORMATTERS[target.format](report, { ...context, color: toStdout && !flags.atlantis && useColor(io) });
    if (toStdout) io.stdout(text);
    else writeReportFile(path.resolve(io.cwd ?? process.cwd(), target.path!), target.path!, text);
  }
  // In GitHub Actions the github format also leaves a table (and the topology) in the job summary.
  if (targets.some((t) => t.format === "github")) {
    // Required here, not at the top: only a github run draws the summary (start-up, issue #13).
    const { githubStepSummary } = require("../report/format-github") as typeof import("../report/format-github");
    const { topologyViews } = require("../report/topology-view") as typeof import("../report/topology-view");
    appendJobSummary(githubStepSummary(report, topologyViews(graphs), { failOn: settings.failOn }), io);
  }
  warnAboutInputs(report, io);
  if (flags.atlantis) return EXIT.clean;
  return isFailing(report, settings.failOn) ? EXIT.failed : EXIT.clean;
}
