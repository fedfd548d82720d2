/**
 * User policies: modules named by `--plugin` or the configuration's `plugins` that export
 * `policies` (an array of `{ meta, check }`, usually made with `definePolicy`). They run with the
 * built-in policies. Anything wrong with a plugin is a one-line `UsageError` that names it.
 */
import path from "node:path";
import { UsageError } from "../errors";
import type { Policy } from "../policy/contract";
import { placeholdersOf } from "../policy/messages";
import { validatorOf } from "../user-files/ajv";
import { describeAjvError, jsonPath } from "../user-files/json-file";

export interface LoadedPlugin {
  /** As the user named it (path or package name). */
  readonly spec: string;
  /** The file Node loaded. */
  readonly file: string;
  readonly policies: readonly Policy[];
}

const META_SCHEMA = {
  type: "object",
  required: ["id", "severity", "title", "rationale", "messages"],
  properties: {
    id: { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" },
    severity: { enum: ["error", "warning", "info"] },
    title: { type: "string", minLength: 1 },
    rationale: { type: "string", minLength: 1 },
    messages: { type: "object", additionalProperties: { type: "string", minLength: 1 } },
    fixes: { type: "object", additionalProperties: { type: "string", minLength: 1 } },
    optionsSchema: { type: "object" },
    defaultOptions: { type: "object" },
    docsUrl: { type: "string" },
  },
};


function pluginError(spec: string, problem: string, remedy: string): UsageError {
  return new UsageError(`plugin ${spec}: ${problem}. ${remedy}`);
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split("\n")[0];
}

/** Checks the shape of one exported policy; `where` is its JSON path in the module's exports. */
function checkPolicyShape(spec: string, value: unknown, where: string): Policy {
  if (value === null || typeof value !== "object") throw pluginError(spec, `${where} is not a policy object`, "Export policies made with definePolicy({ meta, check })");
  const candidate = value as Partial<Policy>;
  if (typeof candidate.check !== "function") throw pluginError(spec, `${where}.check is not a function`, "Give each policy a check(context) function that returns results");
  // Compiled when a plugin is loaded, not when the command starts (issue #13).
  const validateMeta = validatorOf(META_SCHEMA);
  if (!validateMeta(candidate.meta)) {
    const { problem, remedy } = describeAjvError(validateMeta.errors![0], candidate.meta, [], "See docs/writing-policies.md", [where.replace(/^policies/, ""), "meta"].filter(Boolean));
    throw pluginError(spec, problem.replace(/^\[(\d+)\]/, `${where}`), remedy);
  }
  const meta = candidate.meta!;
  for (const [id, template] of Object.entries(meta.messages)) {
    if (placeholdersOf(template).length === 0 && /\{\{/.test(template)) throw pluginError(spec, `message "${id}" of ${meta.id} has a malformed {{placeholder}}`, "Write facts as {{name}}");
  }
  for (const [id, template] of Object.entries(meta.fixes ?? {})) {
    if (!(id in meta.messages)) throw pluginError(spec, `fix "${id}" of ${meta.id} has no message of that id`, "Give a fix the id of the message it belongs to");
    if (placeholdersOf(template!).length === 0 && /\{\{/.test(template!)) throw pluginError(spec, `fix "${id}" of ${meta.id} has a malformed {{placeholder}}`, "Write facts as {{name}}");
  }
  return candidate as Policy;
}

/** Loads one plugin module, resolved from `from` (the working folder, or the configuration's folder). */
export function loadPlugin(spec: string, from: string): LoadedPlugin {
  // Loaded here, not with the command: the public `module` brings the ES module loader with it (issue #13).
  const { createRequire } = require("node:module") as typeof import("node:module");
  const request = createRequire(path.join(path.resolve(from), "eks-sg-policy-plugins.js"));
  let file: string;
  try {
    file = request.resolve(spec);
  } catch {
    throw pluginError(spec, `cannot be found from ${from}`, "Give a path (./rules.js) or the name of an installed package");
  }
  let exported: unknown;
  try {
    exported = request(file);
  } catch (error) {
    throw pluginError(spec, `threw while loading (${firstLine(error)})`, "Fix the module, or remove it from --plugin / plugins");
  }
  const list = (exported as { policies?: unknown } | null)?.policies;
  if (!Array.isArray(list)) throw pluginError(spec, "does not export `policies`", "Export an array: module.exports = { policies: [definePolicy({ ... })] }");
  if (list.length === 0) throw pluginError(spec, "exports an empty `policies` array", "Export at least one policy, or remove the plugin");
  return { spec, file, policies: list.map((policy, i) => checkPolicyShape(spec, policy, jsonPath(["policies", i]))) };
}

/**
 * The built-in policies and every plugin's, sorted by id. An id used twice (a plugin clashing with
 * a built-in policy or another plugin) is an error.
 */
export function withPlugins(builtIn: readonly Policy[], plugins: readonly LoadedPlugin[]): Policy[] {
  const owner = new Map<string, string>(builtIn.map((p) => [p.meta.id, "the built-in policies"]));
  const all = [...builtIn];
  for (const plugin of plugins) {
    for (const policy of plugin.policies) {
      const taken = owner.get(policy.meta.id);
      if (taken !== undefined) throw pluginError(plugin.spec, `defines policy "${policy.meta.id}", which ${taken} already define`, "Give the plugin's policy another id (an organisation prefix such as acme-…)");
      owner.set(policy.meta.id, `plugin ${plugin.spec}`);
      all.push(policy);
    }
  }
  return all.sort((a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0));
}
