/**
 * `eks-sg-policy deploy [stack]`: check, then apply exactly that plan. Unlike `cdktf deploy`, which
 * plans again when it applies, this saves the plan (`terraform plan -out`), checks its JSON, and
 * applies that saved file only when the check passes — what was checked is what gets applied.
 * The check is `check`'s: the same configuration file, waivers, plugins and `--fail-on`.
 *
 * The steps run through a `CommandRunner` and the question through a `Confirm`, so the decision
 * (apply or not, and which file) can be tested without reaching AWS.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../errors";
import { isFailing } from "../findings/report";
import { loadText } from "../load/load-inputs";
import { buildGraph } from "../model/resource-graph";
import type { Policy } from "../policy/contract";
import { formatText } from "../report/format-text";
import { checkGraphs } from "../run/pipeline";
import type { CommandResult, CommandRunner, Confirm } from "./command-runner";
import { EXIT } from "./exit-codes";
import type { CliIo } from "./io";
import { settingsFromFlags, type SettingsFlags } from "./run-settings-flags";

export interface DeployFlags extends SettingsFlags {
  readonly outdir: string;
  readonly skipSynth?: boolean;
  readonly autoApprove?: boolean;
  readonly terraform: string;
  readonly synthCommand: string;
}

function stackFolder(outdir: string, stack: string | undefined): { name: string; dir: string } {
  const manifestFile = path.join(outdir, "manifest.json");
  if (!fs.existsSync(manifestFile)) throw new UsageError(`${manifestFile} not found; run cdktf synth, or drop --skip-synth`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as { stacks?: Record<string, { workingDirectory?: string }> };
  const names = Object.keys(manifest.stacks ?? {});
  const name = stack ?? (names.length === 1 ? names[0] : undefined);
  if (!name) throw new UsageError(`name the stack to deploy: one of ${names.join(", ") || "(none)"}`);
  if (!names.includes(name)) throw new UsageError(`no stack "${name}" in ${manifestFile}; stacks: ${names.join(", ")}`);
  return { name, dir: path.join(outdir, manifest.stacks![name].workingDirectory ?? path.join("stacks", name)) };
}

function step(runner: CommandRunner, io: CliIo, command: string, args: string[], cwd: string, capture = false): CommandResult {
  if (!capture) io.stderr(`eks-sg-policy deploy: ${command} ${args.join(" ")}\n`);
  const result = runner(command, args, { cwd, capture });
  if (result.status !== 0) throw new UsageError(`${command} ${args[0]} failed with exit code ${result.status} in ${cwd}; nothing was applied`);
  return result;
}

export function runDeploy(stack: string | undefined, flags: DeployFlags, io: CliIo, registry: readonly Policy[], runner: CommandRunner, confirm: Confirm): number {
  const cwd = io.cwd ?? process.cwd();
  // Settings first: a wrong configuration stops the deploy before anything runs.
  const settings = settingsFromFlags(flags, io, registry);
  if (!flags.skipSynth) {
    const [command, ...args] = flags.synthCommand.split(" ").filter(Boolean);
    step(runner, io, command, args, cwd);
  }
  const { name, dir } = stackFolder(path.resolve(cwd, flags.outdir), stack);
  const planFile = "eks-sg-policy.tfplan";
  step(runner, io, flags.terraform, ["init", "-input=false"], dir);
  step(runner, io, flags.terraform, ["plan", "-input=false", `-out=${planFile}`], dir);
  const shown = step(runner, io, flags.terraform, ["show", "-json", planFile], dir, true);
  const graphs = loadText(shown.stdout, `${name} (${path.join(dir, planFile)})`).map(buildGraph);
  const report = checkGraphs(graphs, settings, io.now?.() ?? new Date());
  io.stdout(formatText(report, settings.failOn));
  if (isFailing(report, settings.failOn)) {
    io.stderr(`eks-sg-policy deploy: the plan of stack ${name} fails the check; nothing was applied\n`);
    return EXIT.failed;
  }
  if (!flags.autoApprove && !confirm(`Apply the checked plan of stack ${name}? Only "yes" applies: `)) {
    io.stderr("eks-sg-policy deploy: not applied\n");
    return EXIT.clean;
  }
  // The saved plan file, not a new plan: what was checked is what is applied.
  step(runner, io, flags.terraform, ["apply", "-input=false", planFile], dir);
  return EXIT.clean;
}
