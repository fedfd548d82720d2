/** When the command sets V8's heap up for a large plan (checker/cli/large-plan-heap.ts). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../checker/cli/main";
import { heapForLargePlans, LARGE_PLAN_BYTES } from "../../checker/cli/large-plan-heap";
import { fixturePlan } from "../helpers/fixtures";

describe("heapForLargePlans", () => {
  const cases: { name: string; sizes: number[]; collectedAfter: number | undefined }[] = [
    { name: "one plan below the threshold", sizes: [LARGE_PLAN_BYTES - 1], collectedAfter: undefined },
    { name: "one plan of the threshold's size", sizes: [LARGE_PLAN_BYTES], collectedAfter: 0 },
    { name: "small inputs that reach it together, at the one that reaches it", sizes: [LARGE_PLAN_BYTES / 2, 100, LARGE_PLAN_BYTES / 2, 7], collectedAfter: 2 },
    { name: "two large plans: once, at the first", sizes: [2 * LARGE_PLAN_BYTES, 3 * LARGE_PLAN_BYTES], collectedAfter: 0 },
    { name: "folders and missing paths count nothing", sizes: [0, 0, 0], collectedAfter: undefined },
  ];
  test.each(cases)("$name", ({ sizes, collectedAfter }) => {
    const calls: number[] = [];
    let told = -1;
    const beforeReading = heapForLargePlans(LARGE_PLAN_BYTES, () => calls.push(told));
    sizes.forEach((bytes, i) => {
      told = i;
      beforeReading(bytes);
    });
    expect(calls).toEqual(collectedAfter === undefined ? [] : [collectedAfter]);
  });
});

describe("check tells io.beforeReading each input's size before it is parsed", () => {
  let scratch: string;
  beforeAll(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), "large-plan-heap-"))));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  function told(args: string[], stdin?: Uint8Array): { code: number; sizes: number[]; stderr: string } {
    const sizes: number[] = [];
    let stderr = "";
    const code = runCli(["check", ...args, "--format", "json", "--no-config", "--fail-on", "never"], {
      stdout: () => undefined,
      stderr: (text) => (stderr += text),
      readStdin: () => stdin ?? new Uint8Array(),
      beforeReading: (bytes) => sizes.push(bytes),
    });
    return { code, sizes, stderr };
  }

  test("a file's size, standard input's length, and a context input's size, in the order given", () => {
    const plan = fixturePlan("blind-asg-launch-configuration");
    const context = fixturePlan("heldout-a-child-module-nodegroups");
    const piped = fs.readFileSync(fixturePlan("topo-mixed-fargate-ec2"));
    const run = told([plan, "-", "--context", context], piped);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.sizes).toEqual([fs.statSync(plan).size, piped.length, fs.statSync(context).size]);
  });

  test("a folder counts 0, and a missing file 0 before its one-line error", () => {
    fs.mkdirSync(path.join(scratch, "stack"), { recursive: true });
    fs.writeFileSync(path.join(scratch, "stack", "cdk.tf.json"), JSON.stringify({ resource: {} }));
    expect(told([path.join(scratch, "stack")]).sizes).toEqual([0]);
    const missing = told([path.join(scratch, "nothere.json")]);
    expect(missing.sizes).toEqual([0]);
    expect(missing.code).toBe(2);
  });
});
