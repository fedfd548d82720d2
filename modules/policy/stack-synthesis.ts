/**
 * Where the checker meets CDKTF: finding the stacks of a scope and turning a stack into the
 * Terraform JSON that `cdktf synth` writes to its `cdk.tf.json`.
 *
 * Constructs are recognised by cdktf's `Symbol.for` markers (`TerraformStack.isStack`,
 * `App.isApp`), never by `instanceof`, which fails when the user's app loads a second copy of cdktf.
 */
import { App, TerraformStack } from "cdktf";
// Not part of cdktf's index; `Testing.synth` uses it the same way, and 0.21 is the last release.
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import type { IConstruct } from "constructs";
import type { LoadedInput, SynthDocument } from "../../checker";
import { synthInputPath } from "./check-options";
import { twoCopiesOfCdktf } from "./errors";

/** The stack that holds `scope`, or `undefined` when `scope` is an App or above every stack. */
export function enclosingStack(scope: IConstruct): TerraformStack | undefined {
  for (const node of [...scope.node.scopes].reverse()) {
    if (TerraformStack.isStack(node)) return node;
  }
  return undefined;
}

/** The stack holding `scope`, or every stack below it (an App). */
export function stacksOf(scope: IConstruct): TerraformStack[] {
  const holding = enclosingStack(scope);
  if (holding) return [holding];
  return scope.node.findAll().filter((node): node is TerraformStack => TerraformStack.isStack(node));
}

/**
 * Throws when `stack` comes from another copy of cdktf: our `Aspects` and `invokeAspects` would then
 * read and write a registry that the user's synthesizer never looks at.
 */
export function requireSameCdktf(stack: IConstruct): void {
  if (!(stack instanceof TerraformStack)) throw twoCopiesOfCdktf(stack.node.path);
}

/** True when the stack's App was made with `skipValidation: true`, so validations never run. */
export function appSkipsValidation(stack: IConstruct): boolean {
  const root = stack.node.root;
  return App.isApp(root) && root.skipValidation === true;
}

/**
 * The stack as `cdk.tf.json` holds it: overrides (`addOverride`, escape hatches) merged, tokens
 * resolved to `${...}` references, `//` metadata (construct paths) kept. Call it during synthesis
 * (aspects already run), as the gate does.
 */
export function stackDocument(stack: TerraformStack): SynthDocument {
  return stack.toTerraform() as SynthDocument;
}

/** The other stacks of the app that holds `stack` (its cross-stack partners). */
export function otherStacks(stack: TerraformStack): TerraformStack[] {
  return stacksOf(stack.node.root).filter((other) => other !== stack);
}

/**
 * Synthesizes stacks as `app.synth()` does: every stack prepared first (which adds the outputs and
 * remote state data sources of cross-stack references), then each stack's aspects, then its document.
 */
export function synthesizeStacks(stacks: readonly TerraformStack[]): SynthDocument[] {
  for (const stack of stacks) requireSameCdktf(stack);
  for (const stack of stacks) stack.prepareStack();
  return stacks.map((stack) => {
    invokeAspects(stack);
    return stackDocument(stack);
  });
}

/** The name the checker gives the stack's findings: the stack id, as in `cdktf.out/stacks/<id>`. */
export function stackName(stack: TerraformStack): string {
  return stack.node.id;
}

/** The stack's document as a checker input, named as `eks-sg-policy check cdktf.out` names it. */
export function synthInput(stack: TerraformStack, document: SynthDocument): LoadedInput {
  const root = stack.node.root;
  const outdir = App.isApp(root) ? root.outdir : "cdktf.out";
  return { kind: "synth", path: synthInputPath(outdir, stackName(stack)), stack: stackName(stack), document };
}
