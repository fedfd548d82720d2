/**
 * Tells what a JSON object is — a plan, CDKTF synth output, a cdktf.out manifest, a state — and
 * rejects what the checker cannot read with a reason.
 */
import { inputErrors } from "../errors";
import type { PlanDocument, StateDocument, SynthDocument, SynthManifest } from "./plan-document";
import { describeSchemaError, validateManifest, validatePlan, validateState, validateSynth } from "./schemas";

export type ClassifiedDocument =
  | { kind: "plan"; document: PlanDocument }
  | { kind: "synth"; document: SynthDocument }
  | { kind: "state"; document: StateDocument }
  | { kind: "raw-state" }
  | { kind: "manifest"; document: SynthManifest };

const PLAN_KEYS = ["resource_changes", "planned_values", "configuration", "prior_state", "output_changes", "resource_drift"];
const SYNTH_KEYS = ["resource", "data", "provider", "terraform", "module", "locals", "variable", "output"];

export function classifyDocument(json: Record<string, unknown>, input: string): ClassifiedDocument {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(json, key);

  if (has("format_version")) {
    if (json.errored === true) throw inputErrors.errored(input);
    if (typeof json.format_version !== "string") throw inputErrors.schema(input, "plan", `format_version is ${Array.isArray(json.format_version) ? "a list" : json.format_version === null ? "null" : `a ${typeof json.format_version}`}, not a version string like "1.2"`);
    // Shown in messages: a version is short, whatever a hostile plan writes there.
    const version = json.format_version.length > 24 ? `${json.format_version.slice(0, 24)}…` : json.format_version;
    const major = Number.parseInt(version, 10);
    if (!Number.isFinite(major)) throw inputErrors.schema(input, "plan", `format_version "${version}" is not a version`);
    // `terraform show -json` of a state: only as context (load-inputs says so when it is a subject).
    if (!PLAN_KEYS.some(has) && has("values")) {
      if (!validateState(json)) throw inputErrors.schema(input, "state", describeSchemaError(validateState.errors));
      return { kind: "state", document: json as StateDocument };
    }
    if (major >= 2) throw inputErrors.futureFormat(input, version);
    if (!validatePlan(json)) throw inputErrors.schema(input, "plan", describeSchemaError(validatePlan.errors));
    return { kind: "plan", document: json as PlanDocument };
  }
  // A raw state file (terraform.tfstate): numbered version, lineage and serial.
  if (typeof json.version === "number" && (has("lineage") || has("serial"))) return { kind: "raw-state" };
  if (has("stacks") && typeof json.stacks === "object") {
    if (!validateManifest(json)) throw inputErrors.schema(input, "cdktf manifest", describeSchemaError(validateManifest.errors));
    return { kind: "manifest", document: json as unknown as SynthManifest };
  }
  if (SYNTH_KEYS.some(has) || has("//")) {
    if (!validateSynth(json)) throw inputErrors.schema(input, "cdk.tf.json", describeSchemaError(validateSynth.errors));
    return { kind: "synth", document: json as SynthDocument };
  }
  if (has("errored") && json.errored === true) throw inputErrors.errored(input);
  throw inputErrors.notAPlan(input);
}
