/**
 * Runs a TypeScript example of the docs as a user would, against this repository's source standing
 * in for the package: `import … from "eks-sg-policy"` resolves to checker/index.ts, for tsc (through
 * `paths`) and for node (a stub package in the scratch folder's node_modules; the .ts files are
 * transpiled on load by the gate tests' require hook).
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./fixtures";

const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");
const TRANSPILE_HOOK = path.join(ROOT, "__tests__/gate/helpers/transpile-ts.js");

/** Makes `eks-sg-policy` resolvable from `dir` by node, pointing at the source. */
export function linkSourceAsPackage(dir: string): void {
  const stub = path.join(dir, "node_modules/eks-sg-policy");
  fs.mkdirSync(stub, { recursive: true });
  fs.writeFileSync(path.join(stub, "package.json"), JSON.stringify({ name: "eks-sg-policy", main: "index.js" }));
  fs.writeFileSync(path.join(stub, "index.js"), `module.exports = require(${JSON.stringify(path.join(ROOT, "checker/index.ts"))});\n`);
}

/** tsc --noEmit over `file` (in `dir`) with strict settings; returns what tsc printed ("" when clean). */
export function typeCheck(dir: string, file: string): string {
  const config = path.join(dir, "tsconfig.doc.json");
  fs.writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "commonjs",
        moduleResolution: "node",
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        esModuleInterop: true,
        types: ["node"],
        typeRoots: [path.join(ROOT, "node_modules/@types")],
        baseUrl: dir,
        paths: { "eks-sg-policy": [path.join(ROOT, "checker/index.ts")] },
      },
      files: [path.join(dir, file)],
    }),
  );
  const result = spawnSync(process.execPath, [TSC, "-p", config], { cwd: dir, encoding: "utf8" });
  return `${result.stdout}${result.stderr}`.trim();
}

/** node <file> in `dir`, the .ts transpiled on load. */
export function runScript(dir: string, file: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["-r", TRANSPILE_HOOK, file], { cwd: dir, encoding: "utf8", env: { PATH: process.env.PATH, ...env }, timeout: 60_000 });
}
