/**
 * The tarball users install, made by a plain `npm pack` (its prepack and postpack scripts
 * included) in a staging copy of the sources, so that the build it runs does not rewrite the
 * repo's dist/ while other tests read it. The staging copy links the repo's node_modules.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./fixtures";

/** What `npm pack` needs to build: the sources, the build configuration and the scripts. */
const SOURCES = ["package.json", "package-lock.json", "README.md", "LICENSE", "tsconfig.json", "tsconfig.build.json", "main.ts", "checker", "policies", "modules", "scripts", "bin", "docs", "schemas"];

/** npm without its nags, and no terraform checkpoint calls. */
export const NPM_ENV: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };

export function sh(command: string, args: readonly string[], cwd: string, timeout = 120_000, env: NodeJS.ProcessEnv = NPM_ENV): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env, encoding: "utf8", timeout });
}

export function ok(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

export interface PackedPackage {
  /** The .tgz, in `work`. */
  readonly tarball: string;
  /** Paths inside the package, as `npm pack --json` lists them. */
  readonly files: readonly string[];
  /** The staging copy it was packed from. */
  readonly staging: string;
}

/** Packs the package into `work` (a folder the caller removes). */
export function packTarball(work: string): PackedPackage {
  const staging = path.join(work, "staging");
  fs.mkdirSync(staging);
  for (const entry of SOURCES) {
    if (fs.existsSync(path.join(ROOT, entry))) fs.cpSync(path.join(ROOT, entry), path.join(staging, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(staging, "node_modules"), "dir");
  const packed = JSON.parse(ok(sh("npm", ["pack", "--json", "--pack-destination", work], staging, 300_000), "npm pack")) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(work, packed[0].filename), files: packed[0].files.map((f) => f.path), staging };
}
