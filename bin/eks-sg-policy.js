#!/usr/bin/env node
"use strict";
// V8 takes the compiled code Node keeps for its own modules only under the flags it was made with,
// so a built-in module first loaded after the flags set below is compiled from source (node:crypto,
// with its fifteen modules: 25 M instructions of a check with findings instead of 8 M; issue #13).
// The ones a check loads are loaded first: node:vm (the bundle's compile), node:process
// (commander), node:crypto (the findings' fingerprints), and the streams of standard output and
// error unless they are regular files (a pipe or a terminal loads node:net). A check without
// findings pays 8 M for node:crypto.
for (const id of ["node:vm", "node:process", "node:crypto"]) require(id);
if (!isRegularFile(1)) void process.stdout;
if (!isRegularFile(2)) void process.stderr;
// A plan's objects all live until the end of a run, so young-generation GC only copies them. It
// stays at its first size instead of growing to 16 MB (fewer pages to touch and copy), and runs on
// the main thread (helper threads cost more CPU than they save on small heaps). Measured
// whole-process (issue #13): a 7 MB plan 1.13 -> 0.93 s CPU and 118 -> 93 MiB, a 36 MB plan
// 3.3 -> 3.1 s and 233 -> 163 MiB, a 756 KB plan 0.32 -> 0.29 s. Set here, for the command only:
// a program that imports the checker keeps its own settings.
// TurboFan starts off. It compiles only functions named for it (__tests__/cli/bundled-cli.test.ts
// lists them), and only once the plans read are large enough for the compile to pay
// (checker/cli/large-plan-v8.ts): the byte loop that finds where each piece of a plan ends and the
// walk that bounds the depth of its changes from 2 MB, the walk that merges each planned value
// with its unknown marks from 16 MB. A check is one short pass: optimising every hot function on a
// helper thread cost more CPU than the optimised code saved (a 7 MB plan 0.95 -> 0.73 s CPU,
// medians of 7 interleaved runs). Everything else runs in the baseline compiler (Sparkplug).
// A full GC marks in one pause instead of in steps beside the run (--no-incremental-marking): it
// finds little to free in a check, and marking in steps cost write barriers and a helper thread's
// work, which also made the count vary from run to run. Instructions (valgrind, one process at a
// time, 2 runs each): a 7 MB plan 2.49-2.54 -> 2.36 G, a 36 MB plan 8.36-8.64 -> 8.30 G; peak
// memory 137 -> 162 MiB on the 36 MB plan (the floor's: 153), 70 -> 73 MiB on the 7 MB one.
require("node:v8").setFlagsFromString("--semi-space-growth-factor=1 --no-parallel-scavenge --no-turbofan --no-incremental-marking");
// Stack traces (--debug) point at the TypeScript sources, not at lines of the bundle.
const debug = process.argv.includes("--debug");
if (debug) process.setSourceMapsEnabled(true);
// The compiled CLI, bundled into one file (scripts/bundle-cli.js); `npm ci` builds it (the
// `prepare` script).
let cli;
try {
  cli = loadBundle();
} catch (error) {
  process.stderr.write("eks-sg-policy: the compiled code is missing; run `npm run build` (npm ci does it)\n");
  process.exit(2);
}
// A reader that stops early (| head) ends the output quietly; the exit code stays the check's.
cli.endQuietlyOnClosedPipes();
// commandIo: the command's own standard streams, and V8 set up for the size of the plans
// (checker/cli/large-plan-v8.ts).
process.exitCode = cli.runCli(process.argv.slice(2), cli.commandIo);

/**
 * dist/cli.js, compiled with the V8 code cache the build keeps beside it (dist/cli.js.cache,
 * scripts/code-cache.js): the bytecode of the functions a check runs, made once at build time
 * instead of at every start. V8 takes a cache made with the same V8 and flags, and checks the
 * source by its length alone, so the cache begins with the size and modification time (ns) of the
 * bundle it was made from and is used only while the bundle still has both, as Python keys its .pyc
 * files: any write to the bundle changes its time. Hashing the bundle instead cost 23 M
 * instructions of every run (issue #13). A copy that does not keep the times (`cp` without `-p`)
 * compiles as it runs: slower, never wrong. `--debug` requires the bundle as a module instead, so
 * that its source map names the TypeScript sources. The bundle requires only packages and Node
 * built-ins, which this file's `require` resolves as the bundle's own would.
 */
function loadBundle() {
  const fs = require("node:fs");
  const path = require("node:path");
  const file = path.join(__dirname, "..", "dist", "cli.js");
  if (debug) return require(file);
  const fd = fs.openSync(file, "r");
  const stat = fs.fstatSync(fd, { bigint: true });
  const source = fs.readFileSync(fd);
  fs.closeSync(fd);
  const key = Buffer.alloc(16);
  key.writeBigUInt64LE(stat.size, 0);
  key.writeBigInt64LE(stat.mtimeNs, 8);
  const writeTo = process.env.EKS_SG_POLICY_WRITE_CODE_CACHE;
  let cachedData;
  if (!writeTo) {
    try {
      const cache = fs.readFileSync(`${file}.cache`);
      if (cache.subarray(0, key.length).equals(key)) cachedData = cache.subarray(key.length);
    } catch {
      // No cache (a build without one): compiled as it runs.
    }
  }
  // The wrapper `require("node:module").wrap` would make; that module brings the ES module loader with it.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.toString("utf8")}\n});`;
  const script = new (require("node:vm").Script)(wrapped, { filename: file, cachedData });
  const bundle = { exports: {} };
  script.runInThisContext().call(bundle.exports, bundle.exports, require, bundle, file, path.dirname(file));
  // The build runs a check with this set, and keeps what it compiled (scripts/code-cache.js).
  if (writeTo) process.on("exit", () => fs.writeFileSync(writeTo, Buffer.concat([key, script.createCachedData()])));
  return bundle.exports;
}

/**
 * The question checker/cli/io.ts asks, asked here too because the bundle may load only after the
 * flags are set: a descriptor that cannot be examined is no file.
 */
function isRegularFile(fd) {
  try {
    return require("node:fs").fstatSync(fd).isFile();
  } catch {
    return false;
  }
}
