/**
 * The dependency rule (.dependency-cruiser.js) that `npm test` runs holds for the code, and fails
 * when a back-arrow or a cycle is added: proven on a small tree that has both.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "./helpers/fixtures";

const DEPCRUISE = path.join(ROOT, "node_modules", ".bin", "depcruise");
const CONFIG = path.join(ROOT, ".dependency-cruiser.js");

function cruise(cwd: string, targets: string[]) {
  return spawnSync(DEPCRUISE, [...targets, "--config", CONFIG, "--output-type", "err"], { cwd, encoding: "utf8" });
}

test("the checker, the policies and the constructs follow the layers, without cycles", () => {
  const run = cruise(ROOT, ["checker", "policies", "modules", "main.ts"]);
  expect(run.stdout + run.stderr).toMatch(/no dependency violations found/);
  expect(run.status).toBe(0);
});

test("a back-arrow, a cycle, and a registry imported from below each fail the rule", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-layers-"));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  fs.copyFileSync(path.join(ROOT, "tsconfig.json"), path.join(dir, "tsconfig.json"));
  write("tsconfig.build.json", JSON.stringify({ extends: "./tsconfig.json", include: ["checker/**/*.ts", "policies/**/*.ts"] }));
  write("checker/load/read.ts", 'import { run } from "../run/pipeline";\nexport const read = () => run;\n');
  write("checker/run/pipeline.ts", 'import { read } from "../load/read";\nimport { policies } from "../../policies";\nexport const run = () => [read, policies];\n');
  write("policies/index.ts", "export const policies = [];\n");
  const run = cruise(dir, ["checker", "policies"]);
  const out = run.stdout + run.stderr;
  expect(out).toMatch(/layer-load: checker\/load\/read\.ts → checker\/run\/pipeline\.ts/);
  expect(out).toMatch(/no-circular/);
  expect(out).toMatch(/registry-from-the-top: checker\/run\/pipeline\.ts → policies\/index\.ts/);
  expect(run.status).not.toBe(0);
  fs.rmSync(dir, { recursive: true, force: true });
});
