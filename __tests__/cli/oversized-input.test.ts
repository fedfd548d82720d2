/**
 * An input larger than the heap can hold: V8 would end the process with its own trace and exit
 * 134; the checker refuses it first, in one line that names the input and the fix.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { refuseOversized } from "../../checker/load/load-inputs";
import { builtBin } from "../helpers/built-cli";
import { fixturePlan } from "../helpers/fixtures";

test("refuseOversized: the input's size against the heap limit", () => {
  expect(() => refuseOversized("plan.json", 1_000_000, 64 * 2 ** 20)).not.toThrow();
  expect(() => refuseOversized("plan.json", 10_000_000, 64 * 2 ** 20)).toThrow(
    "plan.json: is 10 MB, more than this process can hold once parsed and modelled (its heap limit is 64 MB). Give Node more memory, e.g. NODE_OPTIONS=--max-old-space-size=1024, or check the plans of smaller root modules",
  );
});

describe("a real process with a small heap", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-oversized-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // A real plan with a 12 MB variable: too much for a 16 MB old space, nothing for the default heap.
  const plan = JSON.parse(fs.readFileSync(fixturePlan("topo-lt-node-sg-no-rules"), "utf8")) as { variables?: Record<string, { value: unknown }> };
  plan.variables = { ...plan.variables, padding: { value: "x".repeat(12_000_000) } };
  const file = path.join(dir, "plan.json");
  fs.writeFileSync(file, JSON.stringify(plan));
  const run = (args: string[], stdin?: Buffer) => spawnSync(process.execPath, ["--max-old-space-size=16", builtBin(), ...args], { encoding: "utf8", input: stdin });

  test.each([
    ["a file", () => run(["check", file]), file],
    ["stdin", () => run(["check", "-"], fs.readFileSync(file)), "<stdin>"],
  ])("%s: exit 2, one line, no V8 trace", (_what, start, name) => {
    const result = start();
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: 2, stdout: "" });
    expect(result.stderr).toMatch(new RegExp(`^eks-sg-policy: ${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: is 1[23] MB, more than this process can hold once parsed and modelled \\(its heap limit is \\d+ MB\\)\\. Give Node more memory, e\\.g\\. NODE_OPTIONS=--max-old-space-size=\\d+, or check the plans of smaller root modules\\n$`));
  });

  test("the same plan checks with the default heap", () => {
    const result = spawnSync(process.execPath, [builtBin(), "check", "--format", "json", file], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain("xxxxxxxxxx");
  });
});
