/**
 * eks-sg-policy as a library:
 *
 *   import { checkPlan, definePolicy, policies } from "eks-sg-policy";
 *   const report = checkPlan("plan.json");
 *
 * The plugin surface (docs/writing-policies.md) is `definePolicy`, the `Policy*` types, the model
 * (`World`, `ResourceInstance`, `Value`, `Unknown`) and the topology types: stable within a major
 * version, fields only added.
 */
import { loadInputs } from "./load/load-inputs";
import type { LoadedInput, SynthDocument } from "./load/plan-document";
import { buildGraph, type ResourceGraph } from "./model/resource-graph";
import { checkLoaded } from "./run/pipeline";
import { resolveSettings, type PolicyOverrides } from "./run/settings";
import type { FailOn } from "./findings/report";
import type { Waiver, WaivedReport } from "./waivers/waiver";
import { policies } from "../policies";

export { InputError, UsageError } from "./errors";
export type { LoadedInput, SynthDocument } from "./load/plan-document";

// The policy API.
export { definePolicy, SHARED_MESSAGES, SEVERITIES, type PolicyDefinition, type SharedMessageId } from "./policy";
export type { Fact, Facts, FlowQuery, FlowWording, NodeVisitor, Policy, PolicyContext, PolicyMeta, PolicyResult, ResultStatus, Severity, VisitOptions } from "./policy";
export { ResourceGraph, World } from "./model/resource-graph";
export type { ResourceInstance, Action } from "./model/resource-instance";
export { Unknown, isUnknown, isObject, valueAt, firstBlock } from "./model/value";
export type { Value, Ref, Path } from "./model/value";
export type { Cluster, EniClass, EniClassKind, Topology } from "./eks/topology";
export type { SecurityGroup, SecurityGroupKind, SgKey, SgSet } from "./eks/security-groups";
export type { Direction, Protocol, RulePeer, SgRule } from "./eks/sg-rules";
export type { FlowFamily, FlowProtocol, FlowResult, PortRange, SideResult, Verdict } from "./eks/reachability";
export type { ParsedCidr } from "./eks/cidr";
export { policies };

// Reports.
export type { Finding, FindingStatus, Report, ReportInput, Summary, FailOn } from "./findings/report";
export { countsOf, describeCounts, isFailing, type FindingCounts } from "./findings/report";
export { formatJson } from "./report/format-json";
export { formatText } from "./report/format-text";
export { formatSarif } from "./report/format-sarif";
export { formatJunit } from "./report/format-junit";
export { formatGithub, githubStepSummary, appendStepSummary } from "./report/format-github";
export { formatMarkdown } from "./report/format-markdown";
export { formatMermaid } from "./report/format-mermaid";
export { formatDot } from "./report/format-dot";
export { topologyView, topologyViews, type TopologyView } from "./report/topology-view";

// Settings, the pipeline, configuration and waivers.
export { checkGraphs, checkLoaded, FLOOR_ENV, resolveSettings, type CheckRun, type PolicyOverrides, type PolicySetup, type RunSettings, type SettingsRequest } from "./run";
export { GATE_STOPS_ENV, recordGateStop, type GateStop } from "./run";
export { loadConfig, readConfigFile, parseConfig, type LoadedConfig, type PolicyChoices } from "./config";
export { applyWaivers, loadWaiversFile, compileAddressGlob, addressGlobProblem, type Waiver, type WaiverResult, type WaivedReport } from "./waivers";

/**
 * Loads plan JSON files, cdk.tf.json files or cdktf.out folders; throws `InputError` on bad input.
 * A plan of 2 MB or more comes without `planned_values.root_module`, `resource_drift` and
 * `relevant_attributes`, which nothing in the checker reads (`resource_changes` lists the same
 * resources), and with each change's sensitive marks that hold no `true` as `false`, as the model
 * reads them.
 */
export function loadPlan(...paths: string[]): LoadedInput[] {
  return loadInputs(paths);
}

/** The resource model of one loaded input. */
export function modelOf(input: LoadedInput): ResourceGraph {
  return buildGraph(input);
}

/** How `checkPlan` runs: choices in code, and files it reads only when named. */
export interface CheckOptions extends PolicyOverrides {
  /** A configuration file to apply (never looked for: name it). */
  readonly config?: string;
  /** Waivers files, and waivers given in code. */
  readonly waiverFiles?: readonly string[];
  readonly waivers?: readonly Waiver[];
  /** Plugin modules whose policies run with the built-in ones. */
  readonly plugins?: readonly string[];
  /** The default failOn recorded for `isFailing` callers; the configuration's when it has one. */
  readonly failOn?: FailOn;
  /** The clock waivers are judged by. */
  readonly now?: Date;
}

function settingsOf(options: CheckOptions) {
  return resolveSettings({
    registry: policies,
    ...options,
    config: options.config ?? false,
  });
}

/** Loads and checks inputs (paths, or inputs already loaded) through the same pipeline as `eks-sg-policy check`. */
export function checkPlan(inputs: string | readonly string[] | readonly LoadedInput[], options: CheckOptions = {}): WaivedReport {
  const list = typeof inputs === "string" ? [inputs] : inputs;
  const loaded = list.map((i) => (typeof i === "string" ? loadInputs([i]) : [i])).flat();
  // Documents loaded here are read no more; those the caller loaded stay as they are.
  const consume = list.every((i) => typeof i === "string");
  return checkLoaded(loaded, settingsOf(options), options.now, [], { consume }).report;
}

/**
 * Checks one synthesized CDKTF stack held in memory (what `toTerraform()` returns or `cdk.tf.json`
 * holds), as the synth-time gate does.
 */
export function checkSynthDocument(document: SynthDocument, stack: string, options: CheckOptions = {}): WaivedReport {
  return checkLoaded([{ kind: "synth", path: stack, stack, document }], settingsOf(options), options.now).report;
}
