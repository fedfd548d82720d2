import fs from "node:fs";
import { UsageError } from "../errors";
import { stepsBySize } from "./large-plan-v8";
import type { CommandRunner } from "./command-runner";
import type { OpenTerminal } from "./confirm";
import { whyNotWritten } from "./write-failure";

/** What the CLI reads from and writes to; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin?: () => Uint8Array;
  /** Whether stdout / stderr are terminals (colours, progress). */
  readonly stdoutIsTty?: boolean;
  readonly stderrIsTty?: boolean;
  /** The terminal's width, when stdout is one (the human format wraps to it). */
  readonly columns?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Working folder, where a configuration file is looked for. */
  readonly cwd?: string;
  /** How `deploy` runs terraform, and asks before applying. */
  readonly runner?: CommandRunner;
  readonly terminal?: OpenTerminal;
  /** The clock waiver expiry is judged by. */
  readonly now?: () => Date;
  /** Told the size of each file or standard input `check` reads, before it is parsed. */
  readonly beforeReading?: (bytes: number) => void;
}

/**
 * Standard output redirected to a file (`> report.sarif`): Node's stream for a file ignores a short
 * write (a full disk, `ulimit -f`), which leaves a truncated report and exit code 0. Writing every
 * byte here turns that into a one-line error. Pipes and terminals keep Node's stream.
 */
function writeStdout(text: string): void {
  if (!isRegularFile(1)) {
    process.stdout.write(text);
    return;
  }
  try {
    // A piece at a time through one buffer: the report in UTF-8 at once was a few MB more to touch (issue #13).
    const bytes = Buffer.allocUnsafe(3 * STDOUT_PIECE);
    for (let start = 0; start < text.length; ) {
      let end = Math.min(start + STDOUT_PIECE, text.length);
      // A surrogate pair stays whole (3 bytes of UTF-8 per UTF-16 unit at most, 4 per pair).
      if (end < text.length && /[\ud800-\udbff]/.test(text[end - 1])) end -= 1;
      const length = bytes.write(text.slice(start, end), "utf8");
      for (let offset = 0; offset < length; ) {
        const written = fs.writeSync(1, bytes, offset, length - offset);
        if (written === 0) throw Object.assign(new Error("nothing written"), { code: "EIO" });
        offset += written;
      }
      start = end;
    }
  } catch (error) {
    throw new UsageError(`cannot write to standard output: ${whyNotWritten(error)}; what it holds is cut short. Fix that, or write the report with --format F=file, which is written whole or not at all`);
  }
}

/** UTF-16 units of the report per write to a file. */
const STDOUT_PIECE = 2 ** 14;

const regularFile: (boolean | undefined)[] = [];
/** Whether standard output (1) or standard error (2) is a regular file (`> report.json`), asked once. */
export function isRegularFile(fd: 1 | 2): boolean {
  if (regularFile[fd] === undefined) {
    try {
      regularFile[fd] = fs.fstatSync(fd).isFile();
    } catch {
      regularFile[fd] = false;
    }
  }
  return regularFile[fd]!;
}

export const processIo: CliIo = processIoWith();

/** The command's own process (bin/eks-sg-policy.js): V8 is set up for the size of the plans (large-plan-v8.ts). */
export const commandIo: CliIo = processIoWith(stepsBySize());

function processIoWith(beforeReading?: (bytes: number) => void): CliIo {
  // Asked when read, and never of a regular file (no terminal, no width): the first use of
  // process.stdout or process.stderr loads Node's stream modules, a few ms of every run (issue #13).
  return {
    stdout: writeStdout,
    stderr: (text) => process.stderr.write(text),
    get stdoutIsTty() {
      return !isRegularFile(1) && process.stdout.isTTY === true;
    },
    get stderrIsTty() {
      return !isRegularFile(2) && process.stderr.isTTY === true;
    },
    get columns() {
      return isRegularFile(1) ? undefined : process.stdout.columns;
    },
    env: process.env,
    cwd: process.cwd(),
    ...(beforeReading ? { beforeReading } : {}),
  };
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(io: CliIo): boolean {
  const env = io.env ?? {};
  return io.stdoutIsTty === true && (env.NO_COLOR === undefined || env.NO_COLOR === "") && env.TERM !== "dumb";
}
