/**
 * The two walks over a planned value's whole depth: `after` merged with `after_unknown`, and the
 * `*_sensitive` marks. Plans can hold values thousands of levels deep (a `jsondecode` in a
 * `terraform_data`), so both walk with an explicit stack instead of recursion, and a path is
 * built only for an unknown leaf.
 */
import { setOwn } from "../load/own-member";
import type { JsonValue } from "../load/plan-document";
import { anyMark } from "../load/sensitive-marks";
import type { SensitiveTree } from "./resource-instance";
import type { Path, Unknown, Value } from "./value";

function isPlainObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * No `true` below: absent, false, or an empty list or object (what after_unknown holds for a known
 * value). Deeper structures without a `true` are walked, and shared leaf by leaf.
 */
function unmarked(marks: JsonValue | undefined): boolean {
  if (marks === undefined || marks === false || marks === null) return true;
  if (Array.isArray(marks)) return marks.length === 0;
  if (typeof marks !== "object") return false;
  // A for-in that stops at the first key: Object.keys would make an array for every mark checked.
  for (const key in marks) if (Object.hasOwn(marks, key)) return false;
  return true;
}

/**
 * A marked value on the way down: where it goes (its parent's `value`, at `key`) and, once taken
 * from the stack, the list or object it is filled into. One record per marked value, which is also
 * the link its children's paths are read through: paths cost nothing until an unknown leaf needs one.
 */
interface Marked {
  readonly after: JsonValue | undefined;
  readonly unknown: JsonValue | undefined;
  /** The container it goes in (undefined: it is the result). */
  readonly parent: Marked | undefined;
  readonly key: string | number;
  /** Set when it is a list or object: what is filled, and whether it holds an unknown yet. */
  value: Value[] | { [key: string]: Value } | undefined;
  hasUnknown: boolean;
  /** Children not placed yet: the container is done when the last one is. */
  remaining: number;
}

function marked(after: JsonValue | undefined, unknown: JsonValue | undefined, parent: Marked | undefined, key: string | number): Marked {
  return { after, unknown, parent, key, value: undefined, hasUnknown: false, remaining: 0 };
}

/**
 * `after` with `after_unknown` merged in: each `true` mark becomes the `Unknown` that
 * `makeUnknown` makes for its path; a key missing from both stays missing; a list element that is
 * missing from `after` (and not unknown) is null. With `inPlace`, `after` is the caller's to give
 * away: its lists and objects are filled where they are instead of copied (19,000 resources:
 * the live model 57 -> 50 MB, issue #13), with the same result. Its name begins with `hot`, so
 * the command lets TurboFan compile it from 16 MB of input (checker/cli/large-plan-v8.ts): it
 * walks every marked value of a plan, and compiled it cost 7 % fewer instructions per check at
 * 19,000 resources, but its compile takes 18-33 ms, more than it saves on smaller plans.
 */
export function hotMergeUnknown(after: JsonValue | undefined, unknown: JsonValue | undefined, path: Path, makeUnknown: (path: Path) => Unknown, inPlace = false): Value | undefined {
  // Filled from its end, at its final length: spreads and a reverse made several arrays per leaf.
  const pathOf = (at: Marked): Path => {
    let depth = 0;
    for (let node = at; node.parent !== undefined; node = node.parent) depth += 1;
    const full = new Array<string | number>(path.length + depth);
    for (let i = 0; i < path.length; i++) full[i] = path[i];
    for (let node = at, i = full.length - 1; node.parent !== undefined; node = node.parent, i--) full[i] = node.key;
    return full;
  };
  let result: Value | undefined;
  // Places a finished value, then finishes every container it completes, up to the result.
  const place = (into: Marked | undefined, key: string | number, value: Value | undefined, hasUnknown: boolean): void => {
    for (;;) {
      if (into === undefined) {
        result = value;
        return;
      }
      const filled = into.value!;
      if (Array.isArray(filled)) filled[key as number] = value ?? null;
      else if (value !== undefined) setOwn(filled, key as string, value);
      else delete filled[key];
      if (hasUnknown) into.hasUnknown = true;
      into.remaining -= 1;
      if (into.remaining > 0) return;
      // With no `after` here, the container exists only if an unknown mark lies below it.
      value = into.after !== undefined || into.hasUnknown ? filled : undefined;
      hasUnknown = into.hasUnknown;
      key = into.key;
      into = into.parent;
    }
  };
  // Most of a plan has no unknown mark: such a subtree is the planned value itself, shared, not copied.
  if (unmarked(unknown)) return after as Value | undefined;
  const stack: Marked[] = [marked(after, unknown, undefined, 0)];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item.unknown === true) {
      place(item.parent, item.key, makeUnknown(pathOf(item)), true);
      continue;
    }
    const afterGiven = item.after !== undefined;
    if (Array.isArray(item.after) || (!afterGiven && Array.isArray(item.unknown))) {
      const known = Array.isArray(item.after) ? item.after : [];
      const marks = Array.isArray(item.unknown) ? item.unknown : [];
      const length = Math.max(known.length, marks.length);
      const reused = inPlace && afterGiven;
      const list = reused ? (known as Value[]) : new Array<Value>(length).fill(null);
      while (list.length < length) list.push(null);
      item.value = list;
      for (let i = length - 1; i >= 0; i--) {
        if (unmarked(marks[i])) {
          if (!reused) list[i] = (known[i] as Value | undefined) ?? null;
        } else {
          item.remaining += 1;
          stack.push(marked(known[i], marks[i], item, i));
        }
      }
      if (item.remaining === 0) place(item.parent, item.key, afterGiven ? list : undefined, false);
      continue;
    }
    if (isPlainObject(item.after) || (!afterGiven && isPlainObject(item.unknown))) {
      const known = isPlainObject(item.after) ? item.after : {};
      const marks = isPlainObject(item.unknown) ? item.unknown : {};
      // The known members (copied in one step: a spread keeps V8's object layout), then a slot, in
      // the marks' order, for each key only the marks have and that holds a mark; a slot whose
      // value turns out missing is removed when it is placed. Only marked keys are visited.
      const value = (inPlace ? known : { ...known }) as { [key: string]: Value };
      item.value = value;
      for (const key in marks) {
        if (!Object.hasOwn(marks, key) || unmarked(marks[key])) continue;
        // Asked before the slot is made: with `inPlace`, `value` is `known`.
        const given = Object.hasOwn(known, key);
        if (!given) setOwn(value, key, null);
        item.remaining += 1;
        stack.push(marked(given ? known[key] : undefined, marks[key], item, key));
      }
      if (item.remaining === 0) place(item.parent, item.key, afterGiven ? value : undefined, false);
      continue;
    }
    place(item.parent, item.key, item.after as Value | undefined, false);
  }
  return result;
}

/**
 * The `*_sensitive` marks as a tree of booleans (`true`: sensitive from here down). Marks without
 * a `true` (most resources: empty lists and objects) are `false`, so that nothing walks the value
 * looking for secrets that are not there.
 */
export function sensitiveTree(marks: JsonValue | undefined): SensitiveTree {
  if (marks === true) return true;
  if (!Array.isArray(marks) && !isPlainObject(marks)) return false;
  if (!anyMark(marks)) return false;
  const root: SensitiveTree[] | { [key: string]: SensitiveTree } = Array.isArray(marks) ? [] : {};
  const stack: { from: JsonValue[] | { [key: string]: JsonValue }; to: SensitiveTree[] | { [key: string]: SensitiveTree } }[] = [{ from: marks, to: root }];
  while (stack.length > 0) {
    const { from, to } = stack.pop()!;
    for (const [key, mark] of Object.entries(from)) {
      let tree: SensitiveTree;
      if (mark === true) tree = true;
      else if (Array.isArray(mark) || isPlainObject(mark)) {
        tree = Array.isArray(mark) ? [] : {};
        stack.push({ from: mark, to: tree });
      } else tree = false;
      if (Array.isArray(to)) to[Number(key)] = tree;
      else setOwn(to, key, tree);
    }
  }
  return root;
}
