/**
 * A reader that closes standard output early: `check big.json | head -c 100`. head takes what it
 * wants and exits; Node, which ignores SIGPIPE, then reports EPIPE as an 'error' event on
 * process.stdout, and with no listener the process dies with a stack trace and exit code 1.
 *
 * The check is synchronous, so by the time the error arrives the report is made and the exit code
 * decided. The output ends quietly and the process keeps that code: under `set -o pipefail` a
 * failing plan piped into head still fails the step and a clean one still passes, because what the
 * reader left unread does not change the verdict. (Dying of SIGPIPE, as C tools do, would give
 * 141 for every plan, which says nothing about the plan.)
 *
 * Any other error on these streams (EIO, a device gone) is one line and exit code 2.
 *
 * Without streams given, the process's own are watched, but not one that is a regular file: Node
 * writes to a file synchronously and throws there, so no 'error' event comes, and asking for the
 * stream would load Node's stream modules for nothing (issue #13).
 */
import { EXIT } from "./exit-codes";
import { isRegularFile } from "./io";
import { whyNotWritten } from "./write-failure";

export interface OutputStreams {
  readonly stdout: NodeJS.EventEmitter;
  readonly stderr: NodeJS.EventEmitter & { write(text: string): unknown };
}

export function endQuietlyOnClosedPipes(given?: OutputStreams, setExitCode: (code: number) => void = (code) => (process.exitCode = code)): void {
  const streams = given ?? process;
  const listen = (stream: NodeJS.EventEmitter, name: string) =>
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") return;
      setExitCode(EXIT.badInput);
      if (stream === streams.stderr) return; // nowhere left to say it
      try {
        streams.stderr.write(`eks-sg-policy: cannot write to ${name}: ${whyNotWritten(error)}\n`);
      } catch {
        // stderr is gone too: the exit code says it
      }
    });
  const watched = (fd: 1 | 2) => given !== undefined || !isRegularFile(fd);
  if (watched(1)) listen(streams.stdout, "standard output");
  if (watched(2)) listen(streams.stderr, "standard error");
}
