/**
 * `deploy` tells a synth the gate stopped (a failing check, exit 1) from any other failed synth
 * (exit 2), with the real gate in a real app process: tiny apps run by plain `node` through the
 * repo's transpile-only hook (as in __tests__/gate/cdktf-synth.test.ts). No terraform runs: each
 * case ends at the synth.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CommandRunner } from "../../checker/cli/command-runner";
import { runCli } from "../../checker/cli/main";

const ROOT = path.resolve(__dirname, "../..");
const HOOK = path.join(ROOT, "__tests__/gate/helpers/transpile-ts.js");

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-deploy-synth-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** An app folder whose app.ts is this. */
function appOf(name: string, source: string): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "app.ts"), source);
  return dir;
}

/** An app folder whose app.ts has these lines between `new App()` and `app.synth()`. */
function app(name: string, lines: string[]): string {
  return appOf(
    name,
    [
      `import { Annotations, App, TerraformStack } from "cdktf";`,
      `import { EksPolicyGate } from ${JSON.stringify(path.join(ROOT, "modules/policy/gate"))};`,
      `import { BrokenStack } from ${JSON.stringify(path.join(ROOT, "__tests__/fixtures/cdktf/broken-stack"))};`,
      `void Annotations, TerraformStack, BrokenStack, EksPolicyGate;`,
      `const app = new App();`,
      ...lines,
      `app.synth();`,
      ``,
    ].join("\n"),
  );
}

/** Runs each command with its output kept (the app's stack trace is not this test's to print). */
const quiet: CommandRunner = (command, args, { cwd, env }) => {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules"), ...env } });
  return { status: result.status ?? 1, stdout: "" };
};

function deploy(dir: string) {
  let stderr = "";
  const synth = `${process.execPath} -r ${HOOK} app.ts`;
  const code = runCli(["deploy", "--synth-command", synth, "--auto-approve", "--no-config", "--terraform", "/nonexistent/terraform"], {
    stdout: () => undefined,
    stderr: (t) => (stderr += t),
    runner: quiet,
    cwd: dir,
    env: {},
  });
  return { code, stderr };
}

test("a synth the gate stopped is a failing check: exit 1, naming the stack", () => {
  const result = deploy(app("gate-stops", [`new BrokenStack(app, "broken");`, `EksPolicyGate.of(app);`]));
  expect(result.stderr).toMatch(/^eks-sg-policy deploy: the synth-time gate \(EksPolicyGate\) stopped the synth on failing checks in stack broken \(\d+ findings\); /m);
  expect(result.code).toBe(1);
});

test("an app that throws is a failed synth: exit 2", () => {
  const result = deploy(appOf("throws", `throw new Error("the app is broken");\n`));
  expect(result.stderr).toMatch(/^eks-sg-policy: the synth command \(.* app\.ts\) failed with exit code 1 in .*; nothing was planned or applied\n$/m);
  expect(result.code).toBe(2);
});

test("an error annotation that is not the gate's is a failed synth: exit 2", () => {
  const result = deploy(app("other-error", [`const stack = new TerraformStack(app, "plain");`, `Annotations.of(stack).addError("not the gate");`, `EksPolicyGate.of(app);`]));
  expect(result.stderr).toMatch(/^eks-sg-policy: the synth command \(.* app\.ts\) failed with exit code 1 in /m);
  expect(result.code).toBe(2);
});
