/** How `deploy` runs terraform and the synth command; tests pass their own. */
import { spawnSync } from "node:child_process";
import { UsageError } from "../errors";

export interface CommandResult {
  readonly status: number;
  /** Set when a signal ended the command (its status is then not its own). */
  readonly signal?: NodeJS.Signals;
  readonly stdout: string;
}

export interface RunOptions {
  readonly cwd: string;
  /** Keep stdout (for `terraform show -json`) instead of streaming it. */
  readonly capture?: boolean;
  /** Variables added to this process's environment for the command. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs a command in a folder. */
export type CommandRunner = (command: string, args: readonly string[], options: RunOptions) => CommandResult;

export const spawnRunner: CommandRunner = (command, args, { cwd, capture, env }) => {
  const result = spawnSync(command, args, {
    cwd,
    stdio: capture ? ["inherit", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
    maxBuffer: 1 << 30,
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  if (result.error) throw new UsageError(`cannot run ${command}: ${(result.error as NodeJS.ErrnoException).code ?? result.error.message}`);
  return { status: result.status ?? 1, ...(result.signal ? { signal: result.signal } : {}), stdout: result.stdout ?? "" };
};
