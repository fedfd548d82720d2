/**
 * Everything a check run is set up with, resolved and validated once: the configuration file
 * (explicit or found in the working folder), plugins, waivers files, `--fail-on`, and choices made
 * in code (the synth-time gate, `Findings`, `checkPlan`), which win over the file's. `check`,
 * `deploy`, the gate and the library all start here.
 */
import { UsageError } from "../errors";
import type { FailOn } from "../findings/report";
import { SEVERITIES, type Policy, type Severity } from "../policy/contract";
import { changesOf, withFloor, type ConfigurationAudit } from "../config/floor";
import { parseConfig, pluginsOf, readConfigFile, resolveFailOn, type ConfigFileText, type LoadedConfig } from "../config/load-config";
import { firstError, validatorOf } from "../user-files/ajv";
import { describeAjvError, fileError, type FieldHint } from "../user-files/json-file";
import { loadWaiversFile } from "../waivers/load-waivers";
import type { Waiver } from "../waivers/waiver";
import { loadPlugin, withPlugins, type LoadedPlugin } from "./plugins";

/** Where operators pin a floor without touching each command line (an Atlantis server, a CI runner). */
export const FLOOR_ENV = "EKS_SG_POLICY_FLOOR";

/** Choices made in code; they win over the configuration file's. */
export interface PolicyOverrides {
  /** Run only these policies (the configuration may still switch some off). */
  readonly policies?: readonly Policy[];
  /** Policy ids not to run. */
  readonly skipPolicies?: readonly string[];
  /** Severity per policy id, replacing the configuration's and the policy's own. */
  readonly severities?: { readonly [policyId: string]: Severity };
  /** Options per policy id, merged over the configuration's and the policy's defaults. */
  readonly policyOptions?: { readonly [policyId: string]: unknown };
}

export interface SettingsRequest extends PolicyOverrides {
  /** The built-in policies. */
  readonly registry: readonly Policy[];
  /** Where a configuration file is looked for and `--plugin` paths are resolved; `process.cwd()` by default. */
  readonly cwd?: string;
  /** A configuration file (or a folder holding one); `false` for none; unset: found in `cwd` when `discoverConfig`. */
  readonly config?: string | false;
  /**
   * The operator's configuration (`--floor`), from outside the checked repository: the check it
   * sets up is the least that runs; the repository's configuration may only tighten it.
   */
  readonly floor?: string;
  readonly discoverConfig?: boolean;
  /** Waivers files (`--waivers`), after the configuration's waivers. */
  readonly waiverFiles?: readonly string[];
  /** Waivers given in code, last. */
  readonly waivers?: readonly Waiver[];
  /** `--fail-on` when given on the command line; wins over the configuration's `failOn`. */
  readonly failOn?: FailOn;
  /** Plugin modules (`--plugin`), resolved from `cwd`. */
  readonly plugins?: readonly string[];
}

/** One policy as it will run. */
export interface PolicySetup {
  readonly policy: Policy;
  /** The policy's defaults, the configuration's options and the code's, merged and validated. */
  readonly options: unknown;
  /** The configured severity, when one was set; it wins over a result's own and the policy's. */
  readonly severity?: Severity;
}

export interface RunSettings {
  /** The policies that run, sorted by id. */
  readonly policies: readonly PolicySetup[];
  /** Every policy known to this run (built-in and plugins), enabled or not. */
  readonly registry: readonly Policy[];
  readonly waivers: readonly Waiver[];
  readonly failOn: FailOn;
  /** The configuration file read, as named in messages. */
  readonly configFile?: string;
  readonly plugins: readonly LoadedPlugin[];
  /** Which configurations were read, what they change from the defaults, what the floor refused. */
  readonly configuration: ConfigurationAudit;
}

const idsOf = (policies: readonly Policy[]) => policies.map((p) => p.meta.id);

function checkIds(ids: readonly string[], option: string, registry: readonly Policy[]): void {
  const known = idsOf(registry);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new UsageError(`${option} names ${unknown.length === 1 ? "a policy that does not exist" : "policies that do not exist"}: ${unknown.join(", ")}. Known policy ids: ${known.join(", ")}`);
  }
}

function checkOverrides(overrides: PolicyOverrides, registry: readonly Policy[]): void {
  checkIds(overrides.skipPolicies ?? [], "skipPolicies", registry);
  checkIds(Object.keys(overrides.severities ?? {}), "severities", registry);
  checkIds(Object.keys(overrides.policyOptions ?? {}), "policyOptions", registry);
  for (const [id, severity] of Object.entries(overrides.severities ?? {})) {
    if (!SEVERITIES.includes(severity)) throw new UsageError(`severities.${id} must be one of ${SEVERITIES.join(", ")}; it was ${JSON.stringify(severity)}`);
  }
}

/**
 * A policy's options: defaults, then the configuration's, then the code's; validated against its
 * schema. An error names the file when the configuration gave options, the code otherwise.
 */
function optionsOf(policy: Policy, config: LoadedConfig | undefined, fromCode: unknown, defaultsVetted: boolean): unknown {
  const id = policy.meta.id;
  const fromFile = config?.choices.options[id];
  const merged = { ...(policy.meta.defaultOptions ?? {}), ...(fromFile ?? {}), ...((fromCode as object | undefined) ?? {}) };
  const schema = policy.meta.optionsSchema;
  if (!schema) return merged;
  // Nothing but the registry's own defaults (which __tests__/policies/registry.test.ts validates):
  // compiling every options schema with ajv cost ~0.1 s of each run's start-up (issue #13).
  if (defaultsVetted && fromFile === undefined && fromCode === undefined) return merged;
  let validate;
  try {
    validate = validatorOf(schema);
  } catch (error) {
    throw new UsageError(`policy ${id} has an options schema that ajv cannot compile (${(error as Error).message})`);
  }
  if (validate(merged)) return merged;
  const properties = Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
  const docs = policy.meta.docsUrl ? `See ${policy.meta.docsUrl}` : `See docs/policies/${id}.md for the options of ${id}`;
  // Unknown keys get the allowed ones; wrong values get the allowed values (enum) or the docs.
  const hints: FieldHint[] = [{ matches: (s) => s.length === 3, allowedKeys: properties }];
  const { problem, remedy } = describeAjvError(firstError(validate.errors!), merged, hints, docs, ["policies", id, "options"]);
  if (fromFile !== undefined && fromCode === undefined) throw fileError(config!.file, problem, remedy);
  throw new UsageError(`options of policy ${id}: ${problem}. ${remedy.replace(/[.\s]+$/, "")}`);
}

function loadPlugins(specs: readonly string[], cwd: string): LoadedPlugin[] {
  const seen = new Set<string>();
  const plugins: LoadedPlugin[] = [];
  for (const spec of specs) {
    const plugin = loadPlugin(spec, cwd);
    // The same module named twice (on the command line and in the file) is loaded once.
    if (seen.has(plugin.file)) continue;
    seen.add(plugin.file);
    plugins.push(plugin);
  }
  return plugins;
}

/** Reads and validates everything a run is set up with; throws a one-line `InputError`/`UsageError`. */
export function resolveSettings(request: SettingsRequest): RunSettings {
  const cwd = request.cwd ?? process.cwd();
  const configText =
    request.config === false
      ? undefined
      : request.config !== undefined
        ? readConfigFile({ file: request.config })
        : request.discoverConfig
          ? readConfigFile({ cwd })
          : undefined;
  const floorText = request.floor !== undefined ? readConfigFile({ file: request.floor }) : undefined;
  // --plugin paths are read from the working folder, the file's from its folder (pluginsOf). Under
  // a floor, the repository's plugins are code from the pull request: only the floor's load.
  const trusted = floorText ?? configText;
  const plugins = loadPlugins([...(request.plugins ?? []), ...(trusted ? pluginsOf(trusted) : [])], cwd);
  const registry = withPlugins(request.policies ?? request.registry, plugins);
  const { config, configuration } = configurationOf(configText, floorText, registry);
  checkOverrides(request, registry);

  const skipped = new Set([...(config?.choices.disabled ?? []), ...(request.skipPolicies ?? [])]);
  const policies = registry
    .filter((policy) => !skipped.has(policy.meta.id))
    .map((policy): PolicySetup => {
      const id = policy.meta.id;
      const severity = request.severities?.[id] ?? config?.choices.severities[id];
      const defaultsVetted = request.registry.includes(policy);
      return { policy, options: optionsOf(policy, config, request.policyOptions?.[id], defaultsVetted), ...(severity !== undefined ? { severity } : {}) };
    });
  if (policies.length === 0) throw new UsageError("every policy is switched off, so nothing would be checked; enable at least one");

  const waivers = [
    ...(config?.waivers ?? []),
    ...(request.waiverFiles ?? []).flatMap((file) => loadWaiversFile(file, { registry })),
    ...(request.waivers ?? []),
  ];
  return {
    policies,
    registry,
    waivers,
    failOn: resolveFailOn(request.failOn, config),
    ...(configText ? { configFile: configText.file } : {}),
    plugins,
    configuration,
  };
}

/** The configuration in force (the repository's, or the floor tightened by it) and its audit. */
function configurationOf(configText: ConfigFileText | undefined, floorText: ConfigFileText | undefined, registry: readonly Policy[]): { config?: LoadedConfig; configuration: ConfigurationAudit } {
  const repository = configText && parseRepositoryConfig(configText, registry, floorText !== undefined);
  if (!floorText) return { ...(repository ? { config: repository } : {}), configuration: { ...(repository ? { file: repository.file } : {}), changes: repository ? changesOf(repository, registry) : [], refused: [] } };
  const floor = parseConfig(floorText, registry);
  const { config, refused } = repository ? withFloor(floor, repository, registry) : { config: floor, refused: [] };
  return { config, configuration: { ...(repository ? { file: repository.file } : {}), floor: floor.file, changes: changesOf(config, registry), refused } };
}

/** Under a floor, a repository configuration that configures a plugin's policy names a policy the floor did not load. */
function parseRepositoryConfig(text: ConfigFileText, registry: readonly Policy[], underFloor: boolean): LoadedConfig {
  if (!underFloor) return parseConfig(text, registry);
  try {
    return parseConfig(text, registry);
  } catch (error) {
    if (error instanceof Error && /names no policy/.test(error.message)) throw new UsageError(`${error.message.replace(/\.$/, "")}; under --floor, plugins come from the floor only`);
    throw error;
  }
}
