/**
 * `eks-sg-policy.config.json`: found in the working folder or named explicitly, validated with ajv,
 * and turned into `CheckOptions`, waivers and a default `--fail-on`. Every error is one line that
 * names the file, the JSON path, what is wrong and what to do.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ValidateFunction } from "ajv";
import type { Policy, Severity } from "../policy";
import type { FailOn } from "../report/report";
import type { CheckOptions } from "../run/check-inputs";
import type { Waiver } from "../waivers/waiver";
import { toWaivers, waiverGlobProblem } from "../waivers/waiver-schema";
import { policies as defaultRegistry } from "../../policies";
import { createAjv, firstError } from "./ajv";
import { ALL_POLICIES, CONFIG_FILE_NAME, configHints, configSchema, type ConfigFile, type PolicySettings } from "./config-schema";
import { describeAjvError, fileError, readJsonObject, type FieldHint } from "./json-file";

const EXAMPLE = '{"policies": {"remote-access": {"enabled": false}}}';
const DOCS = "See docs/configuration.md";

export interface LoadedConfig {
  /** The file as named in messages (relative to the current folder when found by discovery). */
  readonly file: string;
  readonly checkOptions: CheckOptions;
  /** Waivers from the file's `waivers` key, in file order. */
  readonly waivers: readonly Waiver[];
  /** The file's `failOn`; a `--fail-on` given on the command line wins over it. */
  readonly failOn?: FailOn;
}

export interface LoadConfigOptions {
  /** The folder searched for `eks-sg-policy.config.json` when `file` is not given; `process.cwd()` by default. */
  readonly cwd?: string;
  /** An explicit file (`--config`), or a folder holding `eks-sg-policy.config.json`. Must exist. */
  readonly file?: string;
  /** The policies the file may name; the registry by default. */
  readonly registry?: readonly Policy[];
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

/**
 * Loads the configuration: the explicit `file` when given (an error when it is missing), else
 * `eks-sg-policy.config.json` in `cwd` when present, else `undefined` (run with the defaults).
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig | undefined {
  const registry = options.registry ?? defaultRegistry;
  if (options.file !== undefined) {
    let file = options.file;
    let display = options.file;
    if (isFolder(file)) {
      const found = findConfigFile(file);
      if (!found) throw fileError(display, `is a folder without ${CONFIG_FILE_NAME}`, `Pass the configuration file itself, or create ${path.join(display, CONFIG_FILE_NAME)}`);
      file = found;
      display = path.join(display, CONFIG_FILE_NAME);
    }
    return parseConfig(readJsonObject(file, display, "configuration", EXAMPLE), display, registry);
  }
  const cwd = options.cwd ?? process.cwd();
  const found = findConfigFile(cwd);
  if (!found) return undefined;
  const display = path.relative(process.cwd(), found) || found;
  return parseConfig(readJsonObject(found, display, "configuration", EXAMPLE), display, registry);
}

function isFolder(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

const ajv = createAjv();
const configValidators = new WeakMap<readonly Policy[], ValidateFunction>();
const optionValidators = new WeakMap<Policy, ValidateFunction>();

function configValidator(registry: readonly Policy[]): ValidateFunction {
  let validate = configValidators.get(registry);
  if (!validate) {
    validate = ajv.compile(configSchema(registry));
    configValidators.set(registry, validate);
  }
  return validate;
}

function optionValidator(policy: Policy): ValidateFunction | undefined {
  if (!policy.meta.optionsSchema) return undefined;
  let validate = optionValidators.get(policy);
  if (!validate) {
    validate = ajv.compile(policy.meta.optionsSchema);
    optionValidators.set(policy, validate);
  }
  return validate;
}

/** Validates the parsed content of a configuration file; `display` names it in errors. */
export function parseConfig(data: Record<string, unknown>, display: string, registry: readonly Policy[] = defaultRegistry): LoadedConfig {
  const validate = configValidator(registry);
  if (!validate(data)) {
    const { problem, remedy } = describeAjvError(firstError(validate.errors!), data, configHints(registry), DOCS);
    throw fileError(display, problem, remedy);
  }
  const config = data as ConfigFile;
  checkPolicyOptions(config, display, registry);
  const list = config.waivers ?? [];
  const globProblem = waiverGlobProblem(list);
  if (globProblem) throw fileError(display, `${globProblem.path} ${globProblem.problem}`, globProblem.remedy);
  const checkOptions = toCheckOptions(config, registry);
  if (checkOptions.policies?.length === 0) {
    throw fileError(display, "policies disables every policy, so nothing would be checked", 'Enable at least one policy, e.g. {"public-endpoint": {"enabled": true}}');
  }
  return {
    file: display,
    checkOptions,
    waivers: toWaivers(list, display),
    ...(config.failOn !== undefined ? { failOn: config.failOn } : {}),
  };
}

/** Each policy's options, merged over its defaults, must satisfy its `optionsSchema`. */
function checkPolicyOptions(config: ConfigFile, display: string, registry: readonly Policy[]): void {
  for (const policy of registry) {
    const given = config.policies?.[policy.meta.id]?.options;
    const validate = optionValidator(policy);
    if (given === undefined || !validate) continue;
    const merged = { ...(policy.meta.defaultOptions ?? {}), ...given };
    if (validate(merged)) continue;
    const id = policy.meta.id;
    const schema = policy.meta.optionsSchema as { properties?: Record<string, unknown> };
    const docs = `See docs/policies/${id}.md for the options of ${id}`;
    // Unknown keys get the allowed ones; wrong values get the allowed values (enum) or the docs.
    const hints: FieldHint[] = [{ matches: (s) => s.length === 3, allowedKeys: Object.keys(schema.properties ?? {}) }];
    const { problem, remedy } = describeAjvError(firstError(validate.errors!), merged, hints, docs, ["policies", id, "options"]);
    throw fileError(display, problem, remedy);
  }
}

function settingsOf(config: ConfigFile, id: string): PolicySettings {
  return { ...(config.policies?.[ALL_POLICIES] ?? {}), ...(config.policies?.[id] ?? {}) };
}

/**
 * The `CheckOptions` a validated configuration asks for: the enabled policies (all unless
 * disabled; a policy's own entry wins over `"*"`), severities and options per policy id.
 */
export function toCheckOptions(config: ConfigFile, registry: readonly Policy[] = defaultRegistry): CheckOptions {
  const enabled: Policy[] = [];
  const severities: Record<string, Severity> = {};
  const policyOptions: Record<string, unknown> = {};
  for (const policy of registry) {
    const id = policy.meta.id;
    const settings = settingsOf(config, id);
    if (settings.enabled === false) continue;
    enabled.push(policy);
    if (settings.severity !== undefined) severities[id] = settings.severity;
    if (settings.options !== undefined) policyOptions[id] = settings.options;
  }
  return {
    policies: enabled,
    ...(Object.keys(severities).length > 0 ? { severities } : {}),
    ...(Object.keys(policyOptions).length > 0 ? { policyOptions } : {}),
  };
}

/** The `--fail-on` to use: the command line's when given, else the configuration's, else `error`. */
export function resolveFailOn(fromCommandLine: FailOn | undefined, config: LoadedConfig | undefined): FailOn {
  return fromCommandLine ?? config?.failOn ?? "error";
}
