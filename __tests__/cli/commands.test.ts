/** list, explain, help on every command, colours on a terminal only, progress for many inputs, file outputs. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../checker/cli/main";
import type { CliIo } from "../../checker/cli/io";
import { cli, fixturePlan } from "../helpers/fixtures";
import { policies } from "../../policies";

function run(args: string[], io: Partial<CliIo>) {
  let stdout = "";
  let stderr = "";
  const code = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), ...io });
  return { code, stdout, stderr };
}

test("list prints every policy with its severity", () => {
  const out = cli(["list"]).stdout.trim().split("\n");
  expect(out).toHaveLength(policies.length);
  expect(out.find((l) => l.startsWith("node-to-apiserver"))).toMatch(/\berror\b/);
});

test("explain prints the policy's page; an unknown id is a usage error with suggestions", () => {
  expect(cli(["explain", "node-dns"]).stdout).toMatch(/^# node-dns\n/);
  const wrong = cli(["explain", "dns"]);
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toMatch(/no policy "dns"; did you mean node-dns/);
});

test.each([["check"], ["list"], ["explain"]])("%s --help", (command) => {
  const help = cli([command, "--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/^Usage: eks-sg-policy /);
});

describe("colours", () => {
  const file = fixturePlan("p-cluster-defaults");
  test("on a terminal", () => expect(run(["check", file], { stdoutIsTty: true, env: {} }).stdout).toContain("\u001b[31mFAIL\u001b[0m"));
  test("not with NO_COLOR", () => expect(run(["check", file], { stdoutIsTty: true, env: { NO_COLOR: "1" } }).stdout).not.toContain("\u001b["));
  test("not in a pipe", () => expect(run(["check", file], { stdoutIsTty: false, env: {} }).stdout).not.toContain("\u001b["));
  test("not in a file", () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-color-")), "report.txt");
    run(["check", file, "--format", `text=${out}`, "--format", "json"], { stdoutIsTty: true, env: {} });
    expect(fs.readFileSync(out, "utf8")).not.toContain("\u001b[");
  });
});

test("several inputs show progress on a terminal's stderr only", () => {
  const files = [fixturePlan("p-cluster-defaults"), fixturePlan("p-cluster-hardened")];
  expect(run(["check", ...files], { stderrIsTty: true }).stderr).toMatch(/reading 2\/2: /);
  expect(run(["check", ...files], { stderrIsTty: false }).stderr).toBe("");
});

describe("--format F=path", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-out-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  test("writes each format where asked and keeps one on stdout", () => {
    const json = path.join(dir, "nested", "report.json");
    const result = cli(["check", fixturePlan("p-cluster-defaults"), "--format", `json=${json}`, "--format", "text"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(fs.readFileSync(json, "utf8")).summary.failed).toBeGreaterThan(0);
    expect(result.stdout).toMatch(/tests, .* exceptions\n$/);
  });
  test("two formats on stdout, an unknown format or an empty path are usage errors", () => {
    expect(cli(["check", fixturePlan("p-cluster-defaults"), "--format", "json", "--format", "text"]).stderr).toMatch(/only one format can go to standard output/);
    expect(cli(["check", fixturePlan("p-cluster-defaults"), "--format", "yaml"]).stderr).toMatch(/unknown format "yaml"; use one of/);
    expect(cli(["check", fixturePlan("p-cluster-defaults"), "--format", "json="]).code).toBe(2);
  });
});
