export { checkGraphs, checkLoaded, type CheckRun } from "./pipeline";
export { FLOOR_ENV, resolveSettings, type PolicyOverrides, type PolicySetup, type RunSettings, type SettingsRequest } from "./settings";
export { loadPlugin, withPlugins, type LoadedPlugin } from "./plugins";
export { runPolicies } from "./run-policies";
export { toolVersion } from "./tool-version";
export { GATE_STOPS_ENV, readGateStops, recordGateStop, type GateStop } from "./gate-stops";
