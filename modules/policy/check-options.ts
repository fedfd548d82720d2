/**
 * What the gate and `Findings` run: the options written in code over `eks-sg-policy.config.json`
 * (the file `eks-sg-policy check` reads), checked once where the user wrote them — a typo in a
 * policy id would otherwise switch nothing off, silently.
 */
import * as path from "node:path";
import {
  applyWaivers,
  checkPlan,
  loadConfig,
  policies as registry,
  type CheckOptions,
  type FailOn,
  type LoadedInput,
  type Policy,
  type Report,
  type Severity,
  type Waiver,
} from "../../checker";
import { GateUsageError, unknownPolicyIds } from "./errors";

export interface PackOptions extends CheckOptions {
  /** Policy ids not to run. */
  readonly skipPolicies?: readonly string[];
  /**
   * `eks-sg-policy.config.json` to apply (enabled policies, severities, options, waivers, failOn),
   * as a file or a folder holding it; `false` for none. Options given in code win over the file's.
   */
  readonly config?: string | false;
}

/** The options resolved against the configuration file: ready to run. */
export interface ResolvedPack {
  readonly checkOptions: CheckOptions;
  readonly waivers: readonly Waiver[];
  /** The configuration file's `failOn`, if it has one. */
  readonly configFailOn?: FailOn;
  /** The configuration file used, as named in messages. */
  readonly configFile?: string;
}

const SEVERITY: readonly Severity[] = ["error", "warning", "info"];

function mergePolicyOptions(file: CheckOptions["policyOptions"], code: CheckOptions["policyOptions"]): CheckOptions["policyOptions"] {
  if (!file) return code;
  if (!code) return file;
  const merged: Record<string, unknown> = { ...file };
  for (const [id, options] of Object.entries(code)) merged[id] = { ...((file[id] as object | undefined) ?? {}), ...(options as object) };
  return merged;
}

/**
 * @param discover read `eks-sg-policy.config.json` from the current folder when `config` is not
 *   given, as `eks-sg-policy check` does (the gate); `Findings` reads a file only when told to.
 */
export function resolvePack(options: PackOptions, discover: boolean): ResolvedPack {
  const available: readonly Policy[] = options.policies ?? registry;
  const config =
    options.config === false
      ? undefined
      : options.config !== undefined
        ? loadConfig({ file: options.config, registry: available })
        : discover
          ? loadConfig({ cwd: process.cwd(), registry: available })
          : undefined;

  const known = available.map((p) => p.meta.id);
  const check = (ids: readonly string[], option: string) => {
    const unknown = ids.filter((id) => !known.includes(id));
    if (unknown.length > 0) throw unknownPolicyIds(unknown, option, known);
  };
  check(options.skipPolicies ?? [], "skipPolicies");
  check(Object.keys(options.severities ?? {}), "severities");
  check(Object.keys(options.policyOptions ?? {}), "policyOptions");
  for (const [id, severity] of Object.entries(options.severities ?? {})) {
    if (!SEVERITY.includes(severity)) throw new GateUsageError(`severities.${id} must be one of ${SEVERITY.join(", ")}; it was ${JSON.stringify(severity)}.`);
  }

  const file = config?.checkOptions ?? {};
  const skipped = new Set(options.skipPolicies ?? []);
  const severities = { ...file.severities, ...options.severities };
  const policyOptions = mergePolicyOptions(file.policyOptions, options.policyOptions);
  const checkOptions: CheckOptions = {
    policies: (options.policies ?? file.policies ?? registry).filter((p) => !skipped.has(p.meta.id)),
    ...(Object.keys(severities).length > 0 ? { severities } : {}),
    ...(policyOptions ? { policyOptions } : {}),
  };
  // The checker validates each policy's options against its JSON Schema when it runs; an empty
  // document makes it do so now.
  checkPlan([{ kind: "synth", path: "options", document: {} }], checkOptions);
  return {
    checkOptions,
    waivers: config?.waivers ?? [],
    ...(config?.failOn !== undefined ? { configFailOn: config.failOn } : {}),
    ...(config ? { configFile: config.file } : {}),
  };
}

/** Checks synthesized stacks, then applies the configuration's waivers as of now. */
export function runPack(inputs: readonly LoadedInput[], pack: ResolvedPack): Report {
  const report = checkPlan(inputs, pack.checkOptions);
  return pack.waivers.length > 0 ? applyWaivers(report, pack.waivers, new Date()).report : report;
}

/**
 * How `eks-sg-policy check cdktf.out` names a stack's input (`cdktf.out/stacks/<id>/cdk.tf.json`),
 * so that a waiver's `input` glob matches at synth time as it does there.
 */
export function synthInputPath(outdir: string, stack: string): string {
  const relative = path.relative(process.cwd(), outdir);
  const base = relative === "" ? "." : relative.startsWith("..") || path.isAbsolute(relative) ? outdir : relative;
  return path.join(base, "stacks", stack, "cdk.tf.json");
}
