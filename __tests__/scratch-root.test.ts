import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { endScratchRoot, startScratchRoot } from "./helpers/scratch-root";

describe("the test run's own temporary folder", () => {
  it("is where this worker's os.tmpdir() points (the global set-up made it)", () => {
    const root = process.env.EKS_SG_POLICY_TEST_TMP;
    expect(root).toMatch(/eks-sg-policy-test-run-/);
    expect(os.tmpdir()).toBe(root);
    expect(fs.statSync(root!).isDirectory()).toBe(true);
  });

  it("is removed at the end, and the variables it replaced are put back", () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "scratch-base-"));
    const env: NodeJS.ProcessEnv = { TMPDIR: "/somewhere", PATH: "/bin" };
    const root = startScratchRoot(env, base);
    expect(path.dirname(root)).toBe(base);
    expect([env.TMPDIR, env.TEMP, env.TMP]).toEqual([root, root, root]);
    fs.mkdirSync(path.join(root, "cdktf.outdir.x", "stacks"), { recursive: true });

    endScratchRoot(env, () => {
      throw new Error("nothing is logged when the folder is removed");
    });
    expect(fs.existsSync(root)).toBe(false);
    expect(env).toEqual({ TMPDIR: "/somewhere", PATH: "/bin" });
  });

  it("is kept, and named, when EKS_SG_POLICY_KEEP_TMP=1", () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "scratch-base-"));
    const env: NodeJS.ProcessEnv = { EKS_SG_POLICY_KEEP_TMP: "1" };
    const root = startScratchRoot(env, base);
    const lines: string[] = [];
    endScratchRoot(env, (line) => lines.push(line));
    expect(fs.existsSync(root)).toBe(true);
    expect(lines).toEqual([`Test scratch folders kept in ${root} (EKS_SG_POLICY_KEEP_TMP=1)`]);
    expect(env).toEqual({ EKS_SG_POLICY_KEEP_TMP: "1" });
  });
});
