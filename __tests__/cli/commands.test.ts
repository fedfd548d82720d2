/** list, explain, help on every command, colours on a terminal only, progress for many inputs, file outputs. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../checker/cli/main";
import type { CliIo } from "../../checker/cli/io";
import { cli, fixturePlan, VENDORED_CORPUS } from "../helpers/fixtures";
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
  test("on a terminal", () => expect(run(["check", file, "--format", "text"], { stdoutIsTty: true, env: {} }).stdout).toContain("\u001b[31mFAIL\u001b[0m"));
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

describe("on a terminal, the human format; in a pipe or with --format text, one line per finding", () => {
  const file = fixturePlan("topo-lt-node-sg-no-rules");
  const tty = { stdoutIsTty: true, env: { NO_COLOR: "1" }, columns: 72 };
  const human = run(["check", file], tty);
  const text = run(["check", file], { stdoutIsTty: false, env: {} });
  const report = JSON.parse(run(["check", file, "--format", "json"], {}).stdout) as { findings: { address: string; policy: string; message: string; fix?: string }[] };

  test("findings grouped under their resource, the resource with the worst finding first, fixes on lines of their own", () => {
    const lines = human.stdout.split("\n");
    const headers = lines.filter((l) => /^\S/.test(l) && !l.startsWith("eks-sg-policy:"));
    expect(new Set(headers)).toEqual(new Set(report.findings.map((f) => f.address)));
    expect(headers).toHaveLength(new Set(headers).size);
    expect(lines.find((l) => /^  \S/.test(l))).toMatch(/^  FAIL +error +\S/);
    const withFix = report.findings.find((f) => f.fix !== undefined)!;
    expect(withFix.message.endsWith(withFix.fix!)).toBe(true);
    expect(lines.filter((l) => l.startsWith("    Fix: ")).length).toBe(report.findings.filter((f) => f.fix !== undefined).length);
    const findingLines = lines.filter((l) => l.startsWith(" "));
    expect(findingLines.filter((l) => l.length > 72 && !/^ {4}\S+$/.test(l))).toEqual([]);
    expect(lines.at(-2)).toMatch(/^eks-sg-policy: \d+ errors?, /);
    expect(human.stdout).not.toMatch(/\d+ tests, \d+ passed/);
  });

  test("every word of each finding is there, wrapped", () => {
    const words = (t: string) => t.split(/\s+/).filter((w) => w !== "" && w !== "Fix:").map((w) => w.replace(/;$/, ""));
    const humanWords = words(human.stdout);
    for (const f of report.findings) for (const w of words(f.message)) expect(humanWords).toContain(w);
  });

  test("--format text on a terminal, and every pipe, keep one stable line per finding and conftest's summary", () => {
    const asked = run(["check", file, "--format", "text"], tty);
    expect(asked.stdout).toBe(text.stdout);
    const findingLines = text.stdout.split("\n").filter((l) => /^(FAIL|WARN|INFO|UNKNOWN) - /.test(l));
    expect(findingLines).toHaveLength(report.findings.length);
    expect(text.stdout).toMatch(/\n\d+ tests, \d+ passed, \d+ warnings, \d+ failures, \d+ exceptions\n$/);
  });
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

describe("usage errors are one line with the tool's prefix and, where there is one, a suggestion", () => {
  test.each([
    [["chek", "plan.json"], /^eks-sg-policy: unknown command 'chek' \(did you mean check\?\)\n$/],
    [["check", "--formt", "json", "plan.json"], /^eks-sg-policy: unknown option '--formt' \(did you mean --format\?\)\n$/],
    [["check"], /^eks-sg-policy: missing required argument 'input'; see eks-sg-policy --help\n$/],
    [["graph", "--format", "png", "plan.json"], /^eks-sg-policy: option '--format <format>' argument 'png' is invalid\. Allowed choices are mermaid, dot; see eks-sg-policy --help\n$/],
    [["explain", "NODE-DNS"], /^eks-sg-policy: no policy "NODE-DNS"; did you mean node-dns\? \(eks-sg-policy list shows them all\)\n$/],
  ])("%j", (args, says) => {
    const wrong = run(args, {});
    expect({ code: wrong.code, stdout: wrong.stdout }).toEqual({ code: 2, stdout: "" });
    expect(wrong.stderr).toMatch(says);
  });
});

describe("no silent pass", () => {
  const noEks = path.join(VENDORED_CORPUS, "fugue__regula__sg-ingress-anywhere-tf0135.json");
  test("an input without any EKS resource: a warning on stderr naming it, eksResources 0 in the JSON report, exit code unchanged", () => {
    const text = run(["check", noEks], {});
    expect(text.code).toBe(0);
    expect(text.stderr).toMatch(/^eks-sg-policy: warning: .*fugue__regula__sg-ingress-anywhere-tf0135\.json has no EKS cluster, node group, Fargate profile, NodeClass or EKS-tagged SG, so nothing in it was checked; is it the plan you meant\?\n$/);
    const json = run(["check", "--format", "json", noEks, fixturePlan("topo-lt-node-sg-correct")], {});
    const inputs = JSON.parse(json.stdout).inputs as { path: string; eksResources: number }[];
    expect(inputs.map((i) => [path.basename(i.path), i.eksResources > 0])).toEqual([
      ["fugue__regula__sg-ingress-anywhere-tf0135.json", false],
      ["plan.json", true],
    ]);
    expect(json.stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });

  test("graph --cluster matching no cluster exits 2 naming the clusters there are; an address or a name picks one", () => {
    const plan = fixturePlan("topo-lt-node-sg-correct");
    const wrong = run(["graph", "--cluster", "nope", plan], {});
    expect({ code: wrong.code, stdout: wrong.stdout }).toEqual({ code: 2, stdout: "" });
    expect(wrong.stderr).toMatch(/^eks-sg-policy: --cluster "nope" matches no cluster in the inputs; clusters \(address or name\): aws_eks_cluster\.\S+ \(\S+\)\n$/);
    const [, address, name] = /: (aws_eks_cluster\.\S+) \((\S+)\)\n$/.exec(wrong.stderr) ?? [];
    const byAddress = run(["graph", "--cluster", address, plan], {});
    expect(byAddress.code).toBe(0);
    expect(byAddress.stdout).toContain(address);
    expect(run(["graph", "--cluster", name, plan], {}).stdout).toBe(byAddress.stdout);
    expect(run(["graph", "--cluster", "x", noEks], {}).stderr).toMatch(/they hold no EKS cluster\n$/);
  });

  test("text that is not JSON is told apart from JSON cut short", () => {
    const notJson = run(["check", "-"], { readStdin: () => Buffer.from("hello, this is not a plan\n") });
    expect(notJson.stderr).toMatch(/^eks-sg-policy: <stdin>: is not valid JSON \(at line 1, column 1\)\. Pass the output/);
    expect(notJson.stderr).not.toMatch(/ends before|truncated/);
    const cut = run(["check", "-"], { readStdin: () => Buffer.from('{"format_version": "1.2", "planned_values": {') });
    expect(cut.stderr).toMatch(/^eks-sg-policy: <stdin>: ends before the JSON is complete/);
    expect([notJson.code, cut.code]).toEqual([2, 2]);
  });
});
