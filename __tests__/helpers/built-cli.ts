/**
 * The CLI as users run it: `node bin/eks-sg-policy.js` over the compiled dist/ (`npm run build`),
 * for what only a real process shows — signals, pipes, resource limits.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./fixtures";

export const BIN = path.join(ROOT, "bin/eks-sg-policy.js");

/** Why tests of the built CLI skip here, or `undefined` when dist/ is there. */
export const builtCliMissing: string | undefined = fs.existsSync(path.join(ROOT, "dist/checker/cli/main.js")) ? undefined : "dist/ is not built; run npm run build";

/** `test`, or `test.skip` with the reason in the name when the CLI is not built. */
export const testBuiltCli = (name: string, fn: jest.ProvidesCallback, timeout?: number): void =>
  builtCliMissing === undefined ? test(name, fn, timeout) : test.skip(`${name} (skipped: ${builtCliMissing})`, fn);
