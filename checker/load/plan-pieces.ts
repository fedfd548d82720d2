/**
 * Parses a large plan piece by piece instead of as one text (issue #13). On the machines we measured,
 * a fresh page of memory costs about as much as parsing it: reading a 36 MB plan whole and turning
 * it into one string touched 73 MB before `JSON.parse` began. Here the bytes pass through one small
 * window that is used again and again; each member of the top level, and each batch of entries of
 * `resource_changes` (see `entries`), becomes a string that `JSON.parse` reads and that is dropped.
 *
 * Three sections, which nothing reads, are not parsed at all: `planned_values.root_module` — about
 * 40 % of a plan, the same resources `resource_changes` lists — `resource_drift` and
 * `relevant_attributes` (3 % of the benchmark's plans). root_module is not even scanned when what
 * terraform writes after it is found (skipRootModule). The document is what `JSON.parse` gives for
 * the whole text, less those three, bounded in depth (bound-depth.ts), with the sensitive marks of
 * a change that hold no `true` as `false` (sensitive-marks.ts); the scan measures the depth of what
 * it keeps, so the bound walks the document only when something lies that deep.
 *
 * Anything unusual gives `undefined`, and the caller parses the whole text as it is (with
 * `JSON.parse`'s errors): not an object, `format_version` not first (terraform writes it first; a
 * cdk.tf.json is not read this way), no list of `resource_changes` (the model then reads what exists
 * from `planned_values`), a key written twice, a byte outside ASCII or a NUL, a piece that does not
 * parse or does not end.
 */
import { isAscii } from "node:buffer";
import fs from "node:fs";
import { boundDepth, MAX_DEPTH } from "./bound-depth";
import { withUnmarkedAsFalse } from "./sensitive-marks";
import { setOwn } from "./own-member";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * Below this size, parsing the whole text costs a little less: the byte loop has not been
 * optimised yet (measured whole-process: the 756 KB plan 0.25 s whole, 0.26 s in pieces).
 */
export const MIN_PLAN_BYTES = 2 ** 21;

/** Big enough that few pieces straddle two windows, small enough to stay in the CPU's cache. */
const WINDOW_BYTES = 2 ** 18;

/**
 * The most text one batch of entries is parsed from (see `entries`). Below V8's large-object size
 * (128 KB), so that its string is made and dropped in the young generation: 256 KB batches were
 * made in fresh pages each, 10,000 more page faults on the 19,000-resource plan and no faster (issue #13).
 */
const BATCH_BYTES = 2 ** 16;

/** Where the bytes come from: a file read at offsets, or bytes already in memory (stdin). */
export interface ByteSource {
  readonly size: number;
  /** Copies bytes from `position` into `into` at `offset`; how many (fewer only at the end). */
  read(into: Uint8Array, offset: number, length: number, position: number): number;
}

export function fileSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(into, offset, length, position) {
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, into, offset + done, length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    },
  };
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(into, offset, length, position) {
      const n = Math.max(0, Math.min(length, bytes.length - position));
      into.set(bytes.subarray(position, position + n), offset);
      return n;
    },
  };
}

/** The text is not as expected: parse it whole. */
class NotPiecewise extends Error {}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isDelimiter(byte: number): boolean {
  return byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isSpace(byte);
}

// The scan's state between windows: how deep, whether it is in a string or just after a backslash,
// and the deepest it has been.
const DEPTH = 0;
const IN_STRING = 1;
const ESCAPED = 2;
const DEEPEST = 3;
const MALFORMED = -2;

/**
 * Scans `bytes[from, to)` for the end of a string, object or list whose first byte was scanned
 * with the same `state`; the index after it, -1 when the window ends first (the state then says
 * where the scan is), or MALFORMED. One loop, strings skipped inline: it runs over megabytes. Its
 * name begins with `hotLoad`, so the command lets TurboFan compile it once a plan is read in pieces
 * (checker/cli/large-plan-v8.ts): in baseline code the scan cost twice as much. Every call leaves by one exit that stores the whole
 * state: a store that only a window's end reached had no type feedback when the loop was
 * compiled, so the first window's end threw the compiled loop away, and V8 did not compile it
 * again (`--trace-deopt`: the 19,000-resource plan was scanned in baseline code from there on).
 */
function hotLoadEndOfValue(bytes: Uint8Array, from: number, to: number, state: Int32Array): number {
  let depth = state[DEPTH];
  let deepest = state[DEEPEST];
  let inString = state[IN_STRING] === 1;
  let escaped = 0;
  let i = from;
  // The last window ended on a backslash: the byte it escapes comes first.
  if (inString && state[ESCAPED] === 1) {
    if (i < to) i += 1;
    else escaped = 1;
  }
  let end = -1;
  for (; i < to; i++) {
    const byte = bytes[i];
    if (!inString) {
      if (byte === QUOTE) inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (++depth > deepest) deepest = depth;
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (depth <= 0) {
          end = depth === 0 ? i + 1 : MALFORMED;
          break;
        }
      }
      continue;
    }
    for (; i < to; i++) {
      const inner = bytes[i];
      if (inner === QUOTE) break;
      if (inner === BACKSLASH && ++i === to) {
        escaped = 1;
        break;
      }
    }
    if (i >= to) break;
    inString = false;
    if (depth === 0) {
      end = i + 1;
      break;
    }
  }
  state[DEPTH] = depth;
  state[IN_STRING] = inString ? 1 : 0;
  state[ESCAPED] = escaped;
  state[DEEPEST] = deepest;
  return end;
}

/** A run of the source's bytes held in memory, absolute positions `[start, end)`. */
class Window {
  private readonly bytes: Buffer;
  private listBytes?: Buffer;
  start = 0;
  end = 0;
  private readonly state = new Int32Array(4);

  constructor(private readonly source: ByteSource, capacity: number, whole?: Uint8Array) {
    if (whole !== undefined) {
      // Bytes already in memory are one window.
      this.bytes = Buffer.from(whole.buffer, whole.byteOffset, whole.byteLength);
      this.end = whole.length;
      this.check(this.bytes);
    } else {
      this.bytes = Buffer.allocUnsafeSlow(Math.min(capacity, Math.max(source.size, 1)));
    }
  }

  private check(bytes: Buffer): void {
    if (!isAscii(bytes) || bytes.includes(0)) throw new NotPiecewise();
  }

  /** Makes `at` readable; false at the end of the source. */
  private hold(at: number): boolean {
    if (at >= this.start && at < this.end) return true;
    if (at >= this.source.size) return false;
    return this.readFrom(at);
  }

  private readFrom(at: number): boolean {
    const n = this.source.read(this.bytes, 0, this.bytes.length, at);
    this.start = at;
    this.end = at + n;
    this.check(this.bytes.subarray(0, n));
    return n > 0;
  }

  /** Where `pattern` first occurs at or after `from`; -1 when nowhere, or when a window is too small to hold it. */
  find(pattern: Uint8Array, from: number): number {
    if (this.bytes.length < pattern.length) return -1;
    for (let at = from; this.hold(at); ) {
      const found = this.bytes.indexOf(pattern, at - this.start);
      if (found >= 0 && this.start + found + pattern.length <= this.end) return this.start + found;
      if (this.end >= this.source.size) return -1;
      // An occurrence may straddle the window's end: the next window starts just before it.
      at = this.end - pattern.length + 1;
      this.readFrom(at);
    }
    return -1;
  }

  /**
   * Where the last `pattern` starts that lies wholly in `[from, from + span)`, reading from `from`
   * when the window holds less than half of that; -1 when there is none, or when the window is too
   * small to hold it.
   */
  findLast(pattern: Uint8Array, from: number, span: number): number {
    if (!this.hold(from)) return -1;
    if (this.end - from < Math.min(span, this.bytes.length) / 2 && this.end < this.source.size) this.readFrom(from);
    const last = Math.min(this.end, from + span) - pattern.length - this.start;
    const found = last < from - this.start ? -1 : this.bytes.lastIndexOf(pattern, last);
    return found >= from - this.start ? this.start + found : -1;
  }

  /** The byte at `at`, or -1 past the end. */
  byte(at: number): number {
    return this.hold(at) ? this.bytes[at - this.start] : -1;
  }

  skipSpace(at: number): number {
    let i = at;
    while (isSpace(this.byte(i))) i += 1;
    return i;
  }

  /** `at` starts a value; the position after it. */
  endOf(at: number): number {
    const first = this.byte(at);
    if (first === -1) throw new NotPiecewise();
    if (first !== QUOTE && first !== OPEN_BRACE && first !== OPEN_BRACKET) {
      // A number, true, false or null: it ends where the member does.
      let end = at;
      for (let byte = first; byte !== -1 && !isDelimiter(byte); byte = this.byte(end)) end += 1;
      return end;
    }
    // Each piece scans from the start; DEEPEST is kept across pieces.
    this.state.fill(0, 0, DEEPEST);
    let from = at;
    for (;;) {
      const end = hotLoadEndOfValue(this.bytes, from - this.start, this.end - this.start, this.state);
      if (end === MALFORMED) throw new NotPiecewise();
      if (end >= 0) return this.start + end;
      from = this.end;
      if (!this.hold(from)) throw new NotPiecewise();
    }
  }

  /** The text of `[start, end)`, from the window when it is there, else read for itself. */
  text(start: number, end: number): string {
    if (start >= this.start && end <= this.end) return this.bytes.toString("latin1", start - this.start, end - this.start);
    const own = Buffer.allocUnsafeSlow(end - start);
    if (this.source.read(own, 0, own.length, start) !== own.length) throw new NotPiecewise();
    return own.toString("latin1");
  }

  /**
   * `[`, the bytes of `[start, end)` (which `findLast` left in the window), and `]`, as one string:
   * copied through a buffer kept for it rather than joined, which made V8 copy the text once more.
   */
  listText(start: number, end: number): string {
    const length = end - start + 2;
    if (this.listBytes === undefined || this.listBytes.length < length) this.listBytes = Buffer.allocUnsafeSlow(length);
    this.listBytes[0] = OPEN_BRACKET;
    this.bytes.copy(this.listBytes, 1, start - this.start, end - this.start);
    this.listBytes[length - 1] = CLOSE_BRACKET;
    return this.listBytes.toString("latin1", 0, length);
  }

  /** The value that starts at `at`, parsed, and the position after it. */
  value(at: number): { value: unknown; end: number } {
    const end = this.endOf(at);
    try {
      return { value: JSON.parse(this.text(at, end)), end };
    } catch {
      throw new NotPiecewise();
    }
  }

  /** The deepest nesting inside any piece scanned, the piece itself counted as 1. */
  get deepest(): number {
    return this.state[DEEPEST];
  }

  expect(at: number, byte: number): number {
    if (this.byte(at) !== byte) throw new NotPiecewise();
    return at + 1;
  }
}

/**
 * Walks the members of the object at `at`: `member(key, valueStart)` gives the value (or
 * `undefined` to leave the member out) and the position after it. The position after the object.
 */
function members(window: Window, at: number, member: (key: string, start: number) => { value?: unknown; end: number }, into: Record<string, unknown>): number {
  let i = window.skipSpace(window.expect(at, OPEN_BRACE));
  if (window.byte(i) === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (window.byte(i) !== QUOTE) throw new NotPiecewise();
    const { value: key, end: keyEnd } = window.value(i);
    if (typeof key !== "string" || Object.hasOwn(into, key)) throw new NotPiecewise();
    const start = window.skipSpace(window.expect(window.skipSpace(keyEnd), COLON));
    const { value, end } = member(key, start);
    if (value !== undefined) setOwn(into, key, value);
    i = window.skipSpace(end);
    if (window.byte(i) === CLOSE_BRACE) return i + 1;
    i = window.skipSpace(window.expect(i, COMMA));
  }
}

/**
 * What terraform writes between two entries of `resource_changes`: each begins with its address.
 * In valid JSON these bytes cannot lie inside a string (its quotes would be escaped), but they do
 * lie inside an entry that lists objects beginning with an address, and after the list
 * (`configuration` and `prior_state` list resources so); a batch cut there does not parse.
 */
const BETWEEN_ENTRIES = Buffer.from('},{"address":"', "latin1");

/**
 * The entries of the list at `at`. Most are parsed in batches: the text from one entry's start to
 * the last place within `BATCH_BYTES` of it (and in the window) where terraform ends an entry and
 * begins the next, as one `JSON.parse`. A batch that parses is whole entries and nothing else: it
 * starts where an entry starts, a cut inside an entry leaves it open, and a cut after the list ends
 * the batch's own list early. So the byte loop does not run over them: even compiled by TurboFan
 * it costs 18 or more instructions a byte, as V8 checks the array and the stack at every step
 * (issue #13). Their depth is bounded here instead, while they are still in the cache. After a
 * batch that does not parse, the entries up to its cut are read one by one, scanned as before.
 */
function entries(window: Window, at: number): { value: unknown[]; end: number } {
  const list: unknown[] = [];
  let i = window.skipSpace(window.expect(at, OPEN_BRACKET));
  if (window.byte(i) === CLOSE_BRACKET) return { value: list, end: i + 1 };
  // Where the last batch that did not parse was cut: entry by entry until past it.
  let failedCut = -1;
  for (;;) {
    const cut = failedCut < i ? window.findLast(BETWEEN_ENTRIES, i, BATCH_BYTES) : -1;
    const batch = cut > i ? batchOf(window.listText(i, cut + 1)) : undefined;
    let end: number;
    if (batch !== undefined) {
      // The batch is the list's entries at depth 2 of the document; as a list of its own, 1.
      boundDepth(batch, MAX_DEPTH - 1);
      for (let e = 0; e < batch.length; e++) list.push(withUnmarkedAsFalse(batch[e]));
      end = cut + 1;
    } else {
      if (cut > i) failedCut = cut;
      const entry = window.value(i);
      list.push(withUnmarkedAsFalse(entry.value));
      end = entry.end;
    }
    i = window.skipSpace(end);
    if (window.byte(i) === CLOSE_BRACKET) return { value: list, end: i + 1 };
    i = window.skipSpace(window.expect(i, COMMA));
  }
}

/** The entries `listText` holds, or undefined when it is not whole entries. */
function batchOf(listText: string): unknown[] | undefined {
  try {
    return JSON.parse(listText) as unknown[];
  } catch {
    return undefined;
  }
}

const SKIPPED = (window: Window, start: number) => ({ end: window.endOf(start) });

/**
 * What terraform writes after `planned_values.root_module`: the end of root_module (its last
 * member) and of `planned_values`, then `resource_drift` or `resource_changes`.
 */
const AFTER_ROOT_MODULE = Buffer.from('}},"resource_', "latin1");
const KEYS_AFTER_ROOT_MODULE = ['drift":[', 'changes":['];

/**
 * Skips `planned_values.root_module`, 40 % of a plan, by finding what terraform writes after it
 * (`Buffer.indexOf`) instead of scanning it (instructions per check, counted under valgrind: 3,800
 * resources 2.74 -> 2.61 G, 19,000 resources 9.9 -> 9.3 G). Only the first
 * occurrence can be the end, and a wrong guess cannot give a wrong document: the `"` after the
 * comma opens a key, so an occurrence inside root_module names a member of an object that closes
 * before the text ends. The plan's top level would then end there, short of the end of the text,
 * and the plan is parsed whole. Not found (an indented plan, one without changes): scanned.
 */
function skipRootModule(window: Window, start: number): { end: number } {
  if (window.byte(start) === OPEN_BRACE) {
    const found = window.find(AFTER_ROOT_MODULE, start);
    const next = found + AFTER_ROOT_MODULE.length;
    if (found >= 0 && KEYS_AFTER_ROOT_MODULE.some((key) => window.text(next, next + key.length) === key)) return { end: found + 1 };
  }
  return SKIPPED(window, start);
}

/**
 * The deepest a piece starts, counting the plan's object as 1: an entry of `resource_changes` or a
 * member of `planned_values`.
 */
const PIECE_DEPTH = 3;

/**
 * The plan in `source` parsed piece by piece, without `planned_values.root_module`,
 * `resource_drift` and `relevant_attributes`, and bounded in depth as `boundDepth` bounds it;
 * `undefined` when the text is not a plan as terraform writes it (see above). `whole` is the
 * source's bytes when they are already in memory.
 */
export function parsePlanInPieces(source: ByteSource, { whole, windowBytes = WINDOW_BYTES }: { whole?: Uint8Array; windowBytes?: number } = {}): Record<string, unknown> | undefined {
  try {
    const window = new Window(source, windowBytes, whole);
    const document: Record<string, unknown> = {};
    let first = true;
    const end = members(
      window,
      window.skipSpace(0),
      (key, start) => {
        if (first && key !== "format_version") throw new NotPiecewise();
        first = false;
        if (key === "resource_drift" || key === "relevant_attributes") return SKIPPED(window, start);
        if (key === "resource_changes") return entries(window, start);
        if (key !== "planned_values" || window.byte(start) !== OPEN_BRACE) return window.value(start);
        const planned: Record<string, unknown> = {};
        const plannedEnd = members(window, start, (inner, at) => (inner === "root_module" ? skipRootModule(window, at) : window.value(at)), planned);
        return { value: planned, end: plannedEnd };
      },
      document,
    );
    if (window.byte(window.skipSpace(end)) !== -1 || !Array.isArray(document.resource_changes)) return undefined;
    // A walk of the whole document only when the scan saw nesting deep enough to need it.
    if (PIECE_DEPTH + window.deepest - 1 > MAX_DEPTH) boundDepth(document);
    return document;
  } catch (error) {
    if (error instanceof NotPiecewise) return undefined;
    throw error;
  }
}
