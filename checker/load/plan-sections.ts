/**
 * Blanks, in the bytes of a plan just read, the sections the checker never reads (issue #13):
 * `planned_values.root_module` — about 40 % of a plan, the same resources `resource_changes` lists —
 * and `resource_drift`. `JSON.parse` then skips a run of spaces instead of building every object
 * in them. Every byte but a newline becomes a space, so the text keeps its length and its lines,
 * and an error elsewhere is reported where it was.
 *
 * Terraform writes the top-level sections in a fixed order, `format_version` first and both of
 * these before `resource_changes`: the scan walks the members up to it (strings skipped, brackets
 * counted) and leaves the rest unread. Anything unusual — not an object, no `resource_changes` list after them,
 * a section that does not end, a byte outside ASCII or a NUL — leaves the bytes as they are; the
 * whole text is parsed, and its errors are `JSON.parse`'s.
 */
import { isAscii } from "node:buffer";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const SPACE = 0x20;
const NEWLINE = 0x0a;
/** What a member's `valueEnd` gives to end the listing at that member. */
const STOP = -2;

function isSpace(byte: number): boolean {
  return byte === SPACE || byte === NEWLINE || byte === 0x0d || byte === 0x09;
}

function skipSpace(bytes: Uint8Array, at: number): number {
  while (at < bytes.length && isSpace(bytes[at])) at += 1;
  return at;
}

/** `at` is an opening quote; the index after the closing one, or -1. */
function endOfString(bytes: Uint8Array, at: number): number {
  for (let i = at + 1; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) return i + 1;
    if (byte === BACKSLASH) i += 1;
  }
  return -1;
}

/**
 * `at` starts a value; the index after it, or -1. One loop, strings skipped inline: it runs over
 * megabytes. It is the one function the command lets TurboFan compile, by this name
 * (bin/eks-sg-policy.js): in baseline code the scan cost twice as much.
 */
function endOfValue(bytes: Uint8Array, at: number): number {
  const first = bytes[at];
  if (first === QUOTE) return endOfString(bytes, at);
  const length = bytes.length;
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: it ends where the member does.
    let end = at;
    while (end < length && bytes[end] !== COMMA && bytes[end] !== CLOSE_BRACE && bytes[end] !== CLOSE_BRACKET && !isSpace(bytes[end])) end += 1;
    return end > at ? end : -1;
  }
  let depth = 0;
  for (let i = at; i < length; i++) {
    const byte = bytes[i];
    if (byte === QUOTE) {
      for (i++; i < length; i++) {
        const inString = bytes[i];
        if (inString === QUOTE) break;
        if (inString === BACKSLASH) i++;
      }
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
    else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** One member of an object: where its key starts, where its value starts and ends, and the comma after it. */
interface Member {
  readonly key: string;
  readonly keyStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Index of the comma that follows, or -1 for the last member. */
  readonly comma: number;
}

/**
 * The members of the object at `at`, one by one, and the index after it (-1 when `valueEnd` said
 * STOP at the last member listed); `undefined` when the text is not as expected.
 */
function membersOf(
  bytes: Uint8Array,
  at: number,
  valueEnd: (key: string, start: number) => number = (_, start) => endOfValue(bytes, start),
): { members: Member[]; end: number } | undefined {
  if (bytes[at] !== OPEN_BRACE) return undefined;
  const members: Member[] = [];
  let i = skipSpace(bytes, at + 1);
  if (bytes[i] === CLOSE_BRACE) return { members, end: i + 1 };
  for (;;) {
    if (bytes[i] !== QUOTE) return undefined;
    const keyStart = i;
    const keyEnd = endOfString(bytes, i);
    if (keyEnd < 0) return undefined;
    // Keys are compared as written: one spelt with escapes is simply not recognised.
    const key = Buffer.from(bytes.buffer, bytes.byteOffset + keyStart + 1, keyEnd - keyStart - 2).toString("latin1");
    i = skipSpace(bytes, keyEnd);
    if (bytes[i] !== COLON) return undefined;
    const valueStart = skipSpace(bytes, i + 1);
    const end = valueEnd(key, valueStart);
    if (end === STOP) {
      members.push({ key, keyStart, valueStart, valueEnd: -1, comma: -1 });
      return { members, end: -1 };
    }
    if (end < 0) return undefined;
    i = skipSpace(bytes, end);
    if (bytes[i] === CLOSE_BRACE) {
      members.push({ key, keyStart, valueStart, valueEnd: end, comma: -1 });
      return { members, end: i + 1 };
    }
    if (bytes[i] !== COMMA) return undefined;
    members.push({ key, keyStart, valueStart, valueEnd: end, comma: i });
    i = skipSpace(bytes, i + 1);
  }
}

/** A member's bytes with one comma beside it, so that what stays is still an object. */
function memberSpan(members: readonly Member[], index: number): [number, number] {
  const member = members[index];
  if (member.comma >= 0) return [member.keyStart, member.comma + 1];
  if (index > 0) return [members[index - 1].comma, member.valueEnd];
  return [member.keyStart, member.valueEnd];
}

function blank(buffer: Buffer, [start, end]: [number, number]): void {
  // Terraform writes one line: one native fill. Newlines of an indented plan stay where they are.
  const newline = buffer.indexOf(NEWLINE, start);
  if (newline < 0 || newline >= end) buffer.fill(SPACE, start, end);
  else for (let i = start; i < end; i++) if (buffer[i] !== NEWLINE) buffer[i] = SPACE;
}

/**
 * Below this size the scan, run before V8 has optimised it, costs more than parsing the sections
 * (measured: +5 ms on a 756 KB plan, -25 ms on 7 MB, -290 ms on 36 MB).
 */
export const MIN_PLAN_BYTES = 2 ** 21;

/** Blanks the unread sections of a plan in `bytes` (a UTF-8 text just read), in place. */
export function blankUnreadPlanSections(bytes: Uint8Array, minBytes = MIN_PLAN_BYTES): void {
  if (bytes.length < minBytes) return;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isAscii(buffer) || buffer.includes(0)) return;
  let planned: Member[] = [];
  // planned_values is walked member by member (once: it is megabytes); its `outputs` are read.
  const endOfPlannedValues = (start: number): number => {
    const inner = membersOf(bytes, start);
    planned = inner?.members ?? [];
    return inner?.end ?? -1;
  };
  // Terraform writes format_version first: anything else (a cdk.tf.json, a manifest) is not scanned.
  let first = true;
  const top = membersOf(bytes, skipSpace(bytes, 0), (key, start) => {
    if (first && key !== "format_version") return -1;
    first = false;
    return key === "resource_changes" ? STOP : key === "planned_values" ? endOfPlannedValues(start) : endOfValue(bytes, start);
  })?.members;
  const changes = top?.at(-1);
  // Without a list of resource changes, the model reads what exists from planned_values.
  if (top === undefined || changes?.key !== "resource_changes" || bytes[changes.valueStart] !== OPEN_BRACKET) return;
  // A key written twice (JSON.parse keeps the last) is too unusual to cut around.
  const unique = (members: readonly Member[]) => new Set(members.map((m) => m.key)).size === members.length;
  if (!unique(top) || !unique(planned)) return;
  const spans = [
    ...top.flatMap((m, i) => (m.key === "resource_drift" ? [memberSpan(top, i)] : [])),
    ...planned.flatMap((m, i) => (m.key === "root_module" ? [memberSpan(planned, i)] : [])),
  ];
  for (const span of spans) blank(buffer, span);
}
