/**
 * The contract between the checker and a policy. A policy is a module in `policies/` exporting
 * `meta` and a pure `check`; it reads the model and returns results, and never prints.
 */
import type { ResourceGraph, World } from "./model/resource-graph";
import type { ResourceInstance } from "./model/resource-instance";
import type { Path, Value } from "./model/value";

export type Severity = "error" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

export interface PolicyMeta<Options = Record<string, never>> {
  /** Stable kebab-case id: it appears in waivers, configuration and Atlantis approvals. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what a compliant configuration looks like. */
  readonly title: string;
  /** Why it matters, in a sentence or two. */
  readonly rationale: string;
  /** Resource types the policy reads. */
  readonly resourceTypes: readonly string[];
  /** JSON Schema of the options (validated with ajv) and their defaults. */
  readonly optionsSchema?: object;
  readonly defaultOptions?: Options;
}

/**
 * The verdict on one subject. `pass` is counted but not reported; `fail` means evidence that the
 * rule is broken; `unknown` means the plan does not decide, and the message says what is unknown.
 */
export interface CheckResult {
  readonly address: string;
  readonly status: "pass" | "fail" | "unknown";
  readonly message: string;
  /** Other resources involved (SGs, rules, node groups). */
  readonly related?: readonly string[];
  /** Tells apart several results of one policy on one address (e.g. one per peer). */
  readonly key?: string;
  /** For policies whose severity depends on what was found (e.g. which port is open to the world). */
  readonly severity?: Severity;
}

export interface PolicyContext<Options = Record<string, never>> {
  readonly graph: ResourceGraph;
  /** The world after the plan: what policies judge. */
  readonly world: World;
  readonly options: Options;
  /** A value for a message, or `(sensitive)` when its path is marked sensitive. */
  show(instance: ResourceInstance, path: Path, value: Value | undefined): string;
}

export interface Policy<Options = unknown> {
  readonly meta: PolicyMeta<Options>;
  check(context: PolicyContext<Options>): CheckResult[];
}
