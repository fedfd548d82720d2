/**
 * The question before an apply, asked on the terminal `deploy` runs in. The answer is read from
 * `/dev/tty`, opened for this run, not from fd 0: Node puts a terminal stdin in non-blocking mode
 * as soon as `process.stdin` is touched, and `readSync(0)` then fails with EAGAIN instead of
 * waiting. A new open of the terminal is a file description of its own, so it blocks, in the
 * terminal's line mode (the answer is echoed, can be edited, and is read on Enter).
 */
import fs from "node:fs";
import tty from "node:tty";
import { UsageError } from "../errors";

/** Where the question before an apply is asked. */
export interface Terminal {
  /** True only for an answer of exactly `yes`, as `terraform apply` asks. */
  ask(question: string): boolean;
  close(): void;
}

/** Opens the terminal to ask on; undefined when there is none (CI, a pipe or a file on stdin). */
export type OpenTerminal = () => Terminal | undefined;

/** Enough for any answer; a longer line is no answer. */
const LONGEST_ANSWER = 4096;

export const openTerminal: OpenTerminal = () => {
  // A stdin that is not a terminal (a pipe, a file, /dev/null) means the run is not interactive,
  // even when a terminal is around: the answer must come from the person who started it.
  if (!tty.isatty(0)) return undefined;
  let fd: number;
  try {
    fd = fs.openSync("/dev/tty", "r+");
  } catch {
    return undefined; // no controlling terminal (or no /dev/tty, as on Windows)
  }
  return {
    ask(question) {
      fs.writeSync(fd, question);
      return readLine(fd) === "yes";
    },
    close() {
      fs.closeSync(fd);
    },
  };
};

function readLine(fd: number): string {
  const chunks: Buffer[] = [];
  let length = 0;
  const buffer = Buffer.alloc(256);
  while (length <= LONGEST_ANSWER) {
    let read: number;
    try {
      read = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      throw new UsageError(`cannot read the answer from the terminal (${(error as NodeJS.ErrnoException).code ?? String(error)}); nothing more was applied`);
    }
    if (read === 0) break; // end of input (Ctrl-D): no answer
    const chunk = Buffer.from(buffer.subarray(0, read));
    chunks.push(chunk);
    length += read;
    if (chunk.includes(0x0a)) break;
  }
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0].trim();
}
