/**
 * What the gate and `Findings` run: the choices written in code over `eks-sg-policy.config.json`
 * (the file `eks-sg-policy check` reads), resolved once by the checker's own settings — so a typo
 * in a policy id fails where the user wrote it, and the gate checks what `check` would.
 */
import * as path from "node:path";
import { checkLoaded, FLOOR_ENV, policies as registry, resolveSettings, type LoadedInput, type PolicyOverrides, type Report, type RunSettings } from "../../checker";
import { GateUsageError } from "./errors";

export interface PackOptions extends PolicyOverrides {
  /**
   * `eks-sg-policy.config.json` to apply (enabled policies, severities, options, waivers, failOn,
   * plugins), as a file or a folder holding it; `false` for none. Choices given in code win over the file's.
   */
  readonly config?: string | false;
  /** Plugin modules whose policies run with the built-in ones (resolved from the working folder). */
  readonly plugins?: readonly string[];
  /**
   * An operator's configuration that the repository's may only tighten (see docs/configuration.md);
   * `EKS_SG_POLICY_FLOOR` when not given.
   */
  readonly floor?: string;
}

/**
 * @param discover read `eks-sg-policy.config.json` from the current folder when `config` is not
 *   given, as `eks-sg-policy check` does (the gate); `Findings` reads a file only when told to.
 */
export function resolvePack(options: PackOptions, discover: boolean): RunSettings {
  try {
    const floor = options.floor ?? (process.env[FLOOR_ENV] || undefined);
    return resolveSettings({ ...options, registry, discoverConfig: discover, ...(floor !== undefined ? { floor } : {}) });
  } catch (error) {
    // The checker's one-line errors, as the gate's own kind of error (they are thrown at the user's call).
    if (error instanceof Error && (error.name === "UsageError" || error.name === "InputError")) throw new GateUsageError(`${error.message}.`.replace(/\.\.$/, "."));
    throw error;
  }
}

/**
 * Checks synthesized stacks as `eks-sg-policy check` would: policies, then the configuration's
 * waivers as of now. `contexts` (the app's other stacks) join the topology without findings.
 */
export function runPack(inputs: readonly LoadedInput[], settings: RunSettings, contexts: readonly LoadedInput[] = []): Report {
  return checkLoaded(inputs, settings, undefined, contexts).report;
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
