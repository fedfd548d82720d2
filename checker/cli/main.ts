/**
 * The command line: parses arguments, runs the checker, prints the report and decides the exit
 * code — 0 clean, 1 a finding reaches --fail-on, 2 bad input or usage.
 */
import { Command, CommanderError, Option } from "commander";
import { InputError, UsageError } from "../errors";
import { loadInputs } from "../load/load-inputs";
import { formatJson } from "../report/format-json";
import { formatText } from "../report/format-text";
import { isFailing, type FailOn } from "../report/report";
import { checkInputs } from "../run/check-inputs";
import { toolVersion } from "../run/tool-version";
import { policies } from "../../policies";

export const EXIT = { clean: 0, failed: 1, badInput: 2 } as const;

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin?: () => Uint8Array;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

interface CheckFlags {
  format: "json" | "text";
  failOn: FailOn;
  debug?: boolean;
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command("eks-sg-policy")
    .description("Check EKS security groups and cluster settings in Terraform plans and CDKTF output before apply")
    .version(toolVersion())
    .option("--debug", "show stack traces of errors")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command("check")
    .description("check plan JSON files (terraform show -json), cdk.tf.json files or cdktf.out folders; - reads stdin")
    .argument("<input...>", "plan.json | cdk.tf.json | cdktf.out | -")
    .addOption(new Option("--format <format>", "output format").choices(["json", "text"]).default("text"))
    .addOption(new Option("--fail-on <severity>", "lowest severity of a failing finding that makes the exit code 1").choices(["error", "warning", "info", "never"]).default("error"))
    .option("--debug", "show stack traces of errors")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action((inputs: string[], flags: CheckFlags) => {
      const loaded = loadInputs(inputs, io.readStdin);
      const report = checkInputs(loaded, {}, policies);
      io.stdout(flags.format === "json" ? formatJson(report) : formatText(report, flags.failOn));
      setExit(isFailing(report, flags.failOn) ? EXIT.failed : EXIT.clean);
    });
  return program;
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export function runCli(argv: readonly string[], io: CliIo = defaultIo): number {
  let exitCode: number = EXIT.clean;
  const debug = argv.includes("--debug");
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    program.parse([...argv], { from: "user" });
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.badInput;
    }
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message; help and version are not errors.
      return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version" ? EXIT.clean : EXIT.badInput;
    }
    if (error instanceof InputError || error instanceof UsageError) {
      io.stderr(`eks-sg-policy: ${error.message}\n`);
      if (debug && error.stack) io.stderr(`${error.stack}\n`);
      return EXIT.badInput;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`eks-sg-policy: internal error: ${message.split("\n")[0]} (run with --debug for details, and please report it)\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT.badInput;
  }
}
