/**
 * Reads the inputs named on the command line: plan JSON files, cdk.tf.json files, cdktf.out
 * folders (every stack in manifest.json), or `-` for standard input. Context inputs (`--context`)
 * may also be states (`terraform show -json` without a plan).
 */
import fs from "node:fs";
import path from "node:path";
import { getHeapStatistics } from "node:v8";
import { InputError, inputErrors, MEMORY_PER_INPUT_BYTE } from "../errors";
import { boundDepth } from "./bound-depth";
import { classifyDocument } from "./classify-document";
import { decodeText, looksLikeZip } from "./decode-bytes";
import { parseJsonObject } from "./parse-json";
import { fileSource, memorySource, MIN_PLAN_BYTES, parsePlanInPieces } from "./plan-pieces";
import type { LoadedInput, SynthManifest } from "./plan-document";

export const STDIN = "-";

/** A subject gets findings; a context only takes part in the topology (and may be a state). */
export type InputRole = "subject" | "context";

/**
 * V8 ends a process that runs out of heap with its own trace (exit 134), which no handler can
 * catch; an input too large for the heap is refused before it is read, with a line that says what to do.
 */
export function refuseOversized(input: string, bytes: number, heapLimit = getHeapStatistics().heap_size_limit): void {
  if (bytes * MEMORY_PER_INPUT_BYTE <= heapLimit) return;
  throw inputErrors.tooLarge(input, Math.ceil(bytes / 1e6), Math.floor(heapLimit / 2 ** 20));
}

/** Loads bytes already read (from a file or stdin); `input` is the name used in messages. */
export function loadBytes(bytes: Uint8Array, input: string, baseDir?: string, role: InputRole = "subject"): LoadedInput[] {
  return loadText(textOf(bytes, input), input, baseDir, role);
}

function textOf(bytes: Uint8Array, input: string): string {
  if (bytes.length === 0) throw inputErrors.empty(input);
  refuseOversized(input, bytes.length);
  if (looksLikeZip(bytes)) throw inputErrors.binaryPlan(input);
  const text = decodeText(bytes);
  if (text === undefined || text.includes("\u0000")) throw inputErrors.binary(input);
  return text;
}

/**
 * Reads, then parses in pieces or decodes, in one frame, so that nothing holds the bytes while the
 * document is modelled: a caller's argument register keeps a buffer passed down alive until the
 * call returns, which cost a whole file's size of peak memory (issue #13).
 */
function readDocumentOrText(read: () => Uint8Array, input: string, inPieces: boolean): { document: Record<string, unknown> } | { text: string } {
  const bytes = read();
  if (inPieces && bytes.length >= MIN_PLAN_BYTES) {
    refuseOversized(input, bytes.length);
    const document = parsePlanInPieces(memorySource(bytes), { whole: bytes });
    if (document !== undefined) return { document };
  }
  return { text: textOf(bytes, input) };
}

/**
 * What `loadBytes(read(), ...)` does, without keeping the bytes alive (see readDocumentOrText).
 * `inPieces: false` when the file was already tried in pieces, so that a plan that fell back is not
 * scanned twice; a pipe (`<(terraform show -json …)`) has no size and is tried from its bytes.
 */
function loadRead(read: () => Uint8Array, input: string, baseDir?: string, role: InputRole = "subject", inPieces = true): LoadedInput[] {
  const got = readDocumentOrText(read, input, inPieces);
  return "document" in got ? loadDocument(got.document, input, baseDir, role, true) : loadText(got.text, input, baseDir, role);
}

/**
 * A plan file of MIN_PLAN_BYTES or more, parsed in pieces straight from the file (plan-pieces.ts);
 * `undefined` when it must be read and parsed whole, which also reports any read error.
 */
function planInPieces(file: string, size: number): Record<string, unknown> | undefined {
  if (size < MIN_PLAN_BYTES) return undefined;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "r");
    return parsePlanInPieces(fileSource(fd, size));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function loadFile(file: string, baseDir: string | undefined, role: InputRole): LoadedInput[] {
  const size = statOrUndefined(file)?.size ?? 0;
  refuseOversized(file, size);
  const document = planInPieces(file, size);
  if (document !== undefined) return loadDocument(document, file, baseDir, role, true);
  return loadRead(() => readFile(file), file, baseDir, role, size < MIN_PLAN_BYTES);
}

export function loadText(text: string, input: string, baseDir?: string, role: InputRole = "subject"): LoadedInput[] {
  return loadDocument(parseJsonObject(text, input), input, baseDir, role, false);
}

/** `bounded`: parsed in pieces, which bounds the depth already (plan-pieces.ts). */
function loadDocument(document: Record<string, unknown>, input: string, baseDir: string | undefined, role: InputRole, bounded: boolean): LoadedInput[] {
  if (!bounded) boundDepth(document);
  const classified = classifyDocument(document, input);
  switch (classified.kind) {
    case "state": {
      if (role === "subject") throw inputErrors.state(input);
      const { document } = classified;
      return [{ kind: "state", path: input, formatVersion: document.format_version, terraformVersion: document.terraform_version, document }];
    }
    case "raw-state":
      throw role === "subject" ? inputErrors.state(input) : inputErrors.rawState(input);
    case "plan": {
      const { document } = classified;
      return [
        {
          kind: "plan",
          path: input,
          formatVersion: document.format_version,
          terraformVersion: document.terraform_version,
          document,
        },
      ];
    }
    case "synth":
      return [{ kind: "synth", path: input, document: classified.document }];
    case "manifest":
      if (baseDir === undefined) throw inputErrors.noStacks(input);
      return loadStacks(classified.document, baseDir, input, role);
  }
}

function loadStacks(manifest: SynthManifest, outDir: string, input: string, role: InputRole): LoadedInput[] {
  const names = Object.keys(manifest.stacks).sort();
  if (names.length === 0) throw inputErrors.noStacks(input);
  return names.flatMap((name) => {
    const file = path.join(outDir, manifest.stacks[name].synthesizedStackPath);
    const display = path.join(path.dirname(input), manifest.stacks[name].synthesizedStackPath);
    if (!fs.existsSync(file)) throw inputErrors.missingStack(input, name, display);
    return loadRead(() => fs.readFileSync(file), display, undefined, role).map((loaded): LoadedInput => ({ ...loaded, stack: name }));
  });
}

function readFile(input: string): Uint8Array {
  refuseOversized(input, statOrUndefined(input)?.size ?? 0);
  try {
    return fs.readFileSync(input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw inputErrors.missing(input);
    throw inputErrors.unreadable(input, code ?? String(error));
  }
}

/** Loads one command-line input (a path or `-`). */
export function loadInput(input: string, readStdin: () => Uint8Array = readStandardInput, role: InputRole = "subject"): LoadedInput[] {
  if (input === STDIN) return loadRead(readStdin, "<stdin>", undefined, role);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch {
    throw inputErrors.missing(input);
  }
  const synthFolder = synthFolderOf(input, stat);
  if (stat.isDirectory()) {
    if (synthFolder === undefined) return loadStackFolder(input, role);
    const manifest = path.join(synthFolder, "manifest.json");
    return loadRead(() => readFile(manifest), manifest, synthFolder, role);
  }
  return loadFile(input, synthFolder, role);
}

/**
 * A stack's own folder (`cdktf.out/stacks/<id>`, holding cdk.tf.json): that one stack, named as
 * the app's manifest names it when the folder sits in a synth output, else by the folder's name.
 */
function loadStackFolder(folder: string, role: InputRole): LoadedInput[] {
  const file = path.join(folder, "cdk.tf.json");
  if (!fs.existsSync(file)) throw inputErrors.noStacks(folder);
  const loaded = loadRead(() => readFile(file), file, undefined, role);
  if (loaded.some((l) => l.kind !== "synth")) return loaded;
  const stack = stackNameInManifest(folder) ?? path.basename(path.resolve(folder));
  return loaded.map((l): LoadedInput => ({ ...l, stack }));
}

function stackNameInManifest(folder: string): string | undefined {
  const outDir = path.resolve(folder, "..", "..");
  let manifest: SynthManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(outDir, "manifest.json"), "utf8")) as SynthManifest;
  } catch {
    return undefined;
  }
  const stacks = typeof manifest?.stacks === "object" && manifest.stacks !== null ? manifest.stacks : {};
  const own = path.resolve(folder);
  return Object.keys(stacks).find((name) => typeof stacks[name]?.synthesizedStackPath === "string" && path.resolve(outDir, path.dirname(stacks[name].synthesizedStackPath)) === own);
}

/**
 * The synth output folder an input reads its stacks from: a folder holding manifest.json (or its
 * cdktf.out), or the folder of a manifest.json named directly; undefined for a plan or cdk.tf.json
 * file, for stdin and for a folder without stacks. The command line keeps report files out of it.
 */
export function synthFolderOf(input: string, stat: fs.Stats | undefined = statOrUndefined(input)): string | undefined {
  if (input === STDIN || stat === undefined) return undefined;
  if (stat.isDirectory()) return [input, path.join(input, "cdktf.out")].find((candidate) => fs.existsSync(path.join(candidate, "manifest.json")));
  return path.basename(input) === "manifest.json" ? path.dirname(input) : undefined;
}

export function readStandardInput(): Uint8Array {
  return fs.readFileSync(0);
}

/** The bytes of a plan or cdk.tf.json file given as an input; 0 for a folder, `-` or a missing path. */
export function inputFileBytes(input: string): number {
  const stat = statOrUndefined(input);
  return stat?.isFile() ? stat.size : 0;
}

function statOrUndefined(input: string): fs.Stats | undefined {
  if (input === STDIN) return undefined;
  try {
    return fs.statSync(input);
  } catch {
    return undefined;
  }
}

export function loadInputs(inputs: readonly string[], readStdin?: () => Uint8Array, role: InputRole = "subject"): LoadedInput[] {
  return inputs.flatMap((input) => loadInput(input, readStdin, role));
}

export { InputError };
