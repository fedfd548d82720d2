/**
 * A change's sensitive marks (`before_sensitive`, `after_sensitive`): the shape of its value, with
 * `true` where a value is sensitive. Almost every resource has none: `false`, or empty lists and
 * objects at every leaf (the 3,800-resource benchmark plan: 3,800 such marks, 340 KB of text),
 * which the model reads as `false` (sensitiveTree in model/merge-unknown.ts).
 */
import { pushed } from "../model/add-to-list";
import type { JsonValue } from "./plan-document";

/**
 * Whether a `true` lies anywhere in the marks. It runs on both marks of every resource, nearly
 * always to find none, a few levels deep. It recurses, which costs 14 M fewer instructions at
 * 3,800 resources than the stack walk alone (issue #13); below `RECURSION_LEVELS` it walks with a
 * stack, as marks can nest thousands of levels deep (a `jsondecode` in a `terraform_data`).
 */
export function anyMark(marks: JsonValue, levels = RECURSION_LEVELS): boolean {
  if (marks === true) return true;
  if (marks === null || typeof marks !== "object") return false;
  if (levels === 0) return anyMarkBelow(marks);
  if (Array.isArray(marks)) {
    for (let i = 0; i < marks.length; i++) if (anyMark(marks[i], levels - 1)) return true;
    return false;
  }
  for (const key in marks) if (Object.hasOwn(marks, key) && anyMark(marks[key], levels - 1)) return true;
  return false;
}

const RECURSION_LEVELS = 32;

/**
 * anyMark with an explicit stack, made only for nested marks; indexes and a for-in, not
 * `Object.values`, which made an array per container (19,000 resources: 24 of 480 MB allocated).
 */
function anyMarkBelow(marks: JsonValue[] | { [key: string]: JsonValue }): boolean {
  let stack: (JsonValue[] | { [key: string]: JsonValue })[] | undefined;
  let container: JsonValue[] | { [key: string]: JsonValue } | undefined = marks;
  while (container !== undefined) {
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) {
        const mark = container[i];
        if (mark === true) return true;
        if (typeof mark === "object" && mark !== null) stack = pushed(stack, mark);
      }
    } else {
      for (const key in container) {
        if (!Object.hasOwn(container, key)) continue;
        const mark = container[key];
        if (mark === true) return true;
        if (typeof mark === "object" && mark !== null) stack = pushed(stack, mark);
      }
    }
    container = stack?.pop();
  }
  return false;
}

/**
 * The entry of `resource_changes` just parsed, its change's marks that hold no `true` set to
 * `false`: their lists and objects are then dropped while they are young, instead of being copied
 * twice by the GC with the rest of the plan and dropped when the model is built (issue #13).
 */
export function withUnmarkedAsFalse(entry: unknown): unknown {
  const change = entry !== null && typeof entry === "object" ? (entry as { change?: unknown }).change : undefined;
  if (change === null || typeof change !== "object") return entry;
  const marks = change as { before_sensitive?: JsonValue; after_sensitive?: JsonValue };
  // Each named, not a loop over the two keys: a for-of made an iterator for every entry.
  if (isUnmarked(marks.before_sensitive)) marks.before_sensitive = false;
  if (isUnmarked(marks.after_sensitive)) marks.after_sensitive = false;
  return entry;
}

function isUnmarked(marks: JsonValue | undefined): boolean {
  return marks !== null && typeof marks === "object" && !anyMark(marks);
}
