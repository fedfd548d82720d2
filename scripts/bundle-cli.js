#!/usr/bin/env node
"use strict";
/**
 * Bundles the command line into one file, `dist/cli.js`, which `bin/eks-sg-policy.js` loads (issue
 * #13): resolving, reading and compiling the ~100 modules of dist/checker one by one cost ~0.1 s
 * of every run, more than a small plan's whole check. The library (`require("eks-sg-policy")`,
 * the CDKTF gate, the Jest helpers) stays dist/checker, file by file.
 *
 * Packages loaded only by some commands or formats (ajv for user files, yaml, xmlbuilder2) stay
 * outside the bundle and load from node_modules when used, as they did. A plugin imports the
 * library, a second copy of the checker's code: values cross between the two (an `Unknown` is
 * recognised by a registered symbol, not by its class), and nothing else is shared.
 *
 *   node scripts/bundle-cli.js [dist folder]     # after tsc (npm run build)
 */
const fs = require("node:fs");
const path = require("node:path");

/** Loaded when used: not part of every run's start-up. */
const EXTERNAL = ["ajv", "ajv/*", "yaml", "xmlbuilder2"];

/**
 * commander requires `child_process` when it loads, for subcommands run as separate programs, which
 * this command line has none of; loading it (with `net` and `dgram` behind it) cost every run about
 * 10 ms. Its copy in the bundle loads it on first use instead. Our own code already does.
 */
const LAZY_NAMESPACE = "lazy-builtin";
const lazyChildProcessForCommander = {
  name: "lazy-child-process-for-commander",
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: "child_process", namespace: LAZY_NAMESPACE } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: LAZY_NAMESPACE }, () => ({
      contents: 'let loaded;\nmodule.exports = new Proxy({}, { get: (_, key) => (loaded ??= require("node:child_process"))[key] });\n',
      loader: "js",
    }));
  },
};

/** Resolves when `dist/cli.js` is written (esbuild runs plugins only in its asynchronous API). */
async function bundleCli(dist) {
  const esbuild = require("esbuild");
  await esbuild.build({
    entryPoints: [path.join(dist, "checker", "cli", "main.js")],
    outfile: path.join(dist, "cli.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: EXTERNAL,
    plugins: [lazyChildProcessForCommander],
    logLevel: "warning",
    legalComments: "eof",
    // Through the compiled files' own maps to the TypeScript sources: `--debug` traces name them.
    sourcemap: "linked",
    // Less text to read, decode and scan at every start (838 -> 557 KB). Names are kept: V8's
    // --turbo-filter picks the `hot*` functions by name, and `--debug` traces map back anyway.
    // Whole processes, paired ratios of interleaved runs (issue #13): a 40 KB plan 0.96 (21 runs),
    // the 756 KB plan 0.96 (21), 3,800 resources 0.98 (15); the same reports.
    minifyWhitespace: true,
    minifySyntax: true,
  });
  // Our sources ship beside dist/ and are named as they are; a bundled dependency is named by its
  // path inside node_modules (not this machine's), and it and the module the plugin writes keep
  // their text in the map.
  const mapFile = path.join(dist, "cli.js.map");
  const map = JSON.parse(fs.readFileSync(mapFile, "utf8"));
  map.sources = map.sources.map((source, i) => {
    if (source.startsWith(`${LAZY_NAMESPACE}:`)) return source;
    const at = source.lastIndexOf("node_modules/");
    if (at < 0) map.sourcesContent[i] = null;
    return at < 0 ? source : `../${source.slice(at)}`;
  });
  fs.writeFileSync(mapFile, JSON.stringify(map));
}

if (require.main === module) {
  bundleCli(path.resolve(process.argv[2] ?? path.join(__dirname, "..", "dist"))).catch((error) => {
    process.stderr.write(`bundle-cli: ${error.message}\n`);
    process.exit(1);
  });
}

module.exports = { bundleCli };
