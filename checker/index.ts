/**
 * eks-sg-policy as a library:
 *
 *   import { checkPlan, loadPlan, policies } from "eks-sg-policy";
 *   const report = checkPlan("plan.json");
 */
import { loadInputs } from "./load/load-inputs";
import type { LoadedInput, SynthDocument } from "./load/plan-document";
import { buildGraph, type ResourceGraph } from "./model/resource-graph";
import { checkInputs, type CheckOptions } from "./run/check-inputs";
import type { Report } from "./report/report";
import { policies } from "../policies";

export { InputError, UsageError } from "./errors";
export type { LoadedInput, SynthDocument } from "./load/plan-document";
export type { CheckResult, Policy, PolicyContext, PolicyMeta, Severity } from "./policy";
export type { Finding, Report, Summary, FailOn } from "./report/report";
export { isFailing } from "./report/report";
export { formatJson } from "./report/format-json";
export { formatText } from "./report/format-text";
export { ResourceGraph, World } from "./model/resource-graph";
export type { ResourceInstance, Action } from "./model/resource-instance";
export { Unknown } from "./model/value";
export type { Value, Ref, Path } from "./model/value";
export type { CheckOptions } from "./run/check-inputs";
export { policies };

/** Loads plan JSON files, cdk.tf.json files or cdktf.out folders; throws `InputError` on bad input. */
export function loadPlan(...paths: string[]): LoadedInput[] {
  return loadInputs(paths);
}

/** The resource model of one loaded input. */
export function modelOf(input: LoadedInput): ResourceGraph {
  return buildGraph(input);
}

/** Loads and checks inputs (paths, or inputs already loaded) with the registry's policies. */
export function checkPlan(inputs: string | readonly string[] | readonly LoadedInput[], options: CheckOptions = {}): Report {
  const list = typeof inputs === "string" ? [inputs] : inputs;
  const loaded = list.map((i) => (typeof i === "string" ? loadInputs([i]) : [i])).flat();
  return checkInputs(loaded, options, policies);
}

/**
 * Checks one synthesized CDKTF stack held in memory (what `toTerraform()` returns or `cdk.tf.json`
 * holds), as the synth-time gate does.
 */
export function checkSynthDocument(document: SynthDocument, stack: string, options: CheckOptions = {}): Report {
  return checkInputs([{ kind: "synth", path: stack, stack, document }], options, policies);
}

export { loadConfig, loadRunSettings, type LoadedConfig, type RunSettings } from "./config";
export { applyWaivers, loadWaiversFile, type Waiver, type WaiverResult, type WaivedReport } from "./waivers";
export { formatSarif } from "./report/format-sarif";
export { formatJunit } from "./report/format-junit";
export { formatGithub, githubStepSummary, appendStepSummary } from "./report/format-github";
export { formatMarkdown } from "./report/format-markdown";
export { formatMermaid } from "./report/format-mermaid";
export { formatDot } from "./report/format-dot";
export { topologyView, topologyViews, type TopologyView } from "./report/topology-view";
export { compileAddressGlob, addressGlobProblem } from "./waivers";
