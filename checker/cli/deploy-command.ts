/**
 * `eks-sg-policy deploy [stacks...]`: check, then apply exactly that plan. Unlike `cdktf deploy`,
 * which plans again when it applies, this saves the plan (`terraform plan -out`), checks its JSON,
 * and applies that saved file only when the check passes — what was checked is what gets applied.
 * The file is this run's own, in a private folder, and its digest must not have changed before
 * the apply (private-plan.ts). The check is `check`'s: the same configuration file, waivers,
 * plugins and `--fail-on`; a synth stopped by the synth-time gate fails it too (synth-step.ts).
 *
 * Several stacks (or `'*'`) go in the dependency order of `cdktf.out/manifest.json`, one at a
 * time: each is planned after the ones before it were applied (so their outputs are read), checked
 * with their states as context (so the topology spans the stacks), and applied; nothing is applied
 * after the first stack that fails its check, is not confirmed or fails to apply. Exit codes:
 * exit-codes.ts; a failed apply is not a failed step before it, since resources may have changed.
 *
 * Without --auto-approve each apply waits for a "yes" on the terminal; with no terminal to ask on,
 * the run stops before anything runs (exit 2) rather than end at a question nobody can answer.
 *
 * The steps run through a `CommandRunner` and the question through a `Terminal`, so the decision
 * (apply or not, and which file) can be tested without reaching AWS.
 */
import path from "node:path";
import { InputError, UsageError } from "../errors";
import { isFailing } from "../findings/report";
import { loadText } from "../load/load-inputs";
import type { LoadedInput } from "../load/plan-document";
import type { Policy } from "../policy/contract";
import { formatText } from "../report/format-text";
import { checkLoaded } from "../run/pipeline";
import type { RunSettings } from "../run/settings";
import type { CommandResult, CommandRunner, RunOptions } from "./command-runner";
import type { OpenTerminal, Terminal } from "./confirm";
import { deployOrder, readManifest, stackFolder } from "./deploy-order";
import { EXIT } from "./exit-codes";
import type { CliIo } from "./io";
import { PrivatePlan } from "./private-plan";
import { settingsFromFlags, type SettingsFlags } from "./run-settings-flags";
import { gateStopMessage, synthesize } from "./synth-step";

export interface DeployFlags extends SettingsFlags {
  readonly outdir: string;
  readonly skipSynth?: boolean;
  readonly autoApprove?: boolean;
  readonly terraform: string;
  readonly synthCommand: string;
}

interface StackFolder {
  readonly name: string;
  readonly dir: string;
}

/** What every step of one run uses. */
interface Deployment {
  readonly flags: DeployFlags;
  readonly settings: RunSettings;
  readonly io: CliIo;
  readonly runner: CommandRunner;
  /** Where each apply is asked for; undefined with --auto-approve. */
  readonly terminal: Terminal | undefined;
}

function run(d: Deployment, command: string, args: readonly string[], options: RunOptions): CommandResult {
  if (!options.capture) d.io.stderr(`eks-sg-policy deploy: ${command} ${args.join(" ")}\n`);
  return d.runner(command, args, options);
}

/** A step before the apply: when it fails, nothing of this stack was applied. */
function step(d: Deployment, command: string, args: readonly string[], cwd: string, capture = false): CommandResult {
  const result = run(d, command, args, { cwd, capture });
  if (result.status !== 0) throw new UsageError(`${command} ${args[0]} failed with exit code ${result.status} in ${cwd}; nothing more was applied`);
  return result;
}

/** What `terraform show -json` printed, as an input (a plan to judge, or an applied stack's state as context). */
function shownInput(text: string, name: string, display: string, role: "subject" | "context"): LoadedInput[] {
  try {
    return loadText(text, display, undefined, role).map((input): LoadedInput => ({ ...input, stack: name }));
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(`terraform show -json of stack ${name} printed something the checker cannot read: ${error.message}`);
    throw error;
  }
}

type Outcome = "applied" | "failed" | "declined" | "apply-failed";

/** What the run exits with when a stack ends this way (and stops the stacks after it). */
const EXIT_OF: Record<Exclude<Outcome, "applied">, number> = { failed: EXIT.failed, declined: EXIT.clean, "apply-failed": EXIT.applyFailed };

function deployStack(d: Deployment, stack: StackFolder, applied: readonly LoadedInput[]): Outcome {
  const saved = PrivatePlan.create(stack.name);
  try {
    return checkAndApply(d, stack, saved, applied);
  } finally {
    saved.remove();
  }
}

function checkAndApply(d: Deployment, stack: StackFolder, saved: PrivatePlan, applied: readonly LoadedInput[]): Outcome {
  const { flags, settings, io } = d;
  const { name, dir } = stack;
  step(d, flags.terraform, ["init", "-input=false"], dir);
  step(d, flags.terraform, ["plan", "-input=false", `-out=${saved.file}`], dir);
  const checked = saved.seal(name);
  const shown = step(d, flags.terraform, ["show", "-json", saved.file], dir, true);
  const plan = shownInput(shown.stdout, name, `${name} (saved plan of ${dir})`, "subject");
  const { report } = checkLoaded(plan, settings, io.now?.() ?? new Date(), applied);
  io.stdout(formatText(report, settings.failOn));
  if (isFailing(report, settings.failOn)) {
    io.stderr(`eks-sg-policy deploy: the plan of stack ${name} fails the check; it was not applied\n`);
    return "failed";
  }
  if (d.terminal && !d.terminal.ask(`Apply the checked plan of stack ${name}? Only "yes" applies: `)) {
    io.stderr(`eks-sg-policy deploy: stack ${name} not applied\n`);
    return "declined";
  }
  // The saved plan file, not a new plan, and only while it holds the bytes that were checked.
  saved.verify(name, checked);
  const apply = run(d, flags.terraform, ["apply", "-input=false", saved.file], { cwd: dir });
  if (apply.status !== 0) {
    // Terraform may have created, changed or destroyed some resources before it failed.
    const how = apply.signal ? `was stopped by ${apply.signal}` : `failed with terraform's exit code ${apply.status}`;
    io.stderr(`eks-sg-policy deploy: the apply of stack ${name} ${how}; resources may have changed: run \`${flags.terraform} plan\` in ${dir} to see what is there now\n`);
    return "apply-failed";
  }
  return "applied";
}

export function runDeploy(stacks: readonly string[], flags: DeployFlags, io: CliIo, registry: readonly Policy[], runner: CommandRunner, openTerminal: OpenTerminal): number {
  // Settings first: a wrong configuration stops the deploy before anything runs.
  const settings = settingsFromFlags(flags, io, registry);
  // And the terminal: a run that could only end at a question nobody can answer never starts.
  const terminal = flags.autoApprove ? undefined : openTerminal();
  if (!flags.autoApprove && terminal === undefined) {
    throw new UsageError("no terminal to ask before applying (stdin is not a terminal); pass --auto-approve to apply the plans that pass the check without asking, as in CI");
  }
  try {
    return deployStacks(stacks, { flags, settings, io, runner, terminal });
  } finally {
    terminal?.close();
  }
}

function deployStacks(stacks: readonly string[], d: Deployment): number {
  const { flags, io } = d;
  const cwd = io.cwd ?? process.cwd();
  if (!flags.skipSynth) {
    const stops = synthesize(flags.synthCommand, cwd, (command, args, options) => run(d, command, args, options));
    if (stops.length > 0) {
      io.stderr(`eks-sg-policy deploy: ${gateStopMessage(stops)}\n`);
      return EXIT.failed;
    }
  }
  const outdir = path.resolve(cwd, flags.outdir);
  const manifest = readManifest(outdir);
  const order = deployOrder(manifest.stacks, stacks, manifest.file);
  if (order.length > 1) io.stderr(`eks-sg-policy deploy: stacks in order: ${order.join(", ")}\n`);
  const applied: LoadedInput[] = [];
  for (const [i, name] of order.entries()) {
    const dir = stackFolder(outdir, manifest, name);
    const outcome = deployStack(d, { name, dir }, applied);
    const rest = order.slice(i + 1);
    if (outcome !== "applied") {
      if (rest.length > 0) io.stderr(`eks-sg-policy deploy: not planned or applied: ${rest.join(", ")}\n`);
      return EXIT_OF[outcome];
    }
    // What the stack now is, for the checks of the stacks after it.
    if (rest.length > 0) applied.push(...shownInput(step(d, flags.terraform, ["show", "-json"], dir, true).stdout, name, `${name} (state)`, "context"));
  }
  return EXIT.clean;
}
