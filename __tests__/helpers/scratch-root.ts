/**
 * One temporary folder per test run. Tests, the libraries they drive (cdktf's `Testing` makes a
 * `cdktf.outdir.*` per synth) and the programs they start (terraform, the built command) all make
 * their scratch folders under `os.tmpdir()`; pointing TMPDIR at a folder of the run's own, and
 * removing it at the end, leaves nothing behind in the machine's temporary folder (a full
 * `npm test` used to leave about a hundred folders there). Jest starts its workers after the
 * global set-up, so they inherit the variables. EKS_SG_POLICY_KEEP_TMP=1 keeps the folder (its
 * path is printed) to look at what the tests wrote.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT_ENV = "EKS_SG_POLICY_TEST_TMP";
const SAVED_ENV = "EKS_SG_POLICY_TEST_TMP_SAVED";
const KEEP_ENV = "EKS_SG_POLICY_KEEP_TMP";
/** What os.tmpdir() reads: TMPDIR on POSIX, TEMP and TMP on Windows. */
const TMP_VARIABLES = ["TMPDIR", "TEMP", "TMP"] as const;

export function startScratchRoot(env: NodeJS.ProcessEnv = process.env, base: string = os.tmpdir()): string {
  const root = fs.mkdtempSync(path.join(base, "eks-sg-policy-test-run-"));
  // Set-up and tear-down are separate hooks: what the tear-down puts back travels in the
  // environment, beside the folder's path (which the workers read too).
  env[SAVED_ENV] = JSON.stringify(Object.fromEntries(TMP_VARIABLES.map((name) => [name, env[name] ?? null])));
  env[ROOT_ENV] = root;
  for (const name of TMP_VARIABLES) env[name] = root;
  return root;
}

export function endScratchRoot(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): void {
  const root = env[ROOT_ENV];
  if (root === undefined) return;
  const saved = JSON.parse(env[SAVED_ENV] ?? "{}") as Record<string, string | null>;
  for (const name of TMP_VARIABLES) {
    if (typeof saved[name] === "string") env[name] = saved[name];
    else delete env[name];
  }
  delete env[ROOT_ENV];
  delete env[SAVED_ENV];
  if (env[KEEP_ENV] === "1") log(`Test scratch folders kept in ${root} (${KEEP_ENV}=1)`);
  else fs.rmSync(root, { recursive: true, force: true });
}
