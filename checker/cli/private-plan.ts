/**
 * The saved plan of one stack in one `deploy` run, kept where nothing else writes: a new folder
 * of this run (mode 0700) in the system's temporary folder, not the stack's folder. A fixed name
 * in the stack's folder let a second deploy, or anyone who can write there, replace the file
 * between the check and the apply; here each run has its own file, and its SHA-256, taken as soon
 * as terraform wrote it, must still match immediately before `terraform apply` reads it.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../errors";

/** A SHA-256 of a plan file's bytes, in hex. */
export type PlanDigest = string & { readonly __brand: "PlanDigest" };

function digestOf(file: string): PlanDigest {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex") as PlanDigest;
}

export class PrivatePlan {
  /** A new private folder for this stack's plan; `remove()` deletes it with everything in it. */
  static create(stack: string): PrivatePlan {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-plan-"));
    // mkdtemp makes it 0700 on POSIX; say so rather than rely on it (a umask does not widen it).
    fs.chmodSync(folder, 0o700);
    return new PrivatePlan(folder, path.join(folder, `${stack.replace(/[^A-Za-z0-9_.-]/g, "_")}.tfplan`));
  }

  private constructor(
    readonly folder: string,
    /** Where `terraform plan -out` writes, and what `show -json` and `apply` read. */
    readonly file: string,
  ) {}

  /** The digest of the plan as terraform wrote it: the bytes that are shown, checked and applied. */
  seal(stack: string): PlanDigest {
    if (!fs.existsSync(this.file)) throw new UsageError(`terraform plan of stack ${stack} exited 0 but wrote no plan file at ${this.file}; nothing more was applied`);
    return digestOf(this.file);
  }

  /** Throws, and nothing is applied, when the file is no longer the one that was checked. */
  verify(stack: string, checked: PlanDigest): void {
    const now = fs.existsSync(this.file) ? digestOf(this.file) : "(missing)";
    if (now !== checked) {
      throw new UsageError(
        `the saved plan of stack ${stack} changed after it was checked (sha256 ${checked}, now ${now}); it was not applied, nor anything after it: something else wrote to this run's private copy in ${this.folder}; find out what, then deploy again`,
      );
    }
  }

  remove(): void {
    fs.rmSync(this.folder, { recursive: true, force: true });
  }
}
