import { isSensitive } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { REDACTED } from "../model/sensitive-values";
import { isUnknown, type Path, type Value } from "../model/value";

export { REDACTED };

/** Formats a value for a message; values under a sensitive path are never printed. */
export function showValue(instance: ResourceInstance, path: Path, value: Value | undefined, side: "before" | "after" = "after"): string {
  if (isSensitive(side === "after" ? instance.afterSensitive : instance.beforeSensitive, path)) return REDACTED;
  return format(value);
}

function format(value: Value | undefined): string {
  if (value === undefined) return "(not set)";
  if (isUnknown(value)) return "(known after apply)";
  if (Array.isArray(value)) return `[${value.map(format).join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return String(value);
}
