/** `eks-sg-policy list` and `eks-sg-policy explain <policy>`: the catalogue and each policy's page. */
import fs from "node:fs";
import path from "node:path";
import { UsageError } from "../errors";
import { closest } from "../user-files/json-file";
import type { Policy } from "../policy/contract";
import { loadPlugin, withPlugins } from "../run/plugins";
import type { CliIo } from "./io";

/** The built-in policies and those of the `--plugin` modules. */
export function registryWithPlugins(builtIn: readonly Policy[], plugins: readonly string[], io: CliIo): readonly Policy[] {
  const cwd = io.cwd ?? process.cwd();
  return plugins.length === 0 ? builtIn : withPlugins(builtIn, plugins.map((spec) => loadPlugin(spec, cwd)));
}

/** The docs folder ships in the package next to dist/; found upwards from here in source and build. */
function docsFolder(): string | undefined {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "docs", "policies");
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

export function listPolicies(policies: readonly Policy[], io: CliIo): void {
  const width = Math.max(...policies.map((p) => p.meta.id.length));
  const lines = policies.map((p) => `${p.meta.id.padEnd(width)}  ${p.meta.severity.padEnd(7)}  ${p.meta.title}`);
  io.stdout(`${lines.join("\n")}\n`);
}

export function explainPolicy(id: string, policies: readonly Policy[], io: CliIo): void {
  const policy = policies.find((p) => p.meta.id === id);
  if (!policy) {
    const ids = policies.map((p) => p.meta.id);
    const guess = closest(id, ids);
    const near = guess ? [guess] : ids.filter((candidate) => candidate.includes(id.toLowerCase()) || id.toLowerCase().includes(candidate.split("-")[0]));
    throw new UsageError(`no policy "${id}"${near.length ? `; did you mean ${near.join(", ")}?` : ""} (eks-sg-policy list shows them all)`);
  }
  const folder = docsFolder();
  const page = folder ? path.join(folder, `${id}.md`) : undefined;
  if (page && fs.existsSync(page)) {
    // The page without the markers of its generated part.
    io.stdout(fs.readFileSync(page, "utf8").replace(/^<!--.*-->\n/gm, ""));
    return;
  }
  const { meta } = policy;
  io.stdout(`# ${meta.id}\n\n${meta.severity}: ${meta.title}\n\n${meta.rationale}\n${meta.docsUrl ? `\n${meta.docsUrl}\n` : ""}`);
}
