/**
 * The JSON Schema of `eks-sg-policy.config.json` (validated with ajv), built from the policy
 * registry so that policy ids are checked by the schema, and what to tell the user about each key.
 */
import { FAIL_ON, type FailOn } from "../findings/report";
import { SEVERITIES, type Policy, type Severity } from "../policy/contract";
import { closest, type FieldHint } from "../user-files/json-file";
import { waiverHints, waiverListSchema } from "../waivers/waiver-schema";

export const CONFIG_FILE_NAME = "eks-sg-policy.config.json";
export const ROOT_KEYS = ["$schema", "failOn", "plugins", "policies", "waivers"] as const;
/** The key in `policies` whose settings apply to every policy not configured by its own id. */
export const ALL_POLICIES = "*";

export interface PolicySettings {
  readonly enabled?: boolean;
  readonly severity?: Severity;
  readonly options?: Record<string, unknown>;
}

/** The file as written (after validation). */
export interface ConfigFile {
  readonly $schema?: string;
  readonly failOn?: FailOn;
  readonly plugins?: readonly string[];
  readonly policies?: { readonly [id: string]: PolicySettings };
  readonly waivers?: readonly Record<string, unknown>[];
}

function entryKeys(policy: Policy | undefined): string[] {
  return policy === undefined || !policy.meta.optionsSchema ? ["enabled", "severity"] : ["enabled", "severity", "options"];
}

function entrySchema(policy: Policy | undefined): object {
  const properties: Record<string, object> = { enabled: { type: "boolean" }, severity: { enum: [...SEVERITIES] } };
  // The options' own schema is applied after merging them over the defaults (see load-config.ts).
  if (policy?.meta.optionsSchema) properties.options = { type: "object" };
  return { type: "object", additionalProperties: false, properties };
}

/** `plugins`: modules (paths relative to the file, or package names) that export `policies`. */
export const PLUGINS_SCHEMA = { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true };

export const PLUGINS_HINT: FieldHint = {
  matches: (s) => s[0] === "plugins",
  remedy: () => 'List the plugin modules as strings, e.g. ["./policies/org-rules.js", "@acme/eks-policies"]',
};

export function configSchema(registry: readonly Policy[]): object {
  const policyProperties: Record<string, object> = { [ALL_POLICIES]: entrySchema(undefined) };
  for (const policy of registry) policyProperties[policy.meta.id] = entrySchema(policy);
  return {
    type: "object",
    additionalProperties: false,
    properties: {
      $schema: { type: "string" },
      failOn: { enum: [...FAIL_ON] },
      plugins: PLUGINS_SCHEMA,
      policies: { type: "object", additionalProperties: false, properties: policyProperties },
      waivers: waiverListSchema(registry.map((p) => p.meta.id)),
    },
  };
}

export function configHints(registry: readonly Policy[]): FieldHint[] {
  const ids = registry.map((p) => p.meta.id);
  const byId = new Map(registry.map((p) => [p.meta.id, p]));
  return [
    { matches: (s) => s.length === 0, allowedKeys: ROOT_KEYS },
    PLUGINS_HINT,
    {
      matches: (s) => s.length === 1 && s[0] === "policies",
      unknownKey: (key) => {
        const guess = closest(key, ids);
        return {
          problem: `policies[${JSON.stringify(key)}] names no policy`,
          remedy: `${guess ? `Did you mean ${JSON.stringify(guess)}? ` : ""}Valid ids: ${ids.join(", ")} (or "${ALL_POLICIES}" for all)`,
        };
      },
      remedy: () => 'Write policies as an object keyed by policy id, e.g. {"node-imdsv2": {"severity": "warning"}}',
    },
    ...registry.map(
      (policy): FieldHint => ({
        matches: (s) => s.length === 2 && s[0] === "policies" && s[1] === policy.meta.id,
        allowedKeys: entryKeys(policy),
        unknownKey: (key) => entryUnknownKey(policy.meta.id, byId.get(policy.meta.id), key),
        remedy: () => 'Write the settings as an object, e.g. {"enabled": false} or {"severity": "warning"}',
      }),
    ),
    {
      matches: (s) => s.length === 2 && s[0] === "policies" && s[1] === ALL_POLICIES,
      unknownKey: (key) => entryUnknownKey(ALL_POLICIES, undefined, key),
      remedy: () => 'Write the settings as an object, e.g. {"enabled": false} or {"severity": "warning"}',
    },
    {
      matches: (s) => s.length === 3 && s[0] === "policies" && s[2] === "enabled",
      remedy: () => "Write true to run the policy or false to skip it",
    },
    {
      matches: (s) => s.length === 3 && s[0] === "policies" && s[2] === "options",
      remedy: () => 'Write the options as an object, e.g. {"maxHopLimit": 1}',
    },
    ...waiverHints(ids),
  ];
}

function entryUnknownKey(id: string, policy: Policy | undefined, key: string): { problem: string; remedy: string } {
  const where = `policies[${JSON.stringify(id)}]`;
  if (key === "options") {
    return id === ALL_POLICIES
      ? { problem: `${where} cannot hold options`, remedy: "Options belong to one policy: give them under that policy's id" }
      : { problem: `${where}.options is given, but ${id} takes no options`, remedy: 'Remove "options"' };
  }
  const allowed = entryKeys(policy);
  const guess = closest(key, allowed);
  return {
    problem: `${where} has an unknown key ${JSON.stringify(key)}`,
    remedy: `${guess ? `Did you mean ${JSON.stringify(guess)}? ` : ""}Allowed keys: ${allowed.join(", ")}`,
  };
}
