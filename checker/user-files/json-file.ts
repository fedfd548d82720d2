/**
 * Reading the user's own JSON files (configuration, waivers) and turning ajv's errors into one
 * line that names the file, the JSON path (`waivers[2].expires`), what is wrong and what to do.
 */
import fs from "node:fs";
import type { ErrorObject } from "ajv";
import { InputError } from "../errors";
import { boundDepth } from "../load/bound-depth";
import { decodeText } from "../load/decode-bytes";

/** Where a JSON path leads in the text of an error: `waivers[2].expires`, `policies["node-dns"]`. */
export function jsonPath(segments: readonly (string | number)[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** ajv's JSON pointer (`/waivers/2/expires`) as segments, array indexes as numbers. */
export function pointerSegments(pointer: string, data: unknown): (string | number)[] {
  if (pointer === "") return [];
  const segments: (string | number)[] = [];
  let at: unknown = data;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(at) && /^\d+$/.test(key)) {
      segments.push(Number(key));
      at = at[Number(key)];
    } else {
      segments.push(key);
      at = at !== null && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}

/** A value as it appears in a message: strings quoted and cut short, containers named. */
export function showJson(value: unknown): string {
  if (typeof value === "string") {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 56)}…"` : text;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return String(value);
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a number";
  return `a ${typeof value}`;
}

const TYPE_NAMES: Record<string, string> = {
  object: "an object",
  array: "a list",
  string: "a string",
  number: "a number",
  integer: "an integer",
  boolean: "true or false",
  null: "null",
};

function valueAt(data: unknown, segments: readonly (string | number)[]): unknown {
  let at = data;
  for (const segment of segments) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string | number, unknown>)[segment];
  }
  return at;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The closest candidate when it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * What to say about a field: the problem's remedy per JSON path. `problem` receives the path
 * segments; the first matching hint is used, and the caller's fallback otherwise.
 */
export interface FieldHint {
  readonly matches: (segments: readonly (string | number)[]) => boolean;
  /** A remedy for a wrong value here (type, pattern, format, enum, ...). */
  readonly remedy?: (value: unknown) => string;
  /** A remedy for an unknown key inside the object here: typically the allowed keys. */
  readonly allowedKeys?: readonly string[];
  /** The problem and remedy for an unknown key here, when the allowed keys are not the story (policy ids). */
  readonly unknownKey?: (key: string) => { problem: string; remedy: string };
  /** A remedy per missing required key. */
  readonly missing?: Readonly<Record<string, string>>;
  /** Replaces the generic problem for a wrong value (e.g. a short reason). */
  readonly problem?: (value: unknown, where: string, error: ErrorObject) => string | undefined;
}

export interface Described {
  readonly problem: string;
  readonly remedy: string;
}

/** One ajv error as a problem and a remedy. `prefix` is prepended to the path (for nested validation). */
export function describeAjvError(
  error: ErrorObject,
  data: unknown,
  hints: readonly FieldHint[],
  fallbackRemedy: string,
  prefix: readonly (string | number)[] = [],
): Described {
  const segments = [...prefix, ...pointerSegments(error.instancePath, data)];
  const where = jsonPath(segments) || "the top level";
  const value = valueAt(data, segments.slice(prefix.length));
  const hint = hints.find((h) => h.matches(segments));
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      if (hint?.unknownKey) return hint.unknownKey(key);
      const allowed = hint?.allowedKeys;
      const guess = allowed ? closest(key, allowed) : undefined;
      return {
        problem: `${where} has an unknown key ${JSON.stringify(key)}`,
        remedy: allowed
          ? `${guess ? `Did you mean ${JSON.stringify(guess)}? ` : ""}Allowed keys: ${allowed.join(", ")}`
          : `Remove it; ${fallbackRemedy}`,
      };
    }
    case "required": {
      const key = String((error.params as { missingProperty: string }).missingProperty);
      const remedy = hint?.missing?.[key] ?? `Add ${JSON.stringify(key)}; ${fallbackRemedy}`;
      return { problem: `${where} has no ${JSON.stringify(key)}`, remedy };
    }
    case "type": {
      const expected = String((error.params as { type: string }).type)
        .split(",")
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(" or ");
      const problem = hint?.problem?.(value, where, error) ?? `${where} is ${kindOf(value)}, but must be ${expected}`;
      return { problem, remedy: hint?.remedy?.(value) ?? fallbackRemedy };
    }
    case "enum": {
      const allowed = ((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => String(v));
      const guess = typeof value === "string" ? closest(value, allowed) : undefined;
      const problem = hint?.problem?.(value, where, error) ?? `${where} is ${showJson(value)}, which is not one of the allowed values`;
      return { problem, remedy: hint?.remedy?.(value) ?? `${guess ? `Did you mean ${JSON.stringify(guess)}? ` : ""}Use one of ${allowed.join(", ")}` };
    }
    default: {
      const problem = hint?.problem?.(value, where, error) ?? `${where} is ${showJson(value)}: ${error.message ?? "invalid"}`;
      return { problem, remedy: hint?.remedy?.(value) ?? fallbackRemedy };
    }
  }
}

/** An error in a user's JSON file: `file: problem. remedy` on one line. */
export function fileError(file: string, problem: string, remedy: string): InputError {
  return new InputError(file, problem, remedy.replace(/[.\s]+$/, ""));
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

/**
 * Reads a JSON file written by a person: UTF-8 (a byte-order mark is allowed, as editors on
 * Windows write one) holding one JSON object. `display` is how the file is named in errors.
 */
export function readJsonObject(file: string, display: string, what: string, example: string): Record<string, unknown> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw fileError(display, `no such file (given as the ${what})`, "Check the path");
    if (code === "EISDIR") throw fileError(display, "is a folder, not a file", `Pass the ${what} itself`);
    throw fileError(display, `cannot be read (${code ?? String(error)})`, "Check its permissions");
  }
  const text = decodeText(bytes);
  if (text === undefined) throw fileError(display, "is not UTF-8 text", `Save the ${what} as UTF-8 JSON`);
  return parseJsonObject(text, display, what, example);
}

/** Parses the text of a user's JSON file; errors say where parsing stopped. */
export function parseJsonObject(text: string, display: string, what: string, example: string): Record<string, unknown> {
  if (text.trim() === "") throw fileError(display, "is empty", `Write the ${what} as a JSON object, e.g. ${example}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
    boundDepth(parsed);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const match = /at position (\d+)/.exec(message);
    // Node's wording without its echo of the text: `Unexpected token '}'`, `Expected ':' after property name`.
    const detail = message.replace(/, ".*" is not valid JSON$/s, "").replace(/ in JSON at position \d+.*$/s, "");
    const where = /end of (JSON )?input/i.test(message)
      ? `it ends before the JSON is complete, at ${lineAndColumn(text, text.trimEnd().length)}`
      : match
        ? `${detail} at ${lineAndColumn(text, Number(match[1]))}`
        : detail;
    throw fileError(display, `is not valid JSON (${where})`, "Fix the syntax there; JSON allows no comments and no trailing commas");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw fileError(display, `holds ${kindOf(parsed)}, not a JSON object`, `Write the ${what} as a JSON object, e.g. ${example}`);
  }
  return parsed as Record<string, unknown>;
}
