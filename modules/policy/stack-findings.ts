/**
 * `Findings`: assertions on what the pack says about a stack, in the style of
 * `aws-cdk-lib/assertions`. Works in any test framework: a failed assertion throws an Error whose
 * message lists what was found (the closest findings when the expected one is missing).
 */
import type { IConstruct } from "constructs";
import { loadPlan, type Finding, type LoadedInput, type Report, type Severity } from "../../checker";
import { resolvePack, runPack, type PackOptions } from "./check-options";
import { noStacksUnder, notAScopeOrReport } from "./errors";
import { assertFinding, assertNoFailures, assertNoFinding, selectFindings, type AssertionResult, type FindingQuery, type FindingStatus } from "./findings";
import { stacksOf, synthesizeStacks, synthInput } from "./stack-synthesis";

/** Narrows `hasFinding` / `hasNoFinding` beyond policy and subject. */
export interface FindingOptions {
  /** `fail`, `unknown` or `waived`; any status by default. */
  readonly status?: FindingStatus | readonly FindingStatus[];
  /** The lowest severity to count. */
  readonly severity?: Severity;
}

function isReport(value: unknown): value is Report {
  return typeof value === "object" && value !== null && Array.isArray((value as Report).findings) && typeof (value as Report).summary === "object";
}

function isConstruct(value: unknown): value is IConstruct {
  return typeof value === "object" && value !== null && typeof (value as IConstruct).node?.findAll === "function";
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return `a ${typeof value}`;
  return `an object with keys ${Object.keys(value).slice(0, 5).join(", ") || "(none)"}`;
}

function check(result: AssertionResult): void {
  if (!result.pass) throw new Error(result.message);
}

export class Findings {
  /**
   * Synthesizes the stack (or every stack of an App; the whole stack for a construct inside one),
   * running its aspects as `cdktf synth` does, and checks it with the pack, the app's stacks joined
   * through their cross-stack references (the other stacks are context: they get no findings).
   * Also accepts a `Report`. Reads no configuration file unless `options.config` names one.
   */
  static of(scope: IConstruct | Report, options: PackOptions = {}): Findings {
    if (isReport(scope)) return new Findings(scope);
    if (!isConstruct(scope)) throw notAScopeOrReport(describe(scope));
    const stacks = stacksOf(scope);
    if (stacks.length === 0) throw noStacksUnder("Findings.of()", scope.node.path);
    const pack = resolvePack(options, false);
    // The app's other stacks join as context: cross-stack references are followed into them.
    const others = stacksOf(scope.node.root).filter((stack) => !stacks.includes(stack));
    const all = [...stacks, ...others];
    const inputs: LoadedInput[] = synthesizeStacks(all).map((document, i) => synthInput(all[i], document));
    return new Findings(runPack(inputs.slice(0, stacks.length), pack, inputs.slice(stacks.length)));
  }

  /** Assertions over a report made elsewhere (`checkPlan`, the gate's `reportOf`). */
  static fromReport(report: Report): Findings {
    if (!isReport(report)) throw notAScopeOrReport(describe(report));
    return new Findings(report);
  }

  /** Loads and checks plan JSON (`terraform show -json`), `cdk.tf.json` files or `cdktf.out` folders. */
  static fromPlan(paths: string | readonly string[], options: PackOptions = {}): Findings {
    const pack = resolvePack(options, false);
    return new Findings(runPack(loadPlan(...(typeof paths === "string" ? [paths] : paths)), pack));
  }

  private constructor(readonly report: Report) {}

  /** The findings that match the query (all of them without one). */
  findings(query: FindingQuery = {}): Finding[] {
    return selectFindings(this.report, query);
  }

  /** Throws when a policy of severity `error` fails: what would stop `cdktf synth` with the gate on. */
  hasNoErrors(): void {
    check(assertNoFailures(this.report, "error"));
  }

  /** Throws when a policy fails at `severity` or above (any severity by default). Unknowns do not count. */
  hasNoFailures(severity: Severity = "info"): void {
    check(assertNoFailures(this.report, severity));
  }

  /**
   * Throws unless some finding of `policy` is about `subject`: a Terraform address or a construct
   * path, exact or a pattern (`*`, `?`, `{a,b}`); any resource when omitted.
   */
  hasFinding(policy: string, subject?: string, options: FindingOptions = {}): void {
    check(assertFinding(this.report, { ...options, policy, ...(subject !== undefined ? { subject } : {}) }));
  }

  /** Throws if some finding of `policy` is about `subject` (any resource when omitted). */
  hasNoFinding(policy: string, subject?: string, options: FindingOptions = {}): void {
    check(assertNoFinding(this.report, { ...options, policy, ...(subject !== undefined ? { subject } : {}) }));
  }
}
