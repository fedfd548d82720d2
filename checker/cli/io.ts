import type { CommandRunner } from "./command-runner";
import type { OpenTerminal } from "./confirm";

/** What the CLI reads from and writes to; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin?: () => Uint8Array;
  /** Whether stdout / stderr are terminals (colours, progress). */
  readonly stdoutIsTty?: boolean;
  readonly stderrIsTty?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Working folder, where a configuration file is looked for. */
  readonly cwd?: string;
  /** How `deploy` runs terraform, and asks before applying. */
  readonly runner?: CommandRunner;
  readonly terminal?: OpenTerminal;
  /** The clock waiver expiry is judged by. */
  readonly now?: () => Date;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTty: process.stdout.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  env: process.env,
  cwd: process.cwd(),
};

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIo): boolean {
  const env = io.env ?? {};
  return io.stdoutIsTty === true && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb";
}
