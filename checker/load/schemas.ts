/**
 * The validators of each input kind (schemas in schema-definitions.ts, validated with ajv).
 * They are ajv's standalone code, generated at development time by scripts/schema-validators.js,
 * not compiled at every start: requiring ajv and compiling the four schemas took ~0.2 s of each
 * run's start-up, longer than checking a small plan (issue #13). A unit test fails while the
 * generated file is stale.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import * as generated from "./schema-validators.generated";

export const validatePlan = generated.validatePlan as ValidateFunction;
export const validateState = generated.validateState as ValidateFunction;
export const validateSynth = generated.validateSynth as ValidateFunction;
export const validateManifest = generated.validateManifest as ValidateFunction;

/** One line naming where the document breaks the schema, e.g. `resource_changes[3].change.actions must be array`. */
export function describeSchemaError(errors: ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return "does not match the expected shape";
  const where = error.instancePath
    .split("/")
    .filter(Boolean)
    .map((step) => (/^\d+$/.test(step) ? `[${step}]` : `.${step.replace(/~1/g, "/").replace(/~0/g, "~")}`))
    .join("")
    .replace(/^\./, "");
  const what =
    error.keyword === "required" ? `needs key "${String(error.params.missingProperty)}"` : (error.message ?? "is invalid");
  return where ? `${where} ${what}` : what;
}
