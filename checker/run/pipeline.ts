/**
 * The one pipeline every entry point runs — `check`, `deploy`, the synth-time gate, `checkPlan`:
 * modelled inputs → policies (as the settings say) → waivers → report.
 */
import type { LoadedInput } from "../load/plan-document";
import type { ModelOptions } from "../model/from-plan";
import { modelInputs } from "../model/join-inputs";
import type { ResourceGraph } from "../model/resource-graph";
import type { Policy } from "../policy/contract";
import { applyWaivers } from "../waivers/apply-waivers";
import type { WaivedReport } from "../waivers/waiver";
import { runPolicies } from "./run-policies";
import type { RunSettings } from "./settings";

export function checkGraphs(graphs: readonly ResourceGraph[], settings: RunSettings, now: Date = new Date()): WaivedReport {
  const pluginOf = new Map<Policy, string>(settings.plugins.flatMap((plugin) => plugin.policies.map((policy) => [policy, plugin.spec] as const)));
  const report = runPolicies(graphs, settings.policies, (policy) => pluginOf.get(policy));
  return applyWaivers({ ...report, configuration: settings.configuration }, settings.waivers, now).report;
}

export interface CheckRun {
  readonly report: WaivedReport;
  /** The models the report was made from (for formats that draw the topology). */
  readonly graphs: readonly ResourceGraph[];
}

/**
 * Checks the inputs of one run as one world; `contexts` shape it but get no findings. With
 * `consume`, the caller gives the documents away (the model may fill them in place).
 */
export function checkLoaded(inputs: readonly LoadedInput[], settings: RunSettings, now?: Date, contexts: readonly LoadedInput[] = [], options?: ModelOptions): CheckRun {
  const graphs = [modelInputs(inputs, contexts, options)];
  return { report: checkGraphs(graphs, settings, now), graphs };
}
