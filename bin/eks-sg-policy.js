#!/usr/bin/env node
"use strict";
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
