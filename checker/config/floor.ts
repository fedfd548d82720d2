/**
 * A configuration found in the checked repository is written by whoever opens the pull request,
 * so it must never weaken the check silently. Two tools:
 *
 * - `changesOf`: what a configuration changes from the defaults, in words, each marked when it
 *   weakens the check (a policy off, a severity lowered, a looser `failOn`, waivers, options) —
 *   every format shows it;
 * - `withFloor`: an operator's configuration (`--floor`, from outside the repository: Atlantis's
 *   server, the base branch) that the repository's can only tighten. What the repository asks
 *   beyond the floor is refused and reported; its plugins and waivers are not loaded at all.
 */
import type { ConfigChange, FailOn } from "../findings/report";
import type { Policy, Severity } from "../policy/contract";
import type { LoadedConfig, PolicyChoices } from "./load-config";

export type { ConfigChange, ConfigurationAudit } from "../findings/report";

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };
/** How much a `failOn` fails on: `info` the most, `never` nothing. */
const FAIL_ON_RANK: Record<FailOn, number> = { never: 0, error: 1, warning: 2, info: 3 };

const lowers = (from: Severity, to: Severity) => SEVERITY_RANK[to] < SEVERITY_RANK[from];

/** What `config` changes from the policies' own settings and the default `failOn: error`. */
export function changesOf(config: LoadedConfig, registry: readonly Policy[]): ConfigChange[] {
  const changes: ConfigChange[] = [];
  const { choices } = config;
  if (choices.disabled.length > 0) changes.push({ change: `turns off ${choices.disabled.join(", ")}`, weakens: true });
  for (const policy of registry) {
    const id = policy.meta.id;
    const severity = choices.severities[id];
    if (severity !== undefined && severity !== policy.meta.severity && !choices.disabled.includes(id)) {
      changes.push({ change: `${lowers(policy.meta.severity, severity) ? "lowers" : "raises"} ${id} from ${policy.meta.severity} to ${severity}`, weakens: lowers(policy.meta.severity, severity) });
    }
    if (choices.options[id] !== undefined) changes.push({ change: `sets options of ${id}`, weakens: true });
  }
  if (config.failOn !== undefined && config.failOn !== "error") {
    changes.push({ change: `fails ${config.failOn === "never" ? "on nothing" : `from ${config.failOn} up`} (failOn ${config.failOn})`, weakens: FAIL_ON_RANK[config.failOn] < FAIL_ON_RANK.error });
  }
  if (config.waivers.length > 0) changes.push({ change: `waives ${config.waivers.length === 1 ? "1 finding pattern" : `${config.waivers.length} finding patterns`}`, weakens: true });
  if (config.plugins.length > 0) changes.push({ change: `loads plugins ${config.plugins.join(", ")}`, weakens: false });
  return changes;
}

function effectiveSeverity(policy: Policy, choices: PolicyChoices): Severity {
  return choices.severities[policy.meta.id] ?? policy.meta.severity;
}

/**
 * The floor, tightened where the repository's configuration asks for more: a policy the floor
 * leaves off turned on, a higher severity, a stricter `failOn`. Everything else the repository
 * asks for is refused: turning a policy off, lowering a severity, other options, a looser
 * `failOn`, waivers and plugins.
 */
export function withFloor(floor: LoadedConfig, repository: LoadedConfig, registry: readonly Policy[]): { config: LoadedConfig; refused: ConfigChange[] } {
  const refused: ConfigChange[] = [];
  const refuse = (change: string) => refused.push({ change, weakens: true });
  const disabled = floor.choices.disabled.filter((id) => !repository.choices.enabled.includes(id));
  for (const id of repository.choices.disabled) if (!floor.choices.disabled.includes(id)) refuse(`turning off ${id}`);
  const severities: Record<string, Severity> = { ...floor.choices.severities };
  for (const policy of registry) {
    const id = policy.meta.id;
    const asked = repository.choices.severities[id];
    if (asked === undefined) continue;
    const floorSeverity = effectiveSeverity(policy, floor.choices);
    if (lowers(floorSeverity, asked)) refuse(`lowering ${id} from ${floorSeverity} to ${asked}`);
    else severities[id] = asked;
  }
  for (const id of Object.keys(repository.choices.options)) {
    if (JSON.stringify(repository.choices.options[id]) !== JSON.stringify(floor.choices.options[id])) refuse(`options of ${id}`);
  }
  let failOn = floor.failOn;
  if (repository.failOn !== undefined) {
    if (FAIL_ON_RANK[repository.failOn] < FAIL_ON_RANK[floor.failOn ?? "error"]) refuse(`failOn ${repository.failOn}`);
    else failOn = repository.failOn;
  }
  if (repository.waivers.length > 0) refuse(`${repository.waivers.length === 1 ? "1 waiver" : `${repository.waivers.length} waivers`} (waivers come from the floor or --waivers)`);
  if (repository.plugins.length > 0) refuse(`plugins ${repository.plugins.join(", ")} (plugins come from the floor or --plugin)`);
  return {
    config: {
      file: floor.file,
      choices: { disabled, enabled: floor.choices.enabled, severities, options: floor.choices.options },
      waivers: floor.waivers,
      ...(failOn !== undefined ? { failOn } : {}),
      plugins: floor.plugins,
    },
    refused,
  };
}
