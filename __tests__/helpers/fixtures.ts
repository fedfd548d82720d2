/** Paths of committed fixtures and of the shared corpus, and small runners over them. */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadInputs } from "../../checker/load/load-inputs";
import { buildGraph, type ResourceGraph } from "../../checker/model/resource-graph";
import { Analysis, messageOf, policyContext, type Facts, type Policy, type PolicyResult } from "../../checker/policy";
import { checkGraphs } from "../../checker/run/pipeline";
import { resolveSettings } from "../../checker/run/settings";
import { runCli } from "../../checker/cli/main";
import { policies as registry } from "../../policies";

export const ROOT = path.resolve(__dirname, "../..");
export const FIXTURES = path.join(ROOT, "__tests__/fixtures");
/** Real plans from public projects whose licences allow it, committed with their sources. */
export const VENDORED_CORPUS = path.join(FIXTURES, "corpus", "plans");
/** The project's wider corpus beside the repository; a user's clone does not have it. */
export const SHARED_CORPUS = path.resolve(ROOT, "../shared/plans");
/** Why tests over the shared corpus are skipped here, or `undefined` when it is there. */
export const sharedCorpusMissing: string | undefined = fs.existsSync(SHARED_CORPUS) ? undefined : `${SHARED_CORPUS} is not there; only the vendored plans are checked`;
/** Plans that are input errors by design (errored: true). */
export const ERRORED_PLANS: ReadonlySet<string> = new Set(["hashicorp__terraform__show-json-plan-error.json", "opentofu__opentofu__show-json-plan-error.json"]);

/** The plan that `regenerate.sh` made from `__tests__/fixtures/tf/<name>/`. */
export function fixturePlan(name: string): string {
  const file = path.join(FIXTURES, "tf", name, "plan.json");
  if (!fs.existsSync(file)) throw new Error(`fixture ${name} has no plan.json; run npm run fixtures`);
  return file;
}

export function graphOf(file: string): ResourceGraph {
  const [input] = loadInputs([file]);
  return buildGraph(input);
}

const jsonFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : []);

/** Every real plan here: the vendored ones, and those of the shared corpus when it is there. */
export function corpusPlans(): string[] {
  const vendored = jsonFiles(VENDORED_CORPUS);
  const shared = jsonFiles(SHARED_CORPUS).filter((f) => !vendored.includes(f));
  return [...vendored.map((f) => path.join(VENDORED_CORPUS, f)), ...shared.map((f) => path.join(SHARED_CORPUS, f))].sort((a, b) => (path.basename(a) < path.basename(b) ? -1 : 1));
}

/** One plan of the corpus by file name, vendored first; `undefined` when it is only in a shared corpus that is not there. */
export function corpusPlan(name: string): string | undefined {
  return [path.join(VENDORED_CORPUS, name), path.join(SHARED_CORPUS, name)].find((file) => fs.existsSync(file));
}

/** A policy result with its message made (for the one wording test each policy has). */
export type Verdict = PolicyResult & { readonly message?: string };

/** Runs one policy (with options) over one input; returns every verdict including passes. */
export function verdicts(policy: Policy, file: string, options?: unknown): Verdict[] {
  const graph = graphOf(file);
  const merged = { ...(policy.meta.defaultOptions ?? {}), ...((options as object) ?? {}) };
  return policy.check(policyContext(new Analysis(graph), merged)).map((r) => (r.status === "pass" ? r : { ...r, message: messageOf(policy, r) }));
}

/** address → status, for table-driven comparisons; several results on one address join as "fail+unknown". */
export function statusByAddress(results: readonly PolicyResult[]): Record<string, string> {
  const map: Record<string, string[]> = {};
  for (const r of results) (map[r.address] ??= []).push(r.status);
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, [...new Set(v)].sort().join("+")]));
}

/** The whole pack (or the given policies) over some inputs, with no configuration file. */
export function reportOf(files: string[], only?: Policy[]) {
  return checkGraphs(files.map(graphOf), resolveSettings({ registry: only ?? registry }));
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], stdin?: Uint8Array): CliRun {
  let stdout = "";
  let stderr = "";
  const code = runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => stdin ?? new Uint8Array(),
  });
  return { code, stdout, stderr };
}

export interface VerdictCase {
  /** Fixture folder under __tests__/fixtures/tf (or an absolute path to a plan or cdktf output). */
  readonly fixture: string;
  readonly options?: unknown;
  /** Every subject the policy judges in this plan, with its status; nothing else may appear. */
  readonly expected: Record<string, string>;
  /**
   * The evidence, by address: the message id and facts (a subset) of a non-pass result there, or
   * several when the address has several results (each expected entry must match one result).
   */
  readonly facts?: Record<string, FactsCase | readonly FactsCase[]>;
}

export interface FactsCase {
  readonly messageId: string;
  readonly data?: Facts;
}

/** The table-driven check of one policy: exact verdicts per address, and the evidence (message id and facts). */
export function expectVerdicts(policy: Policy, { fixture, options, expected, facts }: VerdictCase): void {
  const file = path.isAbsolute(fixture) ? fixture : fixturePlan(fixture);
  const results = verdicts(policy, file, options);
  expect(statusByAddress(results)).toEqual(expected);
  for (const [address, wanted] of Object.entries(facts ?? {})) {
    const found = results.filter((r) => r.address === address && r.status !== "pass").map((r) => ({ messageId: r.messageId, data: r.data ?? {} }));
    for (const one of Array.isArray(wanted) ? wanted : [wanted]) {
      expect(found).toContainEqual({ messageId: one.messageId, data: expect.objectContaining(one.data ?? {}) });
    }
  }
}

/** The messages of the non-pass results at `address`: what the one wording test of each policy compares. */
export function wordingOf(policy: Policy, fixture: string, address: string, options?: unknown): string[] {
  return verdicts(policy, path.isAbsolute(fixture) ? fixture : fixturePlan(fixture), options)
    .filter((r) => r.address === address && r.status !== "pass")
    .map((r) => r.message!);
}

/** `status(severity) policy address` for the findings of the given policies, sorted: a plan's verdicts at a glance. */
export function verdictLines(fixture: string, policyIds: ReadonlySet<string>): string[] {
  return reportOf([fixturePlan(fixture)])
    .findings.filter((f) => policyIds.has(f.policy))
    .map((f) => `${f.status}${f.severity === "error" ? "" : `(${f.severity})`} ${f.policy} ${f.address}`)
    .sort();
}
