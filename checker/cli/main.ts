/**
 * The command line: parses arguments and hands each command to its module. Errors a user can
 * cause become one line on stderr and exit code 2; nothing else decides exit codes.
 */
import { Command, CommanderError, Option } from "commander";
import { InputError, UsageError } from "../errors";
import { printable } from "../printable";
import type { FailOn } from "../findings/report";
import type { Policy } from "../policy/contract";
import { FORMAT_NAMES } from "../report/formatters";
import type { TopologyView } from "../report/topology-view";
import { toolVersion } from "../run/tool-version";
import { modelCommandInputs, runCheck } from "./check-command";
import type { DeployFlags } from "./deploy-command";
import { EXIT } from "./exit-codes";
import { processIo, type CliIo } from "./io";
import { policies as builtInPolicies } from "../../policies";

export { EXIT } from "./exit-codes";
export { endQuietlyOnClosedPipes } from "./closed-pipe";
export { commandIo, type CliIo } from "./io";

const collect = (value: string, previous: string[]) => [...previous, value];

const FAIL_ON_CHOICES = ["error", "warning", "info", "never"];

/** `--context`: inputs that complete the world (the cluster's state, another stack) without findings of their own. */
const contextOption = () =>
  new Option("--context <input>", "a plan, cdk.tf.json, cdktf.out or state (terraform show -json) that completes the topology but gets no findings, repeatable")
    .argParser(collect)
    .default([]);

/** `--config`, `--no-config`, `--waivers` and `--plugin`: what `check` and `deploy` are set up with. */
function addSettingsOptions(command: Command): Command {
  return command
    .option("--config <file>", "configuration file (default: ./eks-sg-policy.config.json when present)")
    .option("--no-config", "read no configuration file")
    .option("--floor <file>", "an operator's configuration the repository's may only tighten (default: $EKS_SG_POLICY_FLOOR)")
    .addOption(new Option("--waivers <file>", 'a waivers file {"waivers": [...]}, repeatable').argParser(collect).default([]))
    .addOption(new Option("--plugin <module>", "a module exporting `policies` to run with the built-in ones, repeatable").argParser(collect).default([]));
}

/** `graph --cluster`: a cluster's address or its name; a usage error listing the clusters when none matches. */
function clusterAddress(views: readonly TopologyView[], wanted: string): string {
  const clusters = views.flatMap((view) => view.clusters);
  const found = clusters.find((c) => c.address === wanted) ?? clusters.find((c) => c.name === wanted);
  if (found) return found.address;
  const known = clusters.map((c) => (c.name ? `${c.address} (${c.name})` : c.address));
  throw new UsageError(`--cluster ${JSON.stringify(wanted)} matches no cluster in the inputs; ${known.length > 0 ? `clusters (address or name): ${known.join(", ")}` : "they hold no EKS cluster"}`);
}

/** commander gives `config: true` when neither --config nor --no-config is given. */
const configFlag = (config: string | boolean | undefined): string | false | undefined => (config === true ? undefined : config);

/**
 * Commander writes "error: unknown command 'chek'" and "(Did you mean check?)" on two lines; the
 * CLI promises one line with its own prefix, so both become "eks-sg-policy: unknown command 'chek'
 * (did you mean check?)", and a pointer to --help where commander has no suggestion.
 */
export function oneLineUsageError(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const message = (lines[0] ?? "usage error").replace(/^error: /, "").replace(/\.$/, "");
  const suggestion = lines.slice(1).find((l) => /^\(Did you mean /.test(l));
  const hint = suggestion ? ` ${suggestion.replace("(Did you mean", "(did you mean")}` : "; see eks-sg-policy --help";
  return `eks-sg-policy: ${printable(message)}${hint}\n`;
}

const outputOf = (io: CliIo) => ({ writeOut: io.stdout, writeErr: io.stderr, outputError: (text: string) => io.stderr(oneLineUsageError(text)) });

function withOneLineErrors(command: Command, io: CliIo): Command {
  return command.exitOverride().configureOutput(outputOf(io));
}

function buildProgram(io: CliIo, setExit: (code: number) => void, policies: readonly Policy[]): Command {
  const program = new Command("eks-sg-policy")
    .description("Check EKS security groups and cluster settings in Terraform plans and CDKTF output before apply")
    .version(toolVersion())
    .option("--debug", "show stack traces of errors");
  withOneLineErrors(program, io);

  const check = program
    .command("check")
    .description("check plan JSON files (terraform show -json), cdk.tf.json files or cdktf.out folders; - reads stdin")
    .argument("<input...>", "plan.json | cdk.tf.json | cdktf.out | -")
    .addOption(new Option("--format <format[=file]>", `output format, repeatable; F=file writes to a file (${FORMAT_NAMES.join(", ")})`).argParser(collect).default([]))
    .addOption(new Option("--fail-on <severity>", "lowest severity of a failing finding that makes the exit code 1 (default: error, or failOn in the configuration)").choices(FAIL_ON_CHOICES))
    .addOption(contextOption());
  addSettingsOptions(check)
    .option("--sarif-source <file>", "point every SARIF and GitHub location at this file (e.g. infra/main.tf) instead of the input")
    .option("--atlantis", "Atlantis custom policy check: text output, exit 0 unless the input is bad")
    .option("--debug", "show stack traces of errors")
    .exitOverride()
    .configureOutput(outputOf(io))
    .action((inputs: string[], flags: { format: string[]; context: string[]; failOn?: FailOn; atlantis?: boolean; config?: string | boolean; waivers: string[]; plugin: string[]; sarifSource?: string; floor?: string }) => {
      setExit(runCheck(inputs, { ...flags, config: configFlag(flags.config) }, io, policies));
    });

  program
    .command("graph")
    .description("draw each cluster's topology: which SGs sit on which ENI, and whether the required flows pass")
    .argument("<input...>", "plan.json | cdk.tf.json | cdktf.out | -")
    .addOption(new Option("--format <format>", "diagram language").choices(["mermaid", "dot"]).default("mermaid"))
    .option("--cluster <address>", "only this cluster (its resource address)")
    .addOption(contextOption())
    .exitOverride()
    .configureOutput(outputOf(io))
    .action((inputs: string[], flags: { format: "mermaid" | "dot"; cluster?: string; context: string[] }) => {
      // The other commands' modules load when they run: a check never pays for them (issue #13).
      const { topologyViews } = require("../report/topology-view") as typeof import("../report/topology-view");
      const views = topologyViews(modelCommandInputs(inputs, flags.context, io));
      const cluster = flags.cluster === undefined ? undefined : clusterAddress(views, flags.cluster);
      if (flags.format === "dot") io.stdout((require("../report/format-dot") as typeof import("../report/format-dot")).formatDot(views, { cluster }));
      else io.stdout((require("../report/format-mermaid") as typeof import("../report/format-mermaid")).formatMermaid(views, { cluster }));
    });

  const deploy = program
    .command("deploy")
    .description("CDKTF: synth, plan to a file, check that plan (as check would), and apply that same file only when the check passes")
    .argument("[stacks...]", "the stacks to deploy, in dependency order ('*' for all; needed when the app has several)")
    .option("--outdir <dir>", "the synth output folder", "cdktf.out")
    .option("--skip-synth", "use the existing synth output")
    .option("--synth-command <command>", "how to synthesize", "npx cdktf synth")
    .option("--terraform <binary>", "terraform or tofu", io.env?.TERRAFORM_BINARY_NAME ?? "terraform")
    .option("--auto-approve", "apply without asking when the check passes (needed where there is no terminal to ask on, e.g. CI)")
    .addOption(new Option("--fail-on <severity>", "lowest severity of a failing finding that stops the apply (default: error, or failOn in the configuration)").choices(FAIL_ON_CHOICES));
  addSettingsOptions(deploy)
    .exitOverride()
    .configureOutput(outputOf(io))
    .action((stacks: string[], flags: Omit<DeployFlags, "config"> & { config?: string | boolean }) => {
      const { runDeploy } = require("./deploy-command") as typeof import("./deploy-command");
      const runner = io.runner ?? (require("./command-runner") as typeof import("./command-runner")).spawnRunner;
      const terminal = io.terminal ?? (require("./confirm") as typeof import("./confirm")).openTerminal;
      setExit(runDeploy(stacks, { ...flags, config: configFlag(flags.config) }, io, policies, runner, terminal));
    });

  const pluginOption = () => new Option("--plugin <module>", "also list the policies of this plugin, repeatable").argParser(collect).default([]);
  program
    .command("list")
    .description("list the policies: id, severity, what a compliant configuration looks like")
    .addOption(pluginOption())
    .exitOverride()
    .configureOutput(outputOf(io))
    .action((flags: { plugin: string[] }) => {
      const { listPolicies, registryWithPlugins } = require("./catalogue-commands") as typeof import("./catalogue-commands");
      listPolicies(registryWithPlugins(policies, flags.plugin, io), io);
    });

  program
    .command("explain")
    .description("print a policy's page: what it checks, why, how to fix it")
    .argument("<policy>", "policy id, e.g. node-to-apiserver")
    .addOption(pluginOption())
    .exitOverride()
    .configureOutput(outputOf(io))
    .action((id: string, flags: { plugin: string[] }) => {
      const { explainPolicy, registryWithPlugins } = require("./catalogue-commands") as typeof import("./catalogue-commands");
      explainPolicy(id, registryWithPlugins(policies, flags.plugin, io), io);
    });
  return program;
}

/** Runs the CLI on `argv` (without `node` and the script) with the given policies; returns the exit code. */
export function runCli(argv: readonly string[], io: CliIo = processIo, policies: readonly Policy[] = builtInPolicies): number {
  let exitCode: number = EXIT.clean;
  const debug = argv.includes("--debug");
  const program = buildProgram(io, (code) => (exitCode = code), policies);
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.badInput;
    }
    program.parse([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message; help and version are not errors.
      return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version" ? EXIT.clean : EXIT.badInput;
    }
    if (error instanceof InputError || error instanceof UsageError) {
      io.stderr(`eks-sg-policy: ${printable(error.message)}\n`);
      if (debug && error.stack) io.stderr(`${error.stack}\n`);
      return EXIT.badInput;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`eks-sg-policy: internal error: ${printable(message.split("\n")[0])} (run with --debug for details, and please report it)\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT.badInput;
  }
}
