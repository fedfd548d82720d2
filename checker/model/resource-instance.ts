import type { Value } from "./value";

/** What Terraform will do to an instance; a replacement is one action here. */
export type Action = "create" | "update" | "delete" | "replace" | "no-op" | "read" | "forget";

/** `true` marks a sensitive value; objects and lists mirror the value's shape. */
export type SensitiveTree = boolean | SensitiveTree[] | { [key: string]: SensitiveTree };

export interface ResourceInstance {
  /** Full instance address with module path and keys: `module.a["x"].aws_security_group.this[0]`. */
  readonly address: string;
  /** Module instance address (`module.a["x"]`), `""` at the root. */
  readonly moduleAddress: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** The `count` index or `for_each` key. */
  readonly index?: string | number;
  /** Set for a deposed object (always being deleted). */
  readonly deposed?: string;
  readonly action: Action;
  readonly actionReason?: string;
  /** For replacements: the attribute paths that force the new resource. */
  readonly replacePaths?: readonly (readonly (string | number)[])[];
  /** The values before the plan (`null` when created), fully known. */
  readonly before: Value | null;
  /** The values after the plan (`null` when deleted), with `Unknown` where the plan does not decide. */
  readonly after: Value | null;
  readonly beforeSensitive: SensitiveTree;
  readonly afterSensitive: SensitiveTree;
  /**
   * The AWS region it is made in, when the input decides it (provider-configs.ts): its own
   * `region` argument (AWS provider 6), else its provider configuration's `region`.
   */
  readonly region?: string;
  /**
   * For a resource of a Kubernetes provider (a `kubernetes_manifest`, a `kubectl_manifest`): the
   * `host` its provider configuration connects to, a cluster's endpoint (known, or where it comes from).
   */
  readonly providerHost?: Value;
  /** For synthesized CDKTF input: the construct path from the `//` metadata. */
  readonly constructPath?: string;
}

/**
 * Instances that still exist after the plan: everything but deletions and deposed objects. A
 * forgotten one (`removed { lifecycle { destroy = false } }`) stays in AWS as it was: Terraform
 * only stops managing it ("removed" block, Terraform language docs).
 */
export function existsAfter(instance: ResourceInstance): boolean {
  return (instance.after !== null || instance.action === "forget") && instance.action !== "delete" && !instance.deposed;
}

/** Instances that existed before the plan. */
export function existedBefore(instance: ResourceInstance): boolean {
  return instance.before !== null && instance.action !== "create";
}

export function actionFromList(actions: readonly string[] | undefined): Action {
  const list = actions ?? [];
  if (list.includes("delete") && list.includes("create")) return "replace";
  const first = list[0];
  switch (first) {
    case "create":
    case "update":
    case "delete":
    case "read":
    case "forget":
    case "no-op":
      return first;
    default:
      return "no-op";
  }
}
