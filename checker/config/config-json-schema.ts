/**
 * The JSON Schema shipped as `schemas/config.schema.json`, for editors: users point `$schema` at it
 * and get completion, hover text and errors while they type `eks-sg-policy.config.json`.
 *
 * It is derived from the schema the checker validates with (config-schema.ts) and each policy's
 * `meta.optionsSchema`, so it cannot say something the checker does not. It differs where an
 * editor needs it to:
 * - options are checked against the policy's own schema here (the checker checks them after
 *   merging them over the defaults, with the same schema);
 * - `expires` is a standard `date` with a pattern instead of the checker's own `utc-date` format;
 * - with `plugins`, policy ids the built-in registry does not know are allowed (the plugins'
 *   policies), since an editor cannot load plugins; the checker still rejects unknown ids;
 * - titles, defaults and descriptions, for hover text.
 * `scripts/config-schema.js` writes it (`npm run docs`); a test fails while the file is stale.
 */
import { FAIL_ON } from "../findings/report";
import type { Policy } from "../policy/contract";
import { ALL_POLICIES, CONFIG_FILE_NAME, configSchema } from "./config-schema";

type Schema = { [key: string]: unknown };

const DATE_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

const WAIVER_FIELDS: Record<string, string> = {
  policy: "The policy id, exactly (no globs): a waiver covers one policy.",
  address: "A glob over resource addresses, written as Terraform prints them; * matches any run of characters (docs/configuration.md#address-globs).",
  input: "A glob over the input path, when the same address exists in several plans and only one is accepted.",
  reason: "Why the finding is acceptable and what limits the risk: at least 10 characters.",
  owner: "Who accepted the risk: a team handle, a person, an email.",
  expires: "The last day the waiver holds, YYYY-MM-DD, UTC, inclusive; after it the finding counts again.",
  ticket: "A ticket id or link, carried into the report.",
};

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A policy's options as an editor checks them: its schema, its defaults, no `required` (defaults fill them). */
function optionsSchemaOf(policy: Policy): Schema {
  const schema = clone(policy.meta.optionsSchema) as Schema;
  delete schema.required;
  return { ...schema, description: `Options of ${policy.meta.id}, merged over its defaults.`, default: policy.meta.defaultOptions ?? {} };
}

function policyEntry(base: Schema, policy: Policy | undefined): Schema {
  const entry = clone(base);
  const properties = entry.properties as Record<string, Schema>;
  properties.enabled = { ...properties.enabled, description: "false: the policy does not run. Default true.", default: true };
  properties.severity = { ...properties.severity, description: "Replaces the policy's severity for all of its findings." };
  if (policy === undefined) return { ...entry, description: "Settings for every policy not configured by its own id (no options)." };
  if (policy.meta.optionsSchema) properties.options = optionsSchemaOf(policy);
  return { ...entry, description: `${policy.meta.title} (severity ${policy.meta.severity}). See docs/policies/${policy.meta.id}.md.` };
}

export function configJsonSchema(registry: readonly Policy[]): object {
  const runtime = configSchema(registry) as Schema & { properties: Record<string, Schema> };
  const ids = registry.map((p) => p.meta.id);
  const policyProperties = runtime.properties.policies.properties as Record<string, Schema>;
  const genericEntry = policyEntry(policyProperties[ALL_POLICIES], undefined);
  const properties: Record<string, Schema> = { [ALL_POLICIES]: genericEntry };
  for (const policy of registry) properties[policy.meta.id] = policyEntry(policyProperties[policy.meta.id], policy);
  // A plugin's policy takes any options: its schema is in the plugin, which an editor cannot load.
  const pluginEntry = { ...clone(genericEntry), description: "A plugin's policy.", properties: { ...(genericEntry.properties as object), options: { type: "object" } } };

  const waiver = clone((runtime.properties.waivers as { items: Schema }).items) as Schema & { properties: Record<string, Schema> };
  for (const [field, description] of Object.entries(WAIVER_FIELDS)) waiver.properties[field] = { ...waiver.properties[field], description };
  waiver.properties.expires = { type: "string", format: "date", pattern: DATE_PATTERN, description: WAIVER_FIELDS.expires };
  waiver.properties.policy = { type: "string", minLength: 1, description: WAIVER_FIELDS.policy, examples: ids };

  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: CONFIG_FILE_NAME,
    description: "Configuration of eks-sg-policy: which policies run, at which severity and with which options, and waivers. See docs/configuration.md.",
    type: "object",
    additionalProperties: false,
    properties: {
      $schema: { type: "string", description: "This schema, for editors; the checker ignores it." },
      failOn: { enum: [...FAIL_ON], default: "error", description: "The default for --fail-on: the lowest severity of a failing finding that makes the exit code 1." },
      plugins: { ...runtime.properties.plugins, description: "Modules whose policies run with the built-in ones: paths from this file's folder (./…, ../…) or package names." },
      policies: { type: "object", description: `Settings by policy id, or "${ALL_POLICIES}" for every policy.`, properties, additionalProperties: pluginEntry },
      waivers: { type: "array", description: "Exceptions with a reason, an owner and an expiry date.", items: waiver },
    },
    // Without plugins, only the built-in policies can be named; with plugins, theirs too.
    if: { type: "object", properties: { plugins: { type: "array" } }, required: ["plugins"] },
    else: {
      properties: {
        policies: { type: "object", propertyNames: { enum: [ALL_POLICIES, ...ids] } },
        waivers: { type: "array", items: { type: "object", properties: { policy: { type: "string", enum: ids } } } },
      },
    },
  };
}
