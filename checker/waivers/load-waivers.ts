/**
 * A waivers file (`--waivers file`): `{ "waivers": [ ... ] }`, the same list as the `waivers` key
 * of the configuration file, validated with ajv.
 */
import type { ValidateFunction } from "ajv";
import type { Policy } from "../policy/contract";
import { firstError, validatorOf } from "../user-files/ajv";
import { describeAjvError, fileError, readJsonObject, type FieldHint } from "../user-files/json-file";
import type { Waiver } from "./waiver";
import { toWaivers, waiverGlobProblem, waiverHints, waiverListSchema } from "./waiver-schema";

const FILE_KEYS = ["$schema", "waivers"];
const schemas = new WeakMap<readonly Policy[], object>();

function validatorFor(policies: readonly Policy[]): ValidateFunction {
  let schema = schemas.get(policies);
  if (!schema) {
    const ids = policies.map((p) => p.meta.id);
    schema = { type: "object", additionalProperties: false, required: ["waivers"], properties: { $schema: { type: "string" }, waivers: waiverListSchema(ids) } };
    schemas.set(policies, schema);
  }
  return validatorOf(schema);
}

export interface LoadWaiversOptions {
  /** The policies waivers may name. */
  readonly registry: readonly Policy[];
  /** How to name the file in errors and reports; the path as given by default. */
  readonly display?: string;
}

/** Validates the parsed text of a waivers file. Throws `InputError` naming the file and the JSON path. */
export function parseWaiversFile(data: Record<string, unknown>, display: string, policies: readonly Policy[]): Waiver[] {
  const validate = validatorFor(policies);
  if (!validate(data)) {
    const hints: FieldHint[] = [
      {
        matches: (s) => s.length === 0,
        allowedKeys: FILE_KEYS,
        missing: { waivers: 'Write {"waivers": [{"policy": ..., "address": ..., "reason": ..., "owner": ..., "expires": ...}]}' },
      },
      ...waiverHints(policies.map((p) => p.meta.id)),
    ];
    const { problem, remedy } = describeAjvError(firstError(validate.errors!), data, hints, "See docs/configuration.md");
    throw fileError(display, problem, remedy);
  }
  const list = data.waivers as Record<string, unknown>[];
  const globProblem = waiverGlobProblem(list);
  if (globProblem) throw fileError(display, `${globProblem.path} ${globProblem.problem}`, globProblem.remedy);
  return toWaivers(list, display);
}

/** Reads and validates a waivers file. */
export function loadWaiversFile(file: string, options: LoadWaiversOptions): Waiver[] {
  const display = options.display ?? file;
  const data = readJsonObject(file, display, "waivers file", '{"waivers": []}');
  return parseWaiversFile(data, display, options.registry);
}
