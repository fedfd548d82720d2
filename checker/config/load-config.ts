/**
 * `eks-sg-policy.config.json`: found in the working folder or named explicitly, validated with ajv
 * against the policies it may name, and turned into policy choices, waivers, plugins and a default
 * `--fail-on`. Every error is one line that names the file, the JSON path, what is wrong and what
 * to do.
 *
 * Reading is two steps because a configuration may name plugins, whose policies it may then
 * configure: `readConfigFile` (and `pluginsOf`) first, `parseConfig` once the registry is complete.
 */
import fs from "node:fs";
import path from "node:path";
import type { FailOn } from "../findings/report";
import type { Policy, Severity } from "../policy/contract";
import { firstError, validatorOf } from "../user-files/ajv";
import { describeAjvError, fileError, readJsonObject } from "../user-files/json-file";
import type { Waiver } from "../waivers/waiver";
import { toWaivers, waiverGlobProblem } from "../waivers/waiver-schema";
import { ALL_POLICIES, CONFIG_FILE_NAME, configHints, configSchema, PLUGINS_HINT, PLUGINS_SCHEMA, type ConfigFile, type PolicySettings } from "./config-schema";

const EXAMPLE = '{"policies": {"remote-access": {"enabled": false}}}';
const DOCS = "See docs/configuration.md";

/** A configuration file read but not yet validated. */
export interface ConfigFileText {
  /** The file as named in messages (relative to the current folder when found by discovery). */
  readonly file: string;
  /** The folder plugin paths are resolved from. */
  readonly dir: string;
  readonly data: Record<string, unknown>;
}

/** What a configuration chooses for the policies, by id. */
export interface PolicyChoices {
  /** Ids switched off (`"enabled": false`, directly or through `"*"`). */
  readonly disabled: readonly string[];
  /** Ids switched on explicitly (`"enabled": true`). */
  readonly enabled: readonly string[];
  readonly severities: { readonly [policyId: string]: Severity };
  /** Options as written (merged over each policy's defaults when the run is set up). */
  readonly options: { readonly [policyId: string]: Record<string, unknown> };
}

export interface LoadedConfig {
  readonly file: string;
  readonly choices: PolicyChoices;
  /** Waivers from the file's `waivers` key, in file order. */
  readonly waivers: readonly Waiver[];
  /** The file's `failOn`; a `--fail-on` given on the command line wins over it. */
  readonly failOn?: FailOn;
  /** Plugin modules, resolved against the file's folder when relative. */
  readonly plugins: readonly string[];
}

export interface FindConfigOptions {
  /** The folder searched for `eks-sg-policy.config.json` when `file` is not given; `process.cwd()` by default. */
  readonly cwd?: string;
  /** An explicit file (`--config`), or a folder holding `eks-sg-policy.config.json`. Must exist. */
  readonly file?: string;
}

/** The configuration file in `folder`, or `undefined` when there is none. */
export function findConfigFile(folder: string): string | undefined {
  const candidate = path.join(folder, CONFIG_FILE_NAME);
  try {
    return fs.statSync(candidate).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}

function isFolder(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads the configuration: the explicit `file` when given (an error when it is missing), else
 * `eks-sg-policy.config.json` in `cwd` when present, else `undefined` (run with the defaults).
 */
export function readConfigFile(options: FindConfigOptions = {}): ConfigFileText | undefined {
  let file: string;
  let display: string;
  if (options.file !== undefined) {
    file = options.file;
    display = options.file;
    if (isFolder(file)) {
      const found = findConfigFile(file);
      if (!found) throw fileError(display, `is a folder without ${CONFIG_FILE_NAME}`, `Pass the configuration file itself, or create ${path.join(display, CONFIG_FILE_NAME)}`);
      file = found;
      display = path.join(display, CONFIG_FILE_NAME);
    }
  } else {
    const found = findConfigFile(options.cwd ?? process.cwd());
    if (!found) return undefined;
    file = found;
    display = path.relative(process.cwd(), found) || found;
  }
  return { file: display, dir: path.dirname(path.resolve(file)), data: readJsonObject(file, display, "configuration file", EXAMPLE) };
}

const configSchemas = new WeakMap<readonly Policy[], object>();

/** The schema of a configuration for one registry (its policy ids are keys), made once per registry. */
function configSchemaFor(registry: readonly Policy[]): object {
  let schema = configSchemas.get(registry);
  if (!schema) configSchemas.set(registry, (schema = configSchema(registry)));
  return schema;
}

/** Relative plugin paths are read from the configuration's folder; package names stay as they are. */
function resolvePluginSpec(spec: string, dir: string): string {
  return spec.startsWith("./") || spec.startsWith("../") ? path.resolve(dir, spec) : spec;
}

/** The plugins a configuration names, checked on their own (before the rest can be validated). */
export function pluginsOf(config: ConfigFileText): string[] {
  const plugins = config.data.plugins;
  if (plugins === undefined) return [];
  const validate = validatorOf(PLUGINS_SCHEMA);
  if (!validate(plugins)) {
    const { problem, remedy } = describeAjvError(firstError(validate.errors!), plugins, [PLUGINS_HINT], DOCS, ["plugins"]);
    throw fileError(config.file, problem, remedy);
  }
  return (plugins as string[]).map((spec) => resolvePluginSpec(spec, config.dir));
}

/** Validates a configuration against the policies it may name. */
export function parseConfig(config: ConfigFileText, registry: readonly Policy[]): LoadedConfig {
  const { data, file } = config;
  const validate = validatorOf(configSchemaFor(registry));
  if (!validate(data)) {
    const { problem, remedy } = describeAjvError(firstError(validate.errors!), data, configHints(registry), DOCS);
    throw fileError(file, problem, remedy);
  }
  const parsed = data as ConfigFile;
  const list = parsed.waivers ?? [];
  const globProblem = waiverGlobProblem(list);
  if (globProblem) throw fileError(file, `${globProblem.path} ${globProblem.problem}`, globProblem.remedy);
  const choices = choicesOf(parsed, registry);
  if (choices.disabled.length === registry.length) {
    throw fileError(file, "policies disables every policy, so nothing would be checked", 'Enable at least one policy, e.g. {"public-endpoint": {"enabled": true}}');
  }
  return {
    file,
    choices,
    waivers: toWaivers(list, file),
    ...(parsed.failOn !== undefined ? { failOn: parsed.failOn } : {}),
    plugins: pluginsOf(config),
  };
}

/** `readConfigFile` then `parseConfig`, for a registry that needs no plugins from the file. */
export function loadConfig(registry: readonly Policy[], options: FindConfigOptions = {}): LoadedConfig | undefined {
  const text = readConfigFile(options);
  return text && parseConfig(text, registry);
}

function settingsOf(config: ConfigFile, id: string): PolicySettings {
  return { ...(config.policies?.[ALL_POLICIES] ?? {}), ...(config.policies?.[id] ?? {}) };
}

/** A policy's own entry wins over `"*"`; options belong to one policy only. */
function choicesOf(config: ConfigFile, registry: readonly Policy[]): PolicyChoices {
  const disabled: string[] = [];
  const enabled: string[] = [];
  const severities: Record<string, Severity> = {};
  const options: Record<string, Record<string, unknown>> = {};
  for (const { meta } of registry) {
    const settings = settingsOf(config, meta.id);
    if (settings.enabled === false) disabled.push(meta.id);
    if (settings.enabled === true) enabled.push(meta.id);
    if (settings.severity !== undefined) severities[meta.id] = settings.severity;
    if (settings.options !== undefined) options[meta.id] = settings.options;
  }
  return { disabled, enabled, severities, options };
}

/** The `--fail-on` to use: the command line's when given, else the configuration's, else `error`. */
export function resolveFailOn(fromCommandLine: FailOn | undefined, config: Pick<LoadedConfig, "failOn"> | undefined): FailOn {
  return fromCommandLine ?? config?.failOn ?? "error";
}
