/**
 * Jest matchers over the framework-neutral assertions in findings.ts:
 *
 *   import { setupJestMatchers } from "eks-sg-policy/testing";
 *   setupJestMatchers();   // once, e.g. in a setupFilesAfterEnv file
 *   expect(stack).toPassEksSgPolicies();                       // no failing `error` finding
 *   expect(stack).toHaveEksSgFinding("node-imdsv2", "aws_launch_template.nodes");
 *   expect(stack).not.toHaveEksSgFinding("public-endpoint");
 *
 * The received value is a stack (or App), a `Findings`, or a `Report`.
 */
import type { IConstruct } from "constructs";
import type { Report, Severity } from "../../checker";
import { assertFinding, assertNoFailures, type AssertionResult } from "./findings";
import { Findings, type FindingOptions } from "./stack-findings";

type Received = IConstruct | Findings | Report;

function reportOf(received: Received): Report {
  return received instanceof Findings ? received.report : Findings.of(received).report;
}

/** Jest reads `message` as a function; the same text serves `expect` and `expect.not`. */
const toJest = (result: AssertionResult) => ({ pass: result.pass, message: () => result.message });

export const eksSgPolicyMatchers = {
  /** Passes when no policy fails at `severity` or above (`error` by default, like the gate). */
  toPassEksSgPolicies(received: Received, severity: Severity = "error") {
    return toJest(assertNoFailures(reportOf(received), severity));
  },
  /** Passes when a finding of `policy` is about `subject` (an address or construct path, or a pattern). */
  toHaveEksSgFinding(received: Received, policy: string, subject?: string, options: FindingOptions = {}) {
    return toJest(assertFinding(reportOf(received), { ...options, policy, ...(subject !== undefined ? { subject } : {}) }));
  },
};

/** Registers the matchers with the global `expect` of the running Jest. */
export function setupJestMatchers(): void {
  const expect = (globalThis as { expect?: { extend(matchers: object): void } }).expect;
  if (!expect) throw new Error("setupJestMatchers() needs Jest's global expect: call it from a test file or a setupFilesAfterEnv file.");
  expect.extend(eksSgPolicyMatchers);
}

declare global {
  namespace jest {
    interface Matchers<R> {
      toPassEksSgPolicies(severity?: Severity): R;
      toHaveEksSgFinding(policy: string, subject?: string, options?: FindingOptions): R;
    }
  }
}
