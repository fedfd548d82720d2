/**
 * The question before an apply, on a real terminal: the CLI as installed (`node bin/eks-sg-policy.js`
 * over the compiled code) runs on a pseudo-terminal (python3's pty module) and is answered as a
 * person types, with a stand-in for terraform. Reading the answer from fd 0 failed there with
 * EAGAIN, so deploy without --auto-approve never worked; in-process tests cannot see that.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildCli } from "../helpers/built-cli";
import { fixturePlan } from "../helpers/fixtures";
import { synthOut } from "../helpers/synth-out";

const PTY_RUN = path.join(__dirname, "../helpers/pty-run.py");
const QUESTION = 'Apply the checked plan of stack app? Only "yes" applies: ';

function ptySkipReason(): string | undefined {
  if (process.platform === "win32") return "no pseudo-terminals on Windows";
  if (spawnSync("python3", ["-c", "import pty"]).status !== 0) return "python3 with its pty module is not on PATH";
  return undefined;
}

/** A stand-in for terraform: plan writes the plan file, show prints a passing plan, each call is logged. */
function fakeTerraform(dir: string): string {
  const file = path.join(dir, "terraform");
  fs.writeFileSync(
    file,
    [
      "#!/bin/sh",
      'echo "$*" >> "$FAKE_TF_LOG"',
      'case "$1" in',
      '  plan) for arg in "$@"; do case "$arg" in -out=*) printf "saved plan" > "${arg#-out=}";; esac; done ;;',
      '  show) cat "$FAKE_TF_PLAN_JSON" ;;',
      "esac",
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return file;
}

const skipReason = ptySkipReason();
(skipReason ? describe.skip : describe)(`deploy on a terminal${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  let bin: string;
  let terraform: string;
  beforeAll(() => {
    bin = buildCli();
    terraform = fakeTerraform(path.dirname(bin));
  }, 60_000);
  afterAll(() => fs.rmSync(path.dirname(path.dirname(bin)), { recursive: true, force: true }));

  /** A fresh stack and log; the deploy's arguments and environment. */
  function setup() {
    const out = synthOut({ app: {} });
    const log = path.join(out, "terraform.log");
    const env = { ...process.env, FAKE_TF_LOG: log, FAKE_TF_PLAN_JSON: fixturePlan("cdktf-ec2-cluster-sg"), NO_COLOR: "1" };
    const args = [bin, "deploy", "--outdir", out, "--terraform", terraform, "--synth-command", `${terraform} synth`, "--no-config"];
    const calls = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []);
    return { out, env, args, calls };
  }

  const onTerminal = (answer: string, args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync("python3", [PTY_RUN, QUESTION, answer, process.execPath, ...args], { env, encoding: "utf8", timeout: 90_000 });

  test('answered "yes", it applies the checked plan', () => {
    const { env, args, calls } = setup();
    const run = onTerminal("yes", args, env);
    expect(run.stdout).toContain(`${QUESTION}yes`);
    expect(run.stdout).not.toMatch(/EAGAIN|internal error/);
    expect(run.status).toBe(0);
    const plan = calls().find((c) => c.startsWith("plan "))?.match(/-out=(\S+)/)?.[1];
    expect(calls()).toEqual(["synth", "init -input=false", `plan -input=false -out=${plan}`, `show -json ${plan}`, `apply -input=false ${plan}`]);
  });

  test('answered "no", it applies nothing and says so', () => {
    const { env, args, calls } = setup();
    const run = onTerminal("no", args, env);
    expect(run.stdout).toContain(`${QUESTION}no`);
    expect(run.stdout).toContain("eks-sg-policy deploy: stack app not applied");
    expect(run.status).toBe(0);
    expect(calls().filter((c) => c.startsWith("apply"))).toEqual([]);
    expect(calls().at(-1)).toMatch(/^show -json /);
  });

  test("without a terminal (stdin a pipe) and without --auto-approve: exit 2, one line naming --auto-approve, nothing run", () => {
    const { env, args, calls } = setup();
    const run = spawnSync(process.execPath, args, { env, encoding: "utf8", input: "yes\n" });
    expect(run.stderr).toBe("eks-sg-policy: no terminal to ask before applying (stdin is not a terminal); pass --auto-approve to apply the plans that pass the check without asking, as in CI\n");
    expect(run.status).toBe(2);
    expect(calls()).toEqual([]);
  });

  test("without a terminal, --auto-approve applies", () => {
    const { env, args, calls } = setup();
    const run = spawnSync(process.execPath, [...args, "--auto-approve"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(run.status).toBe(0);
    expect(calls().at(-1)).toMatch(/^apply -input=false /);
  });
});
