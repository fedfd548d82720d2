/**
 * What the model knows to be secret: every string under a sensitive path of an instance (Terraform
 * marks derived values too), and the values of sensitive variables and outputs. Whatever text
 * leaves the checker — messages, facts, diagrams — goes through `redact`, so a secret is never
 * printed however a policy came to mention it (a value read through a reference, a variable's
 * constant, a cluster name in a reason).
 */
import type { JsonValue } from "../load/plan-document";
import { mapStrings } from "../printable";
import type { ResourceInstance, SensitiveTree } from "./resource-instance";
import { isUnknown, type Value } from "./value";

export const REDACTED = "(sensitive value)";

/** Shorter secrets are replaced only where a whole text is the secret: "10" inside "10250" is no leak. */
const MIN_SUBSTRING = 4;

function collect(value: Value | JsonValue | undefined, tree: SensitiveTree | undefined, inside: boolean, out: Set<string>): void {
  // An explicit stack instead of recursion: values may nest thousands of levels deep.
  const stack: [Value | JsonValue | undefined, SensitiveTree | undefined, boolean][] = [[value, tree, inside]];
  while (stack.length > 0) {
    const [v, t, secret] = stack.pop()!;
    const marked = secret || t === true;
    if (v === null || v === undefined || isUnknown(v)) continue;
    if (typeof v === "string") {
      if (marked && v !== "") out.add(v);
      continue;
    }
    if (typeof v !== "object") {
      // A sensitive flag is no secret worth hiding "true" and "false" for everywhere.
      if (marked && typeof v === "number") out.add(String(v));
      continue;
    }
    if (!marked && (t === undefined || t === false)) continue;
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, Array.isArray(t) ? t[i] : undefined, marked]));
    } else {
      const branches = t !== null && typeof t === "object" && !Array.isArray(t) ? t : undefined;
      for (const [key, item] of Object.entries(v)) stack.push([item, branches?.[key], marked]);
    }
  }
}

/** Every string of `value` (a sensitive variable's or output's value). */
export function secretsOf(value: JsonValue | undefined, out: Set<string> = new Set()): Set<string> {
  collect(value, true, true, out);
  return out;
}

export function instanceSecrets(instances: readonly ResourceInstance[], out: Set<string>): Set<string> {
  for (const instance of instances) {
    if (instance.afterSensitive !== false) collect(instance.after, instance.afterSensitive, false, out);
    if (instance.beforeSensitive !== false) collect(instance.before, instance.beforeSensitive, false, out);
  }
  return out;
}

export type Redact = <T>(value: T) => T;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces every secret in a text, or in the strings of a structure (facts, views). */
export function redactorOf(secrets: ReadonlySet<string>): Redact {
  if (secrets.size === 0) return (value) => value;
  const whole = new Set(secrets);
  const long = [...secrets].filter((s) => s.length >= MIN_SUBSTRING).sort((a, b) => b.length - a.length);
  const pattern = long.length > 0 ? new RegExp(long.map(escapeRegExp).join("|"), "g") : undefined;
  const text = (s: string): string => (whole.has(s) ? REDACTED : pattern ? s.replace(pattern, REDACTED) : s);
  return <T>(value: T) => mapStrings(value, text, (object) => !isUnknown(object)) as T;
}
