#!/usr/bin/env node
"use strict";
/**
 * Makes dist/cli.js.cache, the V8 code cache `bin/eks-sg-policy.js` compiles the bundle with (issue
 * #13): the command checks a few of the repository's plans once, with the V8 and the flags it runs
 * with, and keeps the bytecode of every function that ran. Without the cache each run compiles
 * those functions again as it meets them.
 *
 *   node scripts/code-cache.js [package folder]     # after bundle-cli.js (npm run build)
 *
 * Where the plans are not there (a copy without __tests__, such as the folder `npm pack` builds a
 * tarball from), no cache is made and the command compiles as it runs. A cache is worth having only
 * on the machine that made it anyway: V8 takes it only from the same V8 version.
 */
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

/** Plans of different shapes, so that most policies, node classes and the report run. */
const WARM_UP = ["user-eks-module-style-create", "blind-karpenter-by-tag", "topo-mixed-fargate-ec2", "blind-pod-sg", "heldout-a-child-module-nodegroups"];

function makeCodeCache(root) {
  const out = path.join(root, "dist", "cli.js.cache");
  fs.rmSync(out, { force: true });
  const plans = WARM_UP.map((name) => path.join(__dirname, "..", "__tests__", "fixtures", "tf", name, "plan.json")).filter((file) => fs.existsSync(file));
  if (plans.length === 0) {
    // On stderr: `npm pack --json` (prepack builds) prints its JSON on stdout.
    process.stderr.write("code-cache: no plans to warm up with; the command compiles as it runs\n");
    return;
  }
  const env = { ...process.env, EKS_SG_POLICY_WRITE_CODE_CACHE: out };
  delete env.EKS_SG_POLICY_FLOOR;
  const run = spawnSync(process.execPath, [path.join(root, "bin", "eks-sg-policy.js"), "check", ...plans, "--no-config", "--format", "json", "--fail-on", "never"], { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (run.status !== 0 || !fs.existsSync(out)) throw new Error(`the warm-up check failed (exit ${run.status}): ${run.stderr}`);
}

if (require.main === module) {
  try {
    makeCodeCache(path.resolve(process.argv[2] ?? path.join(__dirname, "..")));
  } catch (error) {
    process.stderr.write(`code-cache: ${error.message}\n`);
    process.exit(1);
  }
}

module.exports = { makeCodeCache };
