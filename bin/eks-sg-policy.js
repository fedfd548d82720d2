#!/usr/bin/env node
"use strict";
// The young generation stays at its first size instead of growing to 16 MB: a plan's objects all
// live until the end, so a larger one only adds pages to touch and copy. Measured whole-process
// (issue #13): a 7 MB plan -0.1 s CPU and -20 MiB, a 36 MB plan -70 MiB, a 756 KB plan -0.02 s.
// Set here, for the command only: a program that imports the checker keeps its own settings.
require("node:v8").setFlagsFromString("--semi-space-growth-factor=1");
// The compiled CLI; `npm ci` builds it (the `prepare` script).
let cli;
try {
  cli = require("../dist/checker/cli/main.js");
} catch (error) {
  process.stderr.write("eks-sg-policy: the compiled code is missing; run `npm run build` (npm ci does it)\n");
  process.exit(2);
}
// A reader that stops early (| head) ends the output quietly; the exit code stays the check's.
cli.endQuietlyOnClosedPipes();
process.exitCode = cli.runCli(process.argv.slice(2));
