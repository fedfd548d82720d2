/**
 * `eks-sg-policy/testing`: assertions on what the pack says about your stacks or plans.
 *
 *   import { Findings } from "eks-sg-policy/testing";
 *   Findings.of(stack).hasNoErrors();
 *   Findings.of(stack).hasFinding("node-to-apiserver", "aws_eks_node_group.workers");
 *
 * `Findings` throws readable errors in any test framework; `setupJestMatchers()` adds
 * `toPassEksSgPolicies` and `toHaveEksSgFinding` to Jest's `expect`; the `{ pass, message }` core
 * (`assertFinding`, ...) serves other frameworks.
 */
export { Findings, type FindingOptions } from "./stack-findings";
export { assertFinding, assertNoFailures, assertNoFinding, describeFinding, selectFindings, type AssertionResult, type FindingQuery, type FindingStatus } from "./findings";
export { eksSgPolicyMatchers, setupJestMatchers } from "./jest";
export type { PackOptions } from "./check-options";
export type { Finding, Report, Severity } from "../../checker";
