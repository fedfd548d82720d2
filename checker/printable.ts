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
  return text.replace(UNPRINTABLE, (c) => NAMED[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** `printable` over every string of a structure (facts, diagram views). */
export function printableDeep<T>(value: T): T {
  return printableValue(value) as T;
}

function printableValue(value: unknown): unknown {
  if (typeof value === "string") return printable(value);
  if (Array.isArray(value)) return value.map(printableValue);
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return value;
  // Member by member, in Object.keys' order: every finding passes here several times, and
  // Object.fromEntries(Object.entries(...)) made an array per member and two per object (issue #13).
  const members = value as { [key: string]: unknown };
  const keys = Object.keys(members);
  const out: { [key: string]: unknown } = {};
  for (let i = 0; i < keys.length; i++) setOwn(out, keys[i], printableValue(members[keys[i]]));
  return out;
}
