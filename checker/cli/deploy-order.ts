/**
 * Which stacks `deploy` runs, and in what order: those asked for (or all, with `'*'`), each after
 * the stacks it depends on, as `cdktf.out/manifest.json` lists them.
 */
import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors";

export const ALL_STACKS = "*";

export interface ManifestStack {
  readonly workingDirectory?: string;
  readonly dependencies?: readonly string[];
}

export interface SynthManifest {
  readonly file: string;
  readonly stacks: Record<string, ManifestStack>;
}

export function readManifest(outdir: string): SynthManifest {
  const file = path.join(outdir, "manifest.json");
  if (!fs.existsSync(file)) throw new UsageError(`${file} not found; run cdktf synth, or drop --skip-synth`);
  try {
    const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { stacks?: Record<string, ManifestStack> };
    return { file, stacks: manifest.stacks ?? {} };
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message}); run cdktf synth again`);
  }
}

/** The stacks to deploy, each after the stacks it depends on (among those asked for), ties by name. */
export function deployOrder(stacks: Record<string, ManifestStack>, asked: readonly string[], manifestFile: string): string[] {
  const names = Object.keys(stacks).sort();
  let wanted: string[];
  if (asked.length === 0) {
    if (names.length !== 1) throw new UsageError(`name the stacks to deploy: one or more of ${names.join(", ") || "(none)"}, or '${ALL_STACKS}' for all`);
    wanted = names;
  } else if (asked.includes(ALL_STACKS)) {
    wanted = names;
  } else {
    for (const name of asked) if (!names.includes(name)) throw new UsageError(`no stack "${name}" in ${manifestFile}; stacks: ${names.join(", ")}`);
    wanted = [...new Set(asked)].sort();
  }
  // Depth-first over every dependency (through stacks not asked for too), keeping the asked ones.
  const order: string[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (name: string, chain: readonly string[]) => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new UsageError(`the stacks of ${manifestFile} depend on each other: ${[...chain, name].join(" → ")}`);
    visiting.add(name);
    for (const dependency of [...(stacks[name]?.dependencies ?? [])].sort()) visit(dependency, [...chain, name]);
    visiting.delete(name);
    done.add(name);
    if (wanted.includes(name)) order.push(name);
  };
  for (const name of wanted) visit(name, []);
  return order;
}

/** The folder terraform runs in for a stack. */
export function stackFolder(outdir: string, manifest: SynthManifest, name: string): string {
  return path.join(outdir, manifest.stacks[name].workingDirectory ?? path.join("stacks", name));
}
