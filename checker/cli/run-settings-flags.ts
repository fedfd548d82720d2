/** The flags `check` and `deploy` share: configuration, waivers, plugins and `--fail-on`. */
import type { FailOn } from "../findings/report";
import type { Policy } from "../policy/contract";
import { FLOOR_ENV, resolveSettings, type RunSettings } from "../run/settings";
import type { CliIo } from "./io";

export interface SettingsFlags {
  /** Undefined when not given on the command line: the configuration file may set it. */
  readonly failOn?: FailOn;
  /** A configuration file; `false` for --no-config; undefined to look in the working folder. */
  readonly config?: string | false;
  readonly waivers?: readonly string[];
  readonly plugin?: readonly string[];
  /** `--floor`; `EKS_SG_POLICY_FLOOR` when not given. */
  readonly floor?: string;
}

function floorOf(flags: SettingsFlags, io: CliIo): string | undefined {
  const fromEnv = (io.env ?? process.env)[FLOOR_ENV];
  return flags.floor ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined);
}

export function settingsFromFlags(flags: SettingsFlags, io: CliIo, registry: readonly Policy[]): RunSettings {
  return resolveSettings({
    registry,
    cwd: io.cwd ?? process.cwd(),
    discoverConfig: true,
    ...(flags.config !== undefined ? { config: flags.config } : {}),
    ...(floorOf(flags, io) !== undefined ? { floor: floorOf(flags, io) } : {}),
    waiverFiles: flags.waivers ?? [],
    ...(flags.failOn !== undefined ? { failOn: flags.failOn } : {}),
    plugins: flags.plugin ?? [],
  });
}
