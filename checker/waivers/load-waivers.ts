/**
 * A waivers file (`--waivers file`): `{ "waivers": [ ... ] }`, the same list as the `waivers` key
 * of the configuration file, validated with ajv.
 */
import type { ValidateFunction } from "ajv";
import { createAjv, firstError } from "../config/ajv";
import { describeAjvError, fileError, readJsonObject, type FieldHint } from "../config/json-file";
import type { Policy } from "../policy";
import { policies as registry } from "../../policies";
import type { Waiver } from "./waiver";
import { toWaivers, waiverGlobProblem, waiverHints, waiverListSchema } from "./waiver-schema";

const FILE_KEYS = ["$schema", "waivers"];
const ajv = createAjv();
const cache = new WeakMap<readonly Policy[], ValidateFunction>();

function validatorFor(policies: readonly Policy[]): ValidateFunction {
  let validate = cache.get(policies);
  if (!validate) {
    const ids = policies.map((p) => p.meta.id);
    validate = ajv.compile({
      type: "object",
      additionalProperties: false,
      required: ["waivers"],
      properties: { $schema: { type: "string" }, waivers: waiverListSchema(ids) },
    });
    cache.set(policies, validate);
  }
  return validate;
}

export interface LoadWaiversOptions {
  /** The policies waivers may name; the registry by default. */
  readonly registry?: readonly Policy[];
  /** How to name the file in errors and reports; the path as given by default. */
  readonly display?: string;
}

/** Validates the parsed text of a waivers file. Throws `InputError` naming the file and the JSON path. */
export function parseWaiversFile(data: Record<string, unknown>, display: string, policies: readonly Policy[] = registry): Waiver[] {
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
export function loadWaiversFile(file: string, options: LoadWaiversOptions = {}): Waiver[] {
  const display = options.display ?? file;
  const data = readJsonObject(file, display, "waivers file", '{"waivers": []}');
  return parseWaiversFile(data, display, options.registry ?? registry);
}
