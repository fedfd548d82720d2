/**
 * `--format F=file` targets: never over a file the run reads, never one file for two formats
 * (both refused before anything is written), each file written whole or not at all.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { builtBin } from "../helpers/built-cli";
import { runCli } from "../../checker/cli/main";
import { cli, fixturePlan } from "../helpers/fixtures";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-outputs-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A fresh folder with a copy of a failing plan as plan.json. */
function scratch(name: string): { dir: string; plan: string; bytes: Buffer } {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  const plan = path.join(dir, "plan.json");
  fs.copyFileSync(fixturePlan("p-cluster-defaults"), plan);
  return { dir, plan, bytes: fs.readFileSync(plan) };
}

/** A one-line usage error, exit 2, as every error a user can cause. */
function expectRefused(run: { code: number; stderr: string; stdout: string }, message: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^eks-sg-policy: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
  expect(run.stdout).toBe("");
}

describe("an output that is a file the run reads is refused", () => {
  test("the input itself: refused, and the plan is left as it was", () => {
    const { plan, bytes } = scratch("input");
    expectRefused(cli(["check", plan, "--format", `json=${plan}`]), /--format json=\S+plan\.json would overwrite the input \S+plan\.json; write the report to another file$/m);
    expect(fs.readFileSync(plan)).toEqual(bytes);
  });

  test("the input reached through another relative path", () => {
    const { dir, plan, bytes } = scratch("relative");
    fs.mkdirSync(path.join(dir, "sub"));
    const other = path.relative(process.cwd(), path.join(dir, "sub", "..", "plan.json"));
    expectRefused(cli(["check", path.relative(process.cwd(), plan), "--format", `sarif=${other}`]), /would overwrite the input .*plan\.json/);
    expect(fs.readFileSync(plan)).toEqual(bytes);
  });

  test("the input reached through a symlink to it, or through a symlinked folder", () => {
    const { dir, plan, bytes } = scratch("symlink");
    fs.symlinkSync(plan, path.join(dir, "link.json"));
    fs.symlinkSync(dir, path.join(work, "symlink-folder"));
    expectRefused(cli(["check", plan, "--format", `json=${path.join(dir, "link.json")}`]), /would overwrite the input \S+plan\.json \(the same file\)/);
    expectRefused(cli(["check", plan, "--format", `junit=${path.join(work, "symlink-folder", "plan.json")}`]), /would overwrite the input \S+plan\.json \(the same file\)/);
    expect(fs.readFileSync(plan)).toEqual(bytes);
    expect(fs.lstatSync(path.join(dir, "link.json")).isSymbolicLink()).toBe(true);
  });

  test("a hard link to the input", () => {
    const { dir, plan } = scratch("hardlink");
    fs.linkSync(plan, path.join(dir, "hard.json"));
    expectRefused(cli(["check", plan, "--format", `json=${path.join(dir, "hard.json")}`]), /would overwrite the input .*\(the same file\)/);
  });

  test("a context input, the configuration file and a waivers file", () => {
    const { dir, plan } = scratch("context");
    const context = path.join(dir, "context.json");
    fs.copyFileSync(fixturePlan("p-cluster-hardened"), context);
    const config = path.join(dir, "config.json");
    const waivers = path.join(dir, "waivers.json");
    fs.writeFileSync(config, "{}\n");
    fs.writeFileSync(waivers, '{"waivers": []}\n');
    expectRefused(cli(["check", plan, "--context", context, "--format", `sarif=${context}`]), /would overwrite the context input \S+context\.json;/);
    expectRefused(cli(["check", plan, "--config", config, "--format", `markdown=${config}`]), /would overwrite the configuration file \S+config\.json;/);
    expectRefused(cli(["check", plan, "--waivers", waivers, "--format", `json=${waivers}`]), /would overwrite the waivers file \S+waivers\.json;/);
    expect(fs.readFileSync(config, "utf8")).toBe("{}\n");
    expect(fs.readFileSync(waivers, "utf8")).toBe('{"waivers": []}\n');
  });

  test("anything inside a synth output folder that is an input, named by the folder, its parent or its manifest", () => {
    const { dir } = scratch("synth");
    const out = path.join(dir, "cdktf.out");
    const stack = path.join(out, "stacks", "app", "cdk.tf.json");
    fs.mkdirSync(path.dirname(stack), { recursive: true });
    fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { app: { name: "app", synthesizedStackPath: "stacks/app/cdk.tf.json", workingDirectory: "stacks/app", dependencies: [] } } }));
    const document = JSON.stringify({ "//": { metadata: { backend: "local", stackName: "app", version: "0.21.0" } }, terraform: {}, resource: {} });
    fs.writeFileSync(stack, document);
    for (const input of [out, dir, path.join(out, "manifest.json")]) {
      expectRefused(cli(["check", input, "--format", `json=${stack}`]), /is inside \S+cdktf\.out, the synth output the input \S+ is read from; write the report outside that folder$/m);
      expectRefused(cli(["check", input, "--format", `sarif=${path.join(out, "eks.sarif")}`]), /is inside \S+cdktf\.out/);
    }
    expect(fs.readFileSync(stack, "utf8")).toBe(document);
    // Beside the folder is fine.
    expect(cli(["check", out, "--format", `json=${path.join(dir, "report.json")}`]).code).toBe(0);
    expect(fs.existsSync(path.join(dir, "report.json"))).toBe(true);
  });
});

describe("one file for two formats is refused", () => {
  test("the same path twice, or two paths to the same file, and nothing is written", () => {
    const { dir, plan } = scratch("twice");
    const out = path.join(dir, "report.out");
    expectRefused(cli(["check", plan, "--format", `json=${out}`, "--format", `sarif=${out}`]), /^eks-sg-policy: --format json=\S+report\.out and --format sarif=\S+report\.out write the same file; give each format its own file$/m);
    expectRefused(cli(["check", plan, "--format", `json=${out}`, "--format", `json=${path.join(dir, ".", "x", "..", "report.out")}`]), /write the same file/);
    expect(fs.existsSync(out)).toBe(false);
    // An existing file reached through a symlink is the same file too.
    fs.writeFileSync(out, "earlier report\n");
    fs.symlinkSync(out, path.join(dir, "latest.out"));
    expectRefused(cli(["check", plan, "--format", `json=${out}`, "--format", `markdown=${path.join(dir, "latest.out")}`]), /write the same file/);
    expect(fs.readFileSync(out, "utf8")).toBe("earlier report\n");
  });

  test("different files are all written", () => {
    const { dir, plan } = scratch("distinct");
    const run = cli(["check", plan, "--format", `json=${path.join(dir, "r.json")}`, "--format", `sarif=${path.join(dir, "r.sarif")}`, "--format", "text"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "r.json"), "utf8")).summary.failed).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "r.sarif"), "utf8")).version).toBe("2.1.0");
  });
});

describe("each file is written whole or not at all", () => {
  /** What is in the folder besides the plan: the report, and never a temporary file. */
  const leftIn = (dir: string) => fs.readdirSync(dir).filter((f) => f !== "plan.json").sort();

  test("a written report is complete, with nothing else left in its folder", () => {
    const { dir, plan } = scratch("whole");
    expect(cli(["check", plan, "--format", `sarif=${path.join(dir, "r.sarif")}`]).code).toBe(1);
    expect(leftIn(dir)).toEqual(["r.sarif"]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "r.sarif"), "utf8")).runs).toHaveLength(1);
  });

  test("a failure after the text was written (the target is a folder): one line, exit 2, no temporary file left", () => {
    const { dir, plan } = scratch("folder-target");
    fs.mkdirSync(path.join(dir, "r.sarif"));
    const run = cli(["check", plan, "--format", `sarif=${path.join(dir, "r.sarif")}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^eks-sg-policy: cannot write \S+r\.sarif: it is a folder \(EISDIR\); no partial report was left there\. Fix that, or write the report to another file\n$/);
    expect(leftIn(dir)).toEqual(["r.sarif"]);
    expect(fs.readdirSync(path.join(dir, "r.sarif"))).toEqual([]);
  });

  test("a folder on the path is a file: one line, exit 2, nothing written", () => {
    const { dir, plan } = scratch("file-parent");
    fs.writeFileSync(path.join(dir, "reports"), "a file, not a folder\n");
    const run = cli(["check", plan, "--format", `json=${path.join(dir, "reports", "r.json")}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^eks-sg-policy: cannot write \S+reports\/r\.json: a folder on its path is a file \((EEXIST|ENOTDIR)\); [^\n]+\n$/);
    expect(leftIn(dir)).toEqual(["reports"]);
    expect(fs.readFileSync(path.join(dir, "reports"), "utf8")).toBe("a file, not a folder\n");
  });

  test("a symlinked report keeps its link; the file it points at gets the report, with its permissions", () => {
    const { dir, plan } = scratch("linked-report");
    fs.writeFileSync(path.join(dir, "real.json"), "old\n", { mode: 0o640 });
    fs.chmodSync(path.join(dir, "real.json"), 0o640);
    fs.symlinkSync("real.json", path.join(dir, "latest.json"));
    expect(cli(["check", plan, "--format", `json=${path.join(dir, "latest.json")}`]).code).toBe(1);
    expect(fs.lstatSync(path.join(dir, "latest.json")).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "real.json"), "utf8")).schemaVersion).toBe(1);
    expect(fs.statSync(path.join(dir, "real.json")).mode & 0o777).toBe(0o640);
    expect(leftIn(dir)).toEqual(["latest.json", "real.json"]);
  });

  test("a named pipe (as a shell's process substitution gives) is written into, not replaced", async () => {
    const { dir, plan } = scratch("fifo");
    const fifo = path.join(dir, "pipe");
    if (spawnSync("mkfifo", [fifo]).status !== 0) return; // no mkfifo here: nothing to show
    const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "ignore"] });
    let read = "";
    reader.stdout.on("data", (chunk: Buffer) => (read += chunk.toString("utf8")));
    const done = new Promise<void>((resolve) => reader.on("close", () => resolve()));
    const guard = setTimeout(() => reader.kill(), 10_000);
    expect(cli(["check", plan, "--format", `json=${fifo}`]).code).toBe(1);
    await done;
    clearTimeout(guard);
    expect(JSON.parse(read).schemaVersion).toBe(1);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
  });

  /** The built CLI under `ulimit -f` (in 1024-byte blocks): the SARIF is ~150 kB, the limit 16 kB. */
  const underFileSizeLimit = (dir: string, plan: string) =>
    spawnSync("bash", ["-c", `ulimit -f 16 && exec "${process.execPath}" "${builtBin()}" check "${plan}" --format sarif=r.sarif --format json=r.json`], { cwd: dir, encoding: "utf8" });

  test("past the file-size limit (ulimit -f): one line, exit 2, no truncated SARIF and no temporary file", () => {
    const { dir, plan } = scratch("ulimit");
    const run = underFileSizeLimit(dir, plan);
    expect(run.stderr).toBe("eks-sg-policy: cannot write r.sarif: the file would pass the file-size limit (ulimit -f) (EFBIG); no partial report was left there. Fix that, or write the report to another file\n");
    expect(run.status).toBe(2);
    expect(leftIn(dir)).toEqual([]);
  });

  test("standard output redirected to a file past the limit: one line and exit 2, not a silent cut", () => {
    const { dir, plan } = scratch("ulimit-stdout");
    const run = spawnSync("bash", ["-c", `ulimit -f 16 && exec "${process.execPath}" "${builtBin()}" check "${plan}" --format sarif > r.sarif`], { cwd: dir, encoding: "utf8" });
    expect(run.stderr).toMatch(/^eks-sg-policy: cannot write to standard output: the file would pass the file-size limit \(ulimit -f\) \(EFBIG\); what it holds is cut short\. [^\n]+\n$/);
    expect(run.status).toBe(2);
  });

  test("standard output redirected to a file gets every byte, a piece at a time, surrogate pairs whole", () => {
    const { dir } = scratch("stdout-pieces");
    const io = path.join(path.dirname(path.dirname(builtBin())), "dist/checker/cli/io.js");
    // The first piece ends inside the pair: 16,384 UTF-16 units per write.
    const make = `"a".repeat(16383) + "\u{1F600}" + "é→".repeat(30000) + "\u{1F600}".repeat(9000) + "end\\n"`;
    const out = fs.openSync(path.join(dir, "out.txt"), "w");
    const run = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(io)}).processIo.stdout(${make})`], { stdio: ["ignore", out, "pipe"], encoding: "utf8" });
    fs.closeSync(out);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const expected = Buffer.from(eval(make) as string, "utf8");
    expect(fs.readFileSync(path.join(dir, "out.txt")).equals(expected)).toBe(true);
  });

  test("past the file-size limit, an earlier report is left as it was", () => {
    const { dir, plan } = scratch("ulimit-earlier");
    fs.writeFileSync(path.join(dir, "r.sarif"), "the report of the previous run\n");
    const run = underFileSizeLimit(dir, plan);
    expect(run.status).toBe(2);
    expect(fs.readFileSync(path.join(dir, "r.sarif"), "utf8")).toBe("the report of the previous run\n");
    expect(leftIn(dir)).toEqual(["r.sarif"]);
  });
});

describe("a job summary that cannot be written is a warning", () => {
  function inActions(plan: string, summary: string) {
    let stdout = "";
    let stderr = "";
    const code = runCli(["check", plan, "--format", "github"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { GITHUB_STEP_SUMMARY: summary } });
    return { code, stdout, stderr };
  }

  const warning = /^eks-sg-policy: warning: cannot append the job summary to \S+: (a folder on its path is a file \(ENOTDIR\)|it is a folder \(EISDIR\)); the annotations and the exit code are unaffected\. Check what GITHUB_STEP_SUMMARY points at\n$/;

  test.each([
    ["a failing plan keeps exit 1", "p-cluster-defaults", 1],
    ["a clean plan keeps exit 0", "p-cluster-hardened", 0],
  ])("%s, with the annotations and one line on stderr", (_name, fixture, code) => {
    const { dir } = scratch(`summary-${fixture}`);
    fs.writeFileSync(path.join(dir, "not-a-folder"), "");
    const run = inActions(fixturePlan(fixture), path.join(dir, "not-a-folder", "summary.md"));
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(warning);
    expect(run.stdout).toMatch(/^eks-sg-policy: \d+ errors?, /m);
  });

  test("the summary path is a folder", () => {
    const { dir } = scratch("summary-folder");
    const run = inActions(fixturePlan("p-cluster-defaults"), dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(warning);
  });
});
