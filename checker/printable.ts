/**
 * Text that comes from a plan (addresses with `for_each` keys, tags, names, JSON keys) is written
 * by whoever opened the pull request. Before it reaches any output it becomes one printable line:
 * line breaks, terminal escapes, other control characters and the invisible direction overrides
 * are shown as escapes, so a finding is always exactly one line and cannot hide or forge another
 * (a workflow command, a summary line, a colour). Each format then escapes its own syntax.
 */
import { setOwn } from "./load/own-member";

// C0 controls, DEL, C1 controls, line/paragraph separators, bidi embeddings, overrides and isolates.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u001b": "\\e" };

export function printable(text: string): string {
  // Nearly every string has nothing to escape: `search` says so in V8's fast path, where `replace`
  // with a function calls into the runtime for each string (3,800 resources: 4-9 M instructions).
  if (text.search(UNPRINTABLE) < 0) return text;
  return text.replace(UNPRINTABLE, (c) => NAMED[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** `printable` over every string of a structure (facts, diagram views). */
export function printableDeep<T>(value: T): T {
  return mapStrings(value, printable, (object) => Object.getPrototypeOf(object) === Object.prototype) as T;
}

/**
 * A copy of `value` with `text` applied to every string in it: lists are mapped, and the objects
 * `enter` accepts are copied member by member (in Object.keys' order, own `__proto__` members kept
 * as members); everything else is kept as it is. Every finding passes through here several times,
 * so it copies members in a loop: Object.fromEntries(Object.entries(...)) made an array per member
 * and two per object (issue #13).
 */
export function mapStrings(value: unknown, text: (s: string) => string, enter: (object: object) => boolean): unknown {
  if (typeof value === "string") return text(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, text, enter));
  if (value === null || typeof value !== "object" || !enter(value)) return value;
  const members = value as { [key: string]: unknown };
  const keys = Object.keys(members);
  const out: { [key: string]: unknown } = {};
  for (let i = 0; i < keys.length; i++) setOwn(out, keys[i], mapStrings(members[keys[i]], text, enter));
  return out;
}
