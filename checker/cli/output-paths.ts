/**
 * Where `--format F=file` may write. A report written over a file the run reads destroys it (CI
 * then checks the report instead of the plan, or loses the configuration), and two formats given
 * one file leave only the last; both are usage errors, found before anything is read or written.
 *
 * Paths are compared as the file system sees them, not as they were typed: an existing file by its
 * device and inode (so `./plan.json`, `x/../plan.json`, a symlink or a hard link to it are all the
 * same file), a file not written yet by its real path (symlinked folders resolved).
 */
import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors";
import { STDIN, synthFolderOf } from "../load/load-inputs";
import type { FormatTarget } from "./format-targets";

/** Why the run reads a file: how the refusal names it. */
export type ReadRole = "input" | "context input" | "configuration file" | "waivers file";

/** A file (or folder) the run reads, as it was named; relative paths are read from the process's working folder. */
export interface ReadPath {
  readonly path: string;
  readonly role: ReadRole;
}

/** Throws a one-line `UsageError` when a file target is a file the run reads, lies in a synth folder it reads, or repeats another target. */
export function refuseUnsafeOutputs(targets: readonly FormatTarget[], reads: readonly ReadPath[], cwd: string): void {
  const readable = reads.filter((read) => read.path !== STDIN);
  const written = new Map<string, FormatTarget>();
  for (const target of targets) {
    if (target.path === undefined) continue;
    const file = path.resolve(cwd, target.path);
    const flag = `--format ${target.format}=${target.path}`;
    const key = identity(file);
    const earlier = written.get(key);
    if (earlier) throw new UsageError(`--format ${earlier.format}=${earlier.path} and ${flag} write the same file; give each format its own file`);
    written.set(key, target);
    const input = readable.find((read) => identity(path.resolve(read.path)) === key);
    if (input) {
      const same = path.resolve(input.path) === file ? "" : " (the same file)";
      throw new UsageError(`${flag} would overwrite the ${input.role} ${input.path}${same}; write the report to another file`);
    }
    for (const read of readable) {
      const folder = synthFolderOf(read.path);
      if (folder !== undefined && isInside(realPath(file), realPath(path.resolve(folder)))) {
        throw new UsageError(`${flag} is inside ${folder}, the synth output the ${read.role} ${read.path} is read from; write the report outside that folder`);
      }
    }
  }
}

/** The file a path leads to: device and inode when it exists, else its real path. */
function identity(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `inode ${stat.dev}:${stat.ino}`;
  } catch {
    return `path ${realPath(file)}`;
  }
}

/** The real path of the nearest existing ancestor, with the rest of the path (not created yet) joined on. */
function realPath(file: string): string {
  const rest: string[] = [];
  let at = file;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(at), ...rest);
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return file;
      rest.unshift(path.basename(at));
      at = parent;
    }
  }
}

/** The folder itself counts: a report cannot replace it either. */
function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== ".." && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
