/** How the command sets V8 up for the size of what it reads (checker/cli/large-plan-v8.ts). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../checker/cli/main";
import { COMMAND_STEPS, LARGE_PLAN_BYTES, MERGE_COMPILED_BYTES, stepsBySize } from "../../checker/cli/large-plan-v8";
import { MIN_PLAN_BYTES } from "../../checker/load/plan-pieces";
import { fixturePlan } from "../helpers/fixtures";

describe("stepsBySize", () => {
  const MB = 2 ** 20;
  const steps = [1, 5, 16].map((size) => ({ bytes: size * MB, name: `${size} MB` }));
  const cases: { name: string; sizes: number[]; ran: string[] }[] = [
    { name: "one plan below every step", sizes: [MB - 1], ran: [] },
    { name: "one plan of the first step's size", sizes: [MB], ran: ["1 MB at input 0"] },
    { name: "one plan past all of them: each once, in order", sizes: [40 * MB], ran: ["1 MB at input 0", "5 MB at input 0", "16 MB at input 0"] },
    { name: "small inputs that reach a step together, at the one that reaches it", sizes: [MB / 2, 100, MB / 2, 7], ran: ["1 MB at input 2"] },
    { name: "two plans: a step reached by the first does not run again", sizes: [6 * MB, 12 * MB], ran: ["1 MB at input 0", "5 MB at input 0", "16 MB at input 1"] },
    { name: "folders and missing paths count nothing", sizes: [0, 0, 0], ran: [] },
  ];
  test.each(cases)("$name", ({ sizes, ran }) => {
    const runs: string[] = [];
    let told = -1;
    const beforeReading = stepsBySize(steps.map(({ bytes, name }) => ({ bytes, run: () => runs.push(`${name} at input ${told}`) })));
    sizes.forEach((bytes, i) => {
      told = i;
      beforeReading(bytes);
    });
    expect(runs).toEqual(ran);
  });

  test("the command's steps: TurboFan from the size a plan is read in pieces, the early GC, then the merge walk compiled", () => {
    expect(COMMAND_STEPS.map((step) => step.bytes)).toEqual([MIN_PLAN_BYTES, LARGE_PLAN_BYTES, MERGE_COMPILED_BYTES]);
  });
});

describe("check tells io.beforeReading each input's size before it is parsed", () => {
  let scratch: string;
  beforeAll(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), "large-plan-v8-"))));
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
