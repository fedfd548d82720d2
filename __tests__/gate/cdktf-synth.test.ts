/**
 * The gate under a real `cdktf synth` (the cdktf-cli in node_modules) and under plain `node`:
 * tiny projects in a temp dir whose app runs this repo's TypeScript through a transpile-only
 * require hook, so no build is needed.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CommandRunner } from "../../checker/cli/command-runner";
import { runCli } from "../../checker/cli/main";

const ROOT = path.resolve(__dirname, "../..");
const CDKTF = path.join(ROOT, "node_modules/.bin/cdktf");
const HOOK = path.join(__dirname, "helpers/transpile-ts.js");
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
/** What the apps need: the repo's packages (they sit in a temp dir), and a quiet cdktf. */
const APP_ENV = { CHECKPOINT_DISABLE: "1", NODE_PATH: path.join(ROOT, "node_modules"), FORCE_COLOR: "0", CI: "1" };

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...APP_ENV },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: stdout.replace(ANSI, ""), stderr: stderr.replace(ANSI, "") }));
  });
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-cdktf-synth-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A cdktf project whose app adds the given stacks and the gate in one line. */
function project(name: string, stacks: string): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir);
  const app = `node -r ${JSON.stringify(HOOK)} app.ts`;
  fs.writeFileSync(
    path.join(dir, "cdktf.json"),
    JSON.stringify({ language: "typescript", app, projectId: "eks-sg-policy-gate-test", sendCrashReports: "false", terraformProviders: [], terraformModules: [], context: {} }),
  );
  fs.writeFileSync(
    path.join(dir, "app.ts"),
    [
      `import { App } from "cdktf";`,
      `import { EksPolicyGate } from ${JSON.stringify(path.join(ROOT, "modules/policy/gate"))};`,
      `import { BrokenStack } from ${JSON.stringify(path.join(ROOT, "__tests__/fixtures/cdktf/broken-stack"))};`,
      `import { CleanStack } from ${JSON.stringify(path.join(__dirname, "fixtures/clean-stack"))};`,
      `const app = new App();`,
      stacks,
      `EksPolicyGate.of(app);`,
      `app.synth();`,
      ``,
    ].join("\n"),
  );
  return dir;
}

const broken = project("broken", `new BrokenStack(app, "broken");\nnew CleanStack(app, "clean");`);
const clean = project("clean", `new CleanStack(app, "clean");`);
const plain = project("plain", `new BrokenStack(app, "broken");`);
const configured = project("configured", `new BrokenStack(app, "broken");`);
fs.writeFileSync(
  path.join(configured, "eks-sg-policy.config.json"),
  JSON.stringify({
    failOn: "never",
    waivers: [
      {
        policy: "public-endpoint",
        address: "aws_eks_cluster.open",
        input: "cdktf.out/stacks/broken/cdk.tf.json",
        reason: "Lab cluster behind the office proxy until the VPN lands",
        owner: "@platform",
        expires: "2999-12-31",
      },
    ],
  }),
);

let brokenRun: Run;
let cleanRun: Run;
let plainRun: Run;
let diffRun: Run;
let configuredRun: Run;
beforeAll(async () => {
  // A few seconds each; run them together.
  [brokenRun, cleanRun, plainRun, configuredRun] = await Promise.all([
    run(CDKTF, ["synth"], broken),
    run(CDKTF, ["synth"], clean),
    run(process.execPath, ["-r", HOOK, "app.ts"], plain),
    run(CDKTF, ["synth"], configured),
  ]);
  // `deploy` and `diff` print the annotations of the synthesized stacks the same way before
  // terraform runs; `diff` never changes anything, should the gate ever let it through.
  diffRun = await run(CDKTF, ["diff", "broken", "--skip-synth"], broken);
}, 120_000);

describe("cdktf synth with EksPolicyGate.of(app)", () => {
  test("fails on a stack with error findings, printing policy id, construct path and message", () => {
    const output = brokenRun.stdout + brokenRun.stderr;
    expect(brokenRun.code).toBe(1);
    for (const [level, at, policy, address] of [
      ["ERROR", "broken/workers", "node-to-apiserver", "aws_eks_node_group.workers"],
      ["ERROR", "broken/open", "public-endpoint", "aws_eks_cluster.open"],
      ["ERROR", "broken/nodes", "node-imdsv2", "aws_launch_template.nodes"],
      ["ERROR", "broken/workers", "node-dns", "aws_eks_node_group.workers"],
      ["ERROR", "broken/workers", "apiserver-to-kubelet", "aws_eks_node_group.workers"],
      ["WARN", "broken/workers", "node-to-node", "aws_eks_node_group.workers"],
      ["WARN", "broken/open", "control-plane-logging", "aws_eks_cluster.open"],
      ["INFO", "broken/workers", "cluster-sg-detached", "aws_eks_node_group.workers"],
    ]) {
      expect(output).toContain(`${level} [${at}]: eks-sg-policy ${policy} (`);
      expect(output).toMatch(new RegExp(`${level} \\[${at}\\]: eks-sg-policy ${policy} \\(\\w+\\) ${address.replace(/\./g, "\\.")}: \\S`));
    }
    expect(output).toContain('ERROR [broken/nodes]: eks-sg-policy node-imdsv2 (error) aws_launch_template.nodes: used by aws_eks_node_group.workers: http_tokens is "optional", so IMDSv1 is allowed; set http_tokens = "required"');
    expect(brokenRun.stderr).toContain("While synthesizing one or more error annotations have been encountered");
    // The public endpoint exists only through BrokenStack's addOverride escape hatch.
    expect(output).toMatch(/ERROR \[broken\/open\]: eks-sg-policy public-endpoint \(error\) aws_eks_cluster\.open: endpoint_public_access is unset or true/);
    // The clean stack of the same app is checked too, and passes.
    expect(output).toMatch(/INFO \[clean\]: eks-sg-policy: stack 'clean': \d+ policies, (\d+) of \1 checks passed; 0 errors, 0 warnings, \d+ infos?, 0 unknown, 0 waived; 0 fail the synth \(--fail-on error\)\./);
    expect(output).not.toMatch(/ERROR \[clean/);
  });

  test("cdktf still writes cdk.tf.json for the failing stack: only the exit code stops a pipeline", () => {
    expect(fs.existsSync(path.join(broken, "cdktf.out/stacks/broken/cdk.tf.json"))).toBe(true);
  });

  test("exits 0 on a clean stack and prints the summary", () => {
    const output = cleanRun.stdout + cleanRun.stderr;
    expect({ code: cleanRun.code, errors: output.match(/^ERROR .*/gm) }).toEqual({ code: 0, errors: null });
    expect(output).toMatch(/INFO \[clean\]: eks-sg-policy: stack 'clean': \d+ policies, (\d+) of \1 checks passed; 0 errors, 0 warnings, \d+ infos?, 0 unknown, 0 waived; 0 fail the synth \(--fail-on error\)\./);
    expect(fs.existsSync(path.join(clean, "cdktf.out/stacks/clean/cdk.tf.json"))).toBe(true);
  });
});

describe("with an eks-sg-policy.config.json next to cdktf.json", () => {
  test("the gate applies it as eks-sg-policy check would: failOn, and waivers whose input names cdktf.out/stacks/<id>/cdk.tf.json", () => {
    const output = configuredRun.stdout + configuredRun.stderr;
    expect(configuredRun.code).toBe(0);
    expect(output).toContain("INFO [broken/open]: eks-sg-policy public-endpoint (error, waived) aws_eks_cluster.open: ");
    expect(output).toContain("WARN [broken/workers]: eks-sg-policy node-to-apiserver (error) aws_eks_node_group.workers: ");
    expect(output).toMatch(/INFO \[broken\]: eks-sg-policy: stack 'broken' \(configuration: eks-sg-policy\.config\.json\): .*, 1 waived; none fails the synth \(--fail-on never\)\./);
    expect(output).not.toMatch(/^ERROR /m);
  });
});

describe("cdktf diff (and deploy, which share the step)", () => {
  test("stop on the gate's errors before terraform runs", () => {
    const output = diffRun.stdout + diffRun.stderr;
    expect(diffRun.code).toBe(1);
    expect(output).toContain("ERROR [broken/nodes]: eks-sg-policy node-imdsv2 (error)");
    expect(diffRun.stderr).toContain("While synthesizing one or more error annotations have been encountered");
    expect(output).not.toMatch(/Initializing the backend|terraform init/i);
  });
});

describe("the same app run with plain node (app.synth())", () => {
  test("exits non-zero and stderr names each error's construct path and policy id", () => {
    expect(plainRun.code).toBe(1);
    expect(plainRun.stderr).toContain('Encountered Annotations with level "ERROR"');
    for (const line of [
      "[broken/workers] eks-sg-policy node-to-apiserver (error) aws_eks_node_group.workers: ",
      "[broken/open] eks-sg-policy public-endpoint (error) aws_eks_cluster.open: ",
      "[broken/nodes] eks-sg-policy node-imdsv2 (error) aws_launch_template.nodes: ",
    ]) {
      expect(plainRun.stderr).toContain(line);
    }
  });
});

describe("eks-sg-policy deploy, whose synth is cdktf synth", () => {
  test("exits 1 when the gate stops the synth (a failing check, not a failed synth), naming the stack", () => {
    const dir = project("deployed", `new BrokenStack(app, "broken");\nnew CleanStack(app, "clean");`);
    const runner: CommandRunner = (command, args, { cwd, env }) => {
      const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...APP_ENV, ...env } });
      return { status: result.status ?? 1, stdout: "" };
    };
    let stderr = "";
    const code = runCli(["deploy", "broken", "--synth-command", `${CDKTF} synth`, "--auto-approve", "--no-config"], { stdout: () => undefined, stderr: (t) => (stderr += t), runner, cwd: dir, env: {} });
    expect(stderr).toMatch(/^eks-sg-policy deploy: the synth-time gate \(EksPolicyGate\) stopped the synth on failing checks in stack broken \(\d+ findings\); /m);
    expect(code).toBe(1);
  });
});
