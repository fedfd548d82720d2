export { ALL_POLICIES, CONFIG_FILE_NAME, configSchema, type ConfigFile, type PolicySettings } from "./config-schema";
export {
  findConfigFile,
  loadConfig,
  parseConfig,
  pluginsOf,
  readConfigFile,
  resolveFailOn,
  type ConfigFileText,
  type FindConfigOptions,
  type LoadedConfig,
  type PolicyChoices,
} from "./load-config";
