/**
 * The synth-time gate: the pack's policies over each stack's Terraform JSON, reported as CDKTF
 * annotations so that `cdktf synth` (and `deploy`, `diff`, which synth first) stop on errors.
 *
 *   EksPolicyGate.of(app);   // after the stacks, before app.synth()
 *
 * Lifecycle (cdktf 0.21): for each stack, `app.synth()` runs the stack's aspects, then its
 * validations, then collects annotations and writes `cdk.tf.json`. The gate is an aspect whose only
 * job is to add a validation to the stack; the check runs in that validation, after every aspect
 * (tagging, escape hatches added by aspects) has changed the tree. Aspects added to the App itself
 * are never run by cdktf 0.21, which is why `of(app)` adds the gate to each stack.
 */
import { Aspects, type IAspect, type TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { countsOf, describeCounts, recordGateStop, type FailOn, type Report, type RunSettings } from "../../checker";
import { resolvePack, runPack, type PackOptions } from "./check-options";
import { annotate, annotationMessage, levelOf, stopsSynth } from "./gate-annotations";
import { GateUsageError, noStacksUnder, stacksAddedAfterGate } from "./errors";
import { appSkipsValidation, enclosingStack, otherStacks, requireSameCdktf, stackDocument, stackName, stacksOf, synthInput } from "./stack-synthesis";

/** Set (to anything but `0` or `false`) to turn every gate off for one run, e.g. `EKS_SG_POLICY_SKIP_GATE=1 cdktf deploy`. */
export const SKIP_GATE_ENV = "EKS_SG_POLICY_SKIP_GATE";

/**
 * Which policies run and how (the checker's `CheckOptions`, `skipPolicies`, and by default the
 * `eks-sg-policy.config.json` of the folder `cdktf synth` runs in), and when the synth stops.
 */
export interface EksPolicyGateOptions extends PackOptions {
  /**
   * Lowest severity of a failing finding that stops the synth: `error`, `warning`, `info`, or
   * `never` (print everything, stop on nothing). Default: the configuration file's, else `error`.
   */
  readonly failOn?: FailOn;
  /** Turns this gate off; it leaves a warning saying so. */
  readonly skip?: boolean;
}

const FAIL_ON: readonly FailOn[] = ["error", "warning", "info", "never"];

function envSkips(): boolean {
  const value = process.env[SKIP_GATE_ENV];
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

function summaryLine(stack: string, report: Report, stopping: number, failOn: FailOn, configFile: string | undefined): string {
  const { policies, checks, passed } = report.summary;
  const config = configFile !== undefined ? ` (configuration: ${configFile})` : "";
  const counts = `eks-sg-policy: stack '${stack}'${config}: ${policies} policies, ${passed} of ${checks} checks passed; ${describeCounts(countsOf(report, failOn), failOn, "the synth")}`;
  if (stopping === 0) return `${counts}.`;
  return (
    `${counts}. ` +
    `Fix the resources in the ERROR lines, or tune the gate (failOn, severities, skipPolicies): see docs/gate.md in eks-sg-policy.`
  );
}

export class EksPolicyGate implements IAspect {
  /**
   * Adds a gate to every stack at or below `scope` (an App: all its stacks; a stack, or a construct
   * inside one: that stack). Call it after the stacks are created.
   */
  static of(scope: IConstruct, options: EksPolicyGateOptions = {}): EksPolicyGate {
    const gate = new EksPolicyGate(options);
    const stacks = stacksOf(scope);
    if (stacks.length === 0) throw noStacksUnder("EksPolicyGate.of()", scope.node.path);
    for (const stack of stacks) {
      requireSameCdktf(stack);
      Aspects.of(stack).add(gate);
    }
    if (!enclosingStack(scope) && scope.node.scope === undefined) {
      // The App validates itself after every stack is written: name stacks that came too late.
      scope.node.addValidation({
        validate: () => {
          const late = stacksOf(scope).filter((s) => !stacks.includes(s));
          return late.length > 0 ? [stacksAddedAfterGate(late.map((s) => s.node.path))] : [];
        },
      });
    }
    return gate;
  }

  readonly failOn: FailOn;
  private readonly pack: RunSettings;
  private readonly skip: boolean;
  private readonly watched = new WeakSet<IConstruct>();
  private readonly reports = new Map<string, Report>();

  constructor(options: EksPolicyGateOptions = {}) {
    if (options.failOn !== undefined && !FAIL_ON.includes(options.failOn)) {
      throw new GateUsageError(`failOn must be one of ${FAIL_ON.join(", ")}; it was ${JSON.stringify(options.failOn)}.`);
    }
    this.skip = options.skip === true;
    this.pack = resolvePack(options, true);
    // The gate's own failOn wins over the configuration's (already in the settings).
    this.failOn = options.failOn ?? this.pack.failOn;
  }

  /** Called by cdktf for each construct below the scope the gate was added to. */
  visit(node: IConstruct): void {
    const stack = enclosingStack(node);
    if (!stack || this.watched.has(stack)) return;
    this.watched.add(stack);
    if (appSkipsValidation(stack)) {
      // `App({ skipValidation: true })` would drop the validation and, silently, the gate: check
      // now instead, during the aspects (changes made by aspects that run later are not seen).
      this.check(stack);
    } else {
      stack.node.addValidation({ validate: () => (this.check(stack), []) });
    }
  }

  /** The report of the latest check of a stack (by construct path), e.g. to write it to a file. */
  reportOf(stack: IConstruct): Report | undefined {
    return this.reports.get(stack.node.path);
  }

  private check(stack: TerraformStack): void {
    if (this.skip || envSkips()) {
      const why = this.skip ? "the gate was created with skip: true" : `${SKIP_GATE_ENV} is set`;
      annotate(stack, "warning", `eks-sg-policy: the synth-time gate is off for this stack (${why}); run \`eks-sg-policy check\` on the plan instead.`);
      return;
    }
    let report: Report;
    try {
      // The app's other stacks as context, as they stand now: cross-stack references are followed
      // into them (aspects of stacks synthesized after this one have not run on them yet).
      const contexts = otherStacks(stack).map((other) => synthInput(other, stackDocument(other)));
      report = runPack([synthInput(stack, stackDocument(stack))], this.pack, contexts);
    } catch (error) {
      throw new Error(`eks-sg-policy: the gate could not check stack '${stack.node.path}': ${(error as Error).message}`, { cause: error });
    }
    this.reports.set(stack.node.path, report);
    const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c] as const));
    let stopping = 0;
    for (const finding of report.findings) {
      if (stopsSynth(finding, report, this.failOn)) stopping += 1;
      // Resources added by a raw override have no `//` metadata: their findings go on the stack.
      const target = (finding.constructPath !== undefined ? byPath.get(finding.constructPath) : undefined) ?? stack;
      annotate(target, levelOf(finding, report, this.failOn), annotationMessage(finding));
    }
    annotate(stack, "info", summaryLine(stackName(stack), report, stopping, this.failOn, this.pack.configFile));
    if (stopping > 0) this.tellDeploy(stack, stopping);
  }

  /** Under `eks-sg-policy deploy`, says that this stack's synth stops on a failing check (exit 1, not 2). */
  private tellDeploy(stack: TerraformStack, stopping: number): void {
    try {
      recordGateStop({ stack: stackName(stack), findings: stopping });
    } catch (error) {
      // The synth stops on the ERROR annotations either way; deploy then reports a failed synth (exit 2).
      annotate(stack, "warning", `eks-sg-policy: could not tell eks-sg-policy deploy that the gate stopped this stack (${(error as Error).message}).`);
    }
  }
}
