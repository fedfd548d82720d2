/**
 * The one ajv instance for what users write — configuration, waivers, policy options, plugins'
 * metadata: strict schemas and a UTC date format. All errors are collected so that `firstError`
 * can prefer the most telling one; messages name one at a time.
 */
import type Ajv from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import { isUtcDate } from "./utc-date";

let instance: Ajv | undefined;

/** Made on first use: a run without configuration, waivers or plugins never loads ajv (start-up, issue #13). */
function ajv(): Ajv {
  if (instance === undefined) {
    const { default: AjvClass } = require("ajv") as typeof import("ajv");
    instance = new AjvClass({ allErrors: true, strict: true });
    instance.addFormat("utc-date", { type: "string", validate: isUtcDate });
  }
  return instance;
}

const compiled = new WeakMap<object, ValidateFunction>();

/** The validator of a schema, compiled once per schema object. */
export function validatorOf(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv().compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

const PRIORITY: Record<string, number> = { additionalProperties: 0, required: 1 };

/**
 * The error to report: the first in document order, except that at the same place an unknown key
 * beats a missing one (a misspelt "adress" explains the missing "address").
 */
export function firstError(errors: readonly ErrorObject[]): ErrorObject {
  const at = errors[0].instancePath;
  const same = errors.filter((e) => e.instancePath === at);
  return [...same].sort((a, b) => (PRIORITY[a.keyword] ?? 2) - (PRIORITY[b.keyword] ?? 2))[0];
}
