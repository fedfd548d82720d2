/**
 * Everything a check run takes from files, in one call: the configuration (explicit or found in
 * the working folder), extra waivers files, and `--fail-on` resolved against the configuration.
 */
import type { Policy } from "../policy";
import type { FailOn } from "../report/report";
import type { CheckOptions } from "../run/check-inputs";
import { loadWaiversFile } from "../waivers/load-waivers";
import type { Waiver } from "../waivers/waiver";
import { loadConfig, resolveFailOn, type LoadedConfig } from "./load-config";

export interface RunSettingsOptions {
  /** Where to look for `eks-sg-policy.config.json`; `process.cwd()` by default. */
  readonly cwd?: string;
  /** `--config <file>`: this file (or folder holding the file) instead of discovery; it must exist. */
  readonly configFile?: string;
  /** `--no-config`: neither discover nor read a configuration file. */
  readonly noConfig?: boolean;
  /** `--waivers <file>` (repeatable): their waivers come after the configuration's. */
  readonly waiverFiles?: readonly string[];
  /** `--fail-on` when the user gave it on the command line (not commander's default). */
  readonly failOn?: FailOn;
  readonly registry?: readonly Policy[];
}

export interface RunSettings {
  /** The configuration read, if any (for `file`, to mention it in verbose output). */
  readonly config?: LoadedConfig;
  readonly checkOptions: CheckOptions;
  /** The configuration's waivers, then each waivers file's, in order. */
  readonly waivers: readonly Waiver[];
  readonly failOn: FailOn;
}

/** Reads the configuration and waivers files; throws `InputError` (one line, exit 2) when one is wrong. */
export function loadRunSettings(options: RunSettingsOptions = {}): RunSettings {
  const config = options.noConfig
    ? undefined
    : loadConfig({
        ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
        ...(options.configFile !== undefined ? { file: options.configFile } : {}),
        ...(options.registry ? { registry: options.registry } : {}),
      });
  const waivers = [
    ...(config?.waivers ?? []),
    ...(options.waiverFiles ?? []).flatMap((file) => loadWaiversFile(file, options.registry ? { registry: options.registry } : {})),
  ];
  return {
    ...(config ? { config } : {}),
    checkOptions: config?.checkOptions ?? {},
    waivers,
    failOn: resolveFailOn(options.failOn, config),
  };
}
