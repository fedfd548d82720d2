/**
 * The command line as the package installs it — `bin/eks-sg-policy.js` over compiled `dist/` — built
 * into a scratch folder from the current sources, for tests that need a real process (a terminal,
 * signals, pipes, resource limits). Each file is compiled alone with the repo's TypeScript (`isolatedModules` makes that the
 * same JavaScript as `npm run build`, without its type check, which `npm test` runs), then bundled
 * into `dist/cli.js` by scripts/bundle-cli.js as the build does: a second or two instead of a full
 * build, and never a stale `dist/` of an earlier build.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "../..");
const SOURCES = ["checker", "policies"];

function sourcesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(file);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [file] : [];
  });
}

/** Builds the CLI into a new folder; returns the path of its `bin/eks-sg-policy.js`. */
export function buildCli(root: string = ROOT): string {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-cli-"));
  const compilerOptions: ts.CompilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true, sourceMap: true };
  for (const file of SOURCES.flatMap((dir) => sourcesUnder(path.join(root, dir)))) {
    const out = path.join(scratch, "dist", path.relative(root, file)).replace(/\.ts$/, ".js");
    const { outputText, sourceMapText } = ts.transpileModule(fs.readFileSync(file, "utf8"), { fileName: path.relative(path.dirname(out), file), compilerOptions });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, outputText);
    fs.writeFileSync(`${out}.map`, sourceMapText!);
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(scratch, "node_modules"));
  // The bin loads the bundle, made as `npm run build` makes it.
  const bundled = spawnSync(process.execPath, [path.join(ROOT, "scripts/bundle-cli.js"), path.join(scratch, "dist")], { encoding: "utf8" });
  if (bundled.status !== 0) throw new Error(`scripts/bundle-cli.js failed: ${bundled.stderr}`);
  fs.mkdirSync(path.join(scratch, "bin"));
  fs.copyFileSync(path.join(root, "bin/eks-sg-policy.js"), path.join(scratch, "bin/eks-sg-policy.js"));
  fs.copyFileSync(path.join(root, "package.json"), path.join(scratch, "package.json"));
  return path.join(scratch, "bin/eks-sg-policy.js");
}

let built: string | undefined;

/** The CLI built once per test file, on first use (`bin/eks-sg-policy.js` of the scratch build). */
export function builtBin(): string {
  return (built ??= buildCli());
}
