/**
 * The options that the gate and `Findings` pass to the checker, checked once where the user wrote
 * them (a typo in a policy id would otherwise switch nothing off, silently).
 */
import { checkSynthDocument, policies as registry, type CheckOptions, type Policy, type Severity } from "../../checker";
import { GateUsageError, unknownPolicyIds } from "./errors";

export interface PackOptions extends CheckOptions {
  /** Policy ids not to run. */
  readonly skipPolicies?: readonly string[];
}

const SEVERITY: readonly Severity[] = ["error", "warning", "info"];

export function resolveCheckOptions(options: PackOptions): CheckOptions {
  const available: readonly Policy[] = options.policies ?? registry;
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
  const skipped = new Set(options.skipPolicies ?? []);
  const resolved: CheckOptions = {
    policies: available.filter((p) => !skipped.has(p.meta.id)),
    ...(options.policyOptions ? { policyOptions: options.policyOptions } : {}),
    ...(options.severities ? { severities: options.severities } : {}),
  };
  // The checker validates each policy's options against its JSON Schema when it runs; an empty
  // document makes it do so now.
  checkSynthDocument({}, "options", resolved);
  return resolved;
}
