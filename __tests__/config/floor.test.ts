/**
 * A configuration committed in the checked repository cannot weaken the check silently: every
 * format says what it changes, and an operator's floor (`--floor`, `EKS_SG_POLICY_FLOOR`) holds
 * against it — the repository may only tighten.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Report } from "../../checker";
import { runCli } from "../../checker/cli/main";
import { fixturePlan } from "../helpers/fixtures";

const plan = fixturePlan("topo-lt-node-sg-no-rules");

/** A checked repository: its configuration (and files beside it), and an operator folder outside it. */
function repository(config: object, files: Record<string, string> = {}): { repo: string; operator: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-floor-"));
  const repo = path.join(root, "repo");
  const operator = path.join(root, "operator");
  fs.mkdirSync(repo);
  fs.mkdirSync(operator);
  fs.writeFileSync(path.join(repo, "eks-sg-policy.config.json"), JSON.stringify(config));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(repo, name), text);
  return { repo, operator };
}

function check(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const code = runCli(["check", plan, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env });
  return { code, stdout, stderr };
}

const WEAKENING = {
  failOn: "never",
  policies: { "*": { severity: "info" }, "node-dns": { enabled: false } },
  waivers: [{ policy: "node-to-apiserver", address: "aws_eks_node_group.workers", reason: "Reaches the API through a proxy", owner: "@pr-author", expires: "2027-01-31" }],
};

describe("without a floor, a weakening configuration is applied and shown everywhere", () => {
  const { repo } = repository(WEAKENING);

  test("text: the failures are gone, and a CONFIG WEAKENS line says why", () => {
    const { code, stdout } = check(repo, []);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/^FAIL/m);
    expect(stdout).toMatch(/^CONFIG WEAKENS - the configuration \S*eks-sg-policy\.config\.json weakens the check: turns off node-dns; lowers apiserver-to-kubelet from error to info; .*; fails on nothing \(failOn never\); waives 1 finding pattern$/m);
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/^\d+ tests, /);
  });

  test.each([
    ["json", (out: string) => (JSON.parse(out) as Report).configuration?.changes.filter((c) => c.weakens).map((c) => c.change).join("|") ?? ""],
    ["sarif", (out: string) => JSON.stringify(JSON.parse(out).runs[0].invocations[0].toolConfigurationNotifications)],
    ["junit", (out: string) => out],
    ["github", (out: string) => out.split("\n").filter((l) => l.startsWith("::warning title=eks-sg-policy configuration::")).join("\n")],
    ["markdown", (out: string) => out.split("\n").filter((l) => l.startsWith("> ⚠️")).join("\n")],
  ])("%s names the file and what it switched off", (format, pick) => {
    const shown = pick(check(repo, ["--format", format]).stdout);
    expect(shown).toMatch(/turns off node-dns/);
    expect(shown).toMatch(/waives 1 finding pattern/);
  });
});

describe("an operator's floor holds against the repository's configuration", () => {
  test("everything the repository asked that weakens is refused and reported; the findings fail again", () => {
    const { repo, operator } = repository(WEAKENING);
    const floor = path.join(operator, "floor.json");
    fs.writeFileSync(floor, "{}");
    const { code, stdout } = check(repo, ["--floor", floor]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL - aws_eks_node_group\.workers - node-dns - /m);
    expect(stdout).toMatch(/^FAIL - aws_eks_node_group\.workers - node-to-apiserver - /m);
    expect(stdout).toMatch(new RegExp(`^CONFIG REFUSED - \\S*eks-sg-policy\\.config\\.json asked for what the floor ${floor.replace(/[.]/g, "\\.")} does not allow, so it was not applied: turning off node-dns; lowering apiserver-to-kubelet from error to info; .*; failOn never; 1 waiver \\(waivers come from the floor or --waivers\\)$`, "m"));
    // The same through the environment, as an Atlantis server sets it once.
    expect(check(repo, [], { EKS_SG_POLICY_FLOOR: floor }).stdout).toBe(stdout);
  });

  test("the repository may tighten: turn on what the floor leaves off, raise a severity, fail on more", () => {
    const { repo, operator } = repository({ failOn: "warning", policies: { "node-to-node": { severity: "error" }, "node-dns": { enabled: true } } });
    const floor = path.join(operator, "floor.json");
    fs.writeFileSync(floor, JSON.stringify({ policies: { "node-dns": { enabled: false } } }));
    const { code, stdout } = check(repo, ["--floor", floor]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^FAIL - aws_eks_node_group\.workers - node-dns - /m);
    expect(stdout).toMatch(/^FAIL - aws_eks_node_group\.workers - node-to-node - /m);
    expect(stdout).not.toMatch(/^CONFIG REFUSED/m);
  });

  test("the repository's plugins are not loaded under a floor: they are code from the pull request", () => {
    const marker = path.join(os.tmpdir(), `eks-sg-policy-floor-plugin-${process.pid}`);
    const { repo, operator } = repository({ plugins: ["./evil.js"] }, { "evil.js": `require("fs").writeFileSync(${JSON.stringify(marker)}, "ran"); module.exports = { policies: [] };` });
    const floor = path.join(operator, "floor.json");
    fs.writeFileSync(floor, "{}");
    const { stdout } = check(repo, ["--floor", floor]);
    expect(fs.existsSync(marker)).toBe(false);
    expect(stdout).toMatch(/^CONFIG REFUSED - .*plugins .*evil\.js \(plugins come from the floor or --plugin\)$/m);
    // Without a floor the repository's configuration is trusted as before.
    check(repo, []);
    expect(fs.existsSync(marker)).toBe(true);
    fs.rmSync(marker);
  });

  test("the floor's own waivers and settings apply, and say so", () => {
    const { repo, operator } = repository({});
    const floor = path.join(operator, "floor.json");
    fs.writeFileSync(floor, JSON.stringify({ policies: { "node-imdsv2": { enabled: false } } }));
    const { stdout } = check(repo, ["--floor", floor]);
    expect(stdout).not.toMatch(/node-imdsv2/.source + " - ");
    expect(stdout).toMatch(new RegExp(`^CONFIG WEAKENS - the floor ${floor.replace(/[.]/g, "\\.")} tightened by \\S*eks-sg-policy\\.config\\.json weakens the check: turns off node-imdsv2$`, "m"));
  });
});
