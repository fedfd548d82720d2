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

describe("--atlantis with --format F=file, as documented: text on stdout, exit 0 unless the input is bad", () => {
  // Today --atlantis prints the text format only and writes no --format target; issue #12 makes it
  // write them. Until then: nothing written, nothing refused, the output Atlantis reads unchanged.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-atlantis-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const plan = fixturePlan("topo-lt-node-sg-no-rules");
  const plain = cli(["check", "--atlantis", plan]);

  test("a file target is not written, and stdout is the text Atlantis reads", () => {
    const sarif = path.join(dir, "r.sarif");
    const run = cli(["check", "--atlantis", "--format", `sarif=${sarif}`, "--format", "json", plan]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(plain.stdout);
    expect(atlantisPasses(run.stdout)).toBe(false);
    expect(fs.existsSync(sarif)).toBe(false);
  });

  test("a target naming the input leaves the input as it was", () => {
    const copy = path.join(dir, "plan.json");
    fs.copyFileSync(plan, copy);
    const bytes = fs.readFileSync(copy);
    const run = cli(["check", "--atlantis", "--format", `json=${copy}`, copy]);
    expect(run.code).toBe(0);
    expect(run.stdout.match(SUMMARY)?.[0]).toBe(plain.stdout.match(SUMMARY)?.[0]);
    expect(fs.readFileSync(copy)).toEqual(bytes);
  });
});
