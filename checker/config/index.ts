export { CONFIG_FILE_NAME, configSchema, type ConfigFile, type PolicySettings } from "./config-schema";
export { findConfigFile, loadConfig, parseConfig, resolveFailOn, toCheckOptions, type LoadConfigOptions, type LoadedConfig } from "./load-config";
export { loadRunSettings, type RunSettings, type RunSettingsOptions } from "./run-settings";
