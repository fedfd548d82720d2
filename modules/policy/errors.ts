/**
 * Errors a user of the gate or of `Findings` can cause. Each says what went wrong and ends with
 * what to do, as cdktf's own `errors.ts` does.
 */

import { name as FRAMEWORK } from "cdktf/package.json";

const DOCS = "see docs/gate.md in the eks-sg-policy package";

export class GateUsageError extends Error {
  override readonly name = "GateUsageError";
}

export const noStacksUnder = (call: string, path: string) =>
  new GateUsageError(
    `${call} found no TerraformStack at or below '${path || "<app>"}'. ` +
      `Call it after the stacks are created (just before app.synth()), or pass a stack.`,
  );

/**
 * `FRAMEWORK` is the package this build of the constructs loads: `cdktf`, or `cdktn` in the CDK
 * Terrain build (eks-sg-policy/cdktn/*), whose imports name cdktn instead.
 */
export const twoCopiesOfCdktf = (path: string) =>
  new GateUsageError(
    `The stack '${path}' was built with a different copy of ${FRAMEWORK} than the one eks-sg-policy loads, so ` +
      `aspects and synthesis would not see each other. Make sure one copy is installed (\`npm ls ${FRAMEWORK}\`, then ` +
      `\`npm dedupe\`; eks-sg-policy lists ${FRAMEWORK} as a peer dependency), or add the gate with your own import: ` +
      `Aspects.of(stack).add(new EksPolicyGate()). ` +
      `An app on CDK Terrain (cdktn) imports eks-sg-policy/cdktn/modules and eks-sg-policy/cdktn/testing; ` +
      `one on CDKTF, eks-sg-policy/modules and eks-sg-policy/testing.`,
  );

export const stacksAddedAfterGate = (paths: readonly string[]) =>
  `eks-sg-policy: the stack${paths.length === 1 ? "" : "s"} ${paths.map((p) => `'${p}'`).join(", ")} ` +
  `${paths.length === 1 ? "was" : "were"} created after EksPolicyGate.of(app) and ${paths.length === 1 ? "is" : "are"} not checked. ` +
  `Move EksPolicyGate.of(app) after the last stack (just before app.synth()); ${DOCS}.`;

export const notAScopeOrReport = (what: string) =>
  new GateUsageError(
    `Findings.of() takes a construct (an App, a TerraformStack or a construct inside one) or a Report from ` +
      `checkPlan(); it was given ${what}. For plan files use Findings.fromPlan(path).`,
  );
