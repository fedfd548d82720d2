/**
 * Text that comes from a plan (addresses with `for_each` keys, tags, names, JSON keys) is written
 * by whoever opened the pull request. Before it reaches any output it becomes one printable line:
 * line breaks, terminal escapes, other control characters and the invisible direction overrides
 * are shown as escapes, so a finding is always exactly one line and cannot hide or forge another
 * (a workflow command, a summary line, a colour). Each format then escapes its own syntax.
 */

// C0 controls, DEL, C1 controls, line/paragraph separators, bidi embeddings, overrides and isolates.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\u001b": "\\e" };

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => NAMED[c] ?? `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** `printable` over every string of a structure (facts, diagram views). */
export function printableDeep<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return printable(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
    return v;
  };
  return walk(value) as T;
}
