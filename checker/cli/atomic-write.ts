/**
 * Writes a report file whole or not at all. The text goes to a temporary file beside the target,
 * is flushed, then renamed over the target (a rename within one folder is atomic), so a full disk,
 * `ulimit -f` or a killed run never leaves a truncated SARIF for CI to upload, a reader never sees
 * half a report, and a failed run leaves the previous report as it was.
 */
import fs from "node:fs";
import path from "node:path";

export function writeFileAtomically(file: string, text: string): void {
  // A symlinked report keeps its link: the file it points at is replaced, as a plain write would.
  const target = realPathOrSelf(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const existing = fs.statSync(target, { throwIfNoEntry: false });
  // A device or a pipe (/dev/stderr, a shell's process substitution) cannot be replaced; it takes the bytes as they come.
  if (existing !== undefined && !existing.isFile() && !existing.isDirectory()) return fs.writeFileSync(target, text);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomHex()}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, "wx", 0o666);
    // A report replaced keeps the permissions it was given.
    if (existing?.isFile()) fs.fchmodSync(fd, existing.mode & 0o7777);
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) ignoreErrors(() => fs.closeSync(fd!));
    ignoreErrors(() => fs.rmSync(temp, { force: true }));
    throw error;
  }
}

function realPathOrSelf(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** Cleaning up after a failure must not hide the failure itself. */
function ignoreErrors(action: () => void): void {
  try {
    action();
  } catch {
    // the first error is the one to report
  }
}

/** Eight random hex digits; Node's crypto module loads only when a report file is written (issue #13). */
function randomHex(): string {
  return (require("node:crypto") as typeof import("node:crypto")).randomBytes(4).toString("hex");
}
