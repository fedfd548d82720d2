/**
 * Reads the inputs named on the command line: plan JSON files, cdk.tf.json files, cdktf.out
 * folders (every stack in manifest.json), or `-` for standard input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError, inputErrors } from "../errors";
import { classifyDocument } from "./classify-document";
import { decodeText, looksLikeZip } from "./decode-bytes";
import { parseJsonObject } from "./parse-json";
import type { LoadedInput, SynthManifest } from "./plan-document";

export const STDIN = "-";

/** Loads bytes already read (from a file or stdin); `input` is the name used in messages. */
export function loadBytes(bytes: Uint8Array, input: string, baseDir?: string): LoadedInput[] {
  if (bytes.length === 0) throw inputErrors.empty(input);
  if (looksLikeZip(bytes)) throw inputErrors.binaryPlan(input);
  const text = decodeText(bytes);
  if (text === undefined || text.includes("\u0000")) throw inputErrors.binary(input);
  return loadText(text, input, baseDir);
}

export function loadText(text: string, input: string, baseDir?: string): LoadedInput[] {
  const classified = classifyDocument(parseJsonObject(text, input), input);
  switch (classified.kind) {
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
      return loadStacks(classified.document, baseDir, input);
  }
}

function loadStacks(manifest: SynthManifest, outDir: string, input: string): LoadedInput[] {
  const names = Object.keys(manifest.stacks).sort();
  if (names.length === 0) throw inputErrors.noStacks(input);
  return names.flatMap((name) => {
    const file = path.join(outDir, manifest.stacks[name].synthesizedStackPath);
    const display = path.join(path.dirname(input), manifest.stacks[name].synthesizedStackPath);
    if (!fs.existsSync(file)) throw inputErrors.missingStack(input, name, display);
    return loadBytes(fs.readFileSync(file), display).map((loaded) =>
      loaded.kind === "synth" ? { ...loaded, stack: name } : loaded,
    );
  });
}

function readFile(input: string): Uint8Array {
  try {
    return fs.readFileSync(input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw inputErrors.missing(input);
    throw inputErrors.unreadable(input, code ?? String(error));
  }
}

/** Loads one command-line input (a path or `-`). */
export function loadInput(input: string, readStdin: () => Uint8Array = () => fs.readFileSync(0)): LoadedInput[] {
  if (input === STDIN) return loadBytes(readStdin(), "<stdin>");
  let stat: fs.Stats;
  try {
    stat = fs.statSync(input);
  } catch {
    throw inputErrors.missing(input);
  }
  if (stat.isDirectory()) {
    for (const candidate of [input, path.join(input, "cdktf.out")]) {
      const manifest = path.join(candidate, "manifest.json");
      if (fs.existsSync(manifest)) return loadBytes(readFile(manifest), manifest, candidate);
    }
    throw inputErrors.noStacks(input);
  }
  if (path.basename(input) === "manifest.json") return loadBytes(readFile(input), input, path.dirname(input));
  return loadBytes(readFile(input), input);
}

export function loadInputs(inputs: readonly string[], readStdin?: () => Uint8Array): LoadedInput[] {
  return inputs.flatMap((input) => loadInput(input, readStdin));
}

export { InputError };
