/** The configuration file and waivers through the command line: found in the working folder, or given; expiry judged by the clock. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../checker/cli/main";
import { fixturePlan } from "../helpers/fixtures";

const plan = fixturePlan("p-cluster-defaults");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-cfg-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const waiver = { policy: "public-endpoint", address: "aws_eks_cluster.*", reason: "endpoint reviewed with the security team", owner: "@platform", expires: "2026-11-30" };
fs.writeFileSync(path.join(dir, "eks-sg-policy.config.json"), JSON.stringify({ failOn: "warning", waivers: [waiver] }));

function run(args: string[], now: string, cwd = dir) {
  let stdout = "";
  let stderr = "";
  const code = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, now: () => new Date(now) });
  return { code, stdout, stderr };
}

test("the configuration in the working folder applies: waiver and failOn", () => {
  const result = run(["check", plan], "2026-11-30T23:59:59Z");
  expect(result.stdout).toMatch(/^EXCEPTION - aws_eks_cluster\.main - public-endpoint/m);
  // failOn "warning" from the file: the logging and encryption warnings fail the run.
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/3 failures|2 failures/);
});

test("--fail-on on the command line wins over the file", () => {
  expect(run(["check", plan, "--fail-on", "error"], "2026-11-30T12:00:00Z").code).toBe(0);
});

test("the day after expiry the finding fails again and says so", () => {
  const result = run(["check", plan, "--fail-on", "error"], "2026-12-01T00:00:00Z");
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/^FAIL - aws_eks_cluster\.main - public-endpoint - .*waiver by @platform expired on 2026-11-30/m);
  expect(result.stdout).toMatch(/^WAIVER EXPIRED - /m);
});

test("--no-config ignores the file; --waivers adds a file, and an unused waiver is reported", () => {
  const extra = path.join(dir, "more-waivers.json");
  fs.writeFileSync(extra, JSON.stringify({ waivers: [{ ...waiver, policy: "node-dns", address: "aws_eks_node_group.gone", expires: "2027-06-30" }] }));
  const result = run(["check", plan, "--no-config", "--waivers", extra], "2026-11-30T00:00:00Z");
  expect(result.stdout).toMatch(/^FAIL - aws_eks_cluster\.main - public-endpoint/m);
  expect(result.stdout).toMatch(/^WAIVER UNUSED - .*more-waivers\.json waivers\[0\] - node-dns aws_eks_node_group\.gone - matched no finding/m);
});

test("a wrong configuration is one line and exit 2", () => {
  const bad = path.join(dir, "bad.json");
  fs.writeFileSync(bad, JSON.stringify({ waivers: [{ ...waiver, reason: "short" }] }));
  const result = run(["check", plan, "--config", bad], "2026-11-30T00:00:00Z");
  expect(result.code).toBe(2);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stderr).toMatch(/waivers\[0\]\.reason/);
});
