/**
 * `check --atlantis` through the rules Atlantis (≥ 0.39) applies to a custom policy check's
 * output: the set fails when the output starts with FAIL or counts failures; empty output fails;
 * the summary is the conftest line; sticky approvals hash each `^FAIL.*` line.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cli, fixturePlan, ROOT } from "../helpers/fixtures";
import { runCli } from "../../checker/cli/main";

/** Atlantis's pass/fail test for custom policy output (server/events/project_command_runner.go). */
function atlantisPasses(output: string): boolean {
  if (output.trim() === "") return false;
  return !/([1-9][0-9]* failure|failures": \[)/.test(output) && !output.startsWith("FAIL");
}
/** Atlantis's summary extraction (server/events/models/models.go). */
const SUMMARY = /\d+ tests?, \d+ passed, \d+ warnings?, \d+ failures?, \d+ exceptions?(, \d skipped)?/;
/** The policy_item_regex of examples/atlantis/repos.yaml. */
const ITEMS = /^FAIL.*/gm;

test("a clean plan passes, with a summary line", () => {
  const run = cli(["check", "--atlantis", fixturePlan("topo-lt-node-sg-correct")]);
  expect(run.code).toBe(0);
  expect(atlantisPasses(run.stdout)).toBe(true);
  expect(run.stdout.match(SUMMARY)?.[0]).toMatch(/ 0 failures, 0 exceptions$/);
});

test("a failing plan fails the set but exits 0, so Atlantis keeps the output", () => {
  const run = cli(["check", "--atlantis", fixturePlan("topo-lt-node-sg-no-rules")]);
  expect(run.code).toBe(0);
  expect(atlantisPasses(run.stdout)).toBe(false);
  expect(run.stdout.match(SUMMARY)?.[0]).toMatch(/ [1-9]\d* failures/);
});

test("warnings alone pass with the default --fail-on, and fail with --fail-on warning", () => {
  const file = fixturePlan("topo-lt-node-sg-correct"); // logging and encryption warnings, no error
  expect(atlantisPasses(cli(["check", "--atlantis", file]).stdout)).toBe(true);
  const strict = cli(["check", "--atlantis", "--fail-on", "warning", file]);
  expect(atlantisPasses(strict.stdout)).toBe(false);
  expect(strict.code).toBe(0);
});

test("every FAIL line is one stable item: the same plan gives the same items", () => {
  const a = cli(["check", "--atlantis", fixturePlan("topo-lt-node-sg-no-rules")]).stdout.match(ITEMS);
  const b = cli(["check", "--atlantis", fixturePlan("topo-lt-node-sg-no-rules")]).stdout.match(ITEMS);
  expect(a?.length).toBeGreaterThan(0);
  expect(b).toEqual(a);
});

test("bad input still exits 2 with one line", () => {
  const run = cli(["check", "--atlantis", path.join(ROOT, "no-such-plan.json")]);
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split("\n")).toHaveLength(1);
});

test("the example server config runs the command this test runs", () => {
  const config = fs.readFileSync(path.join(ROOT, "examples/atlantis/repos.yaml"), "utf8");
  expect(config).toContain('run: eks-sg-policy check --atlantis --floor /etc/eks-sg-policy/floor.json "$SHOWFILE"');
  expect(config).not.toContain("allowed_overrides");
  expect(config).toContain("custom_policy_check: true");
  expect(config).toContain('policy_item_regex: "(?m)^FAIL.*"');
});

test("with the example's floor, a pull request's configuration cannot switch the check off", () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-atlantis-repo-"));
  fs.writeFileSync(path.join(repo, "eks-sg-policy.config.json"), JSON.stringify({ failOn: "never", policies: { "*": { enabled: false }, "public-endpoint": { enabled: true, severity: "info" } } }));
  const floor = path.join(ROOT, "examples/atlantis/floor.json");
  let stdout = "";
  const code = runCli(["check", "--atlantis", "--floor", floor, fixturePlan("topo-lt-node-sg-no-rules")], { stdout: (t) => (stdout += t), stderr: () => undefined, cwd: repo, env: {} });
  expect(code).toBe(0);
  expect(stdout).toMatch(/^FAIL - aws_eks_node_group\.workers - node-to-apiserver - /m);
  expect(stdout).toMatch(/^CONFIG REFUSED - .* turning off apiserver-to-kubelet; .*; failOn never$/m);
  expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/^\d+ tests, \d+ passed, \d+ warnings, [1-9]\d* failures, 0 exceptions$/);
});

describe("--atlantis with --format F=file: text on stdout for Atlantis, every file target written", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-atlantis-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const plan = fixturePlan("topo-lt-node-sg-no-rules");
  const plain = cli(["check", "--atlantis", plan]);

  test("sarif=file and json=file are written, stdout stays the text Atlantis reads, exit 0", () => {
    const sarif = path.join(dir, "r.sarif");
    const json = path.join(dir, "r.json");
    const run = cli(["check", "--atlantis", "--format", `sarif=${sarif}`, "--format", `json=${json}`, plan]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    expect(run.stdout).toBe(plain.stdout);
    expect(atlantisPasses(run.stdout)).toBe(false);
    const sarifLog = JSON.parse(fs.readFileSync(sarif, "utf8")) as { runs: { results: unknown[] }[] };
    const report = JSON.parse(fs.readFileSync(json, "utf8")) as { summary: { failed: number } };
    expect(sarifLog.runs[0].results.length).toBeGreaterThan(0);
    expect(report.summary.failed).toBeGreaterThan(0);
  });

  test("another format on stdout would break what Atlantis reads: a one-line usage error, exit 2", () => {
    const run = cli(["check", "--atlantis", "--format", "json", plan]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^eks-sg-policy: with --atlantis, standard output is the text format Atlantis reads; write json to a file instead \(e\.g\. --format json=report\.json\)\n$/);
  });

  test("a target naming the input is refused and the input is left as it was", () => {
    const copy = path.join(dir, "plan.json");
    fs.copyFileSync(plan, copy);
    const bytes = fs.readFileSync(copy);
    const run = cli(["check", "--atlantis", "--format", `json=${copy}`, copy]);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(fs.readFileSync(copy)).toEqual(bytes);
  });
});
