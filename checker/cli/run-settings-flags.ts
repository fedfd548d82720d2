/** The flags `check` and `deploy` share: configuration, waivers, plugins and `--fail-on`. */
import type { FailOn } from "../findings/report";
import type { Policy } from "../policy/contract";
import { resolveSettings, type RunSettings } from "../run/settings";
import type { CliIo } from "./io";

export interface SettingsFlags {
  /** Undefined when not given on the command line: the configuration file may set it. */
  readonly failOn?: FailOn;
  /** A configuration file; `false` for --no-config; undefined to look in the working folder. */
  readonly config?: string | false;
  readonly waivers?: readonly string[];
  readonly plugin?: readonly string[];
}

export function settingsFromFlags(flags: SettingsFlags, io: CliIo, registry: readonly Policy[]): RunSettings {
  return resolveSettings({
    registry,
    cwd: io.cwd ?? process.cwd(),
    discoverConfig: true,
    ...(flags.config !== undefined ? { config: flags.config } : {}),
    waiverFiles: flags.waivers ?? [],
    ...(flags.failOn !== undefined ? { failOn: flags.failOn } : {}),
    plugins: flags.plugin ?? [],
  });
}
