/**
 * `deploy` applies exactly the plan it checked, and never a failing one. The decision is tested
 * with a recording runner (no terraform, no AWS); then with real terraform: a failing plan of AWS
 * resources (planned offline) is refused, and a passing plan of `terraform_data` is applied.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../checker/cli/main";
import type { CommandRunner } from "../../checker/cli/command-runner";
import { FIXTURES, fixturePlan } from "../helpers/fixtures";
import { synthOut } from "../helpers/synth-out";
import { terraformAvailability } from "../helpers/terraform";

/**
 * Records every command; `terraform show -json` answers with a given plan (or, per stack folder,
 * with `shown[stack]`: the plan, then with `state` what the applied stack is).
 */
function recorder(planJson: string, shown: Record<string, { plan: string; state?: string }> = {}) {
  const calls: string[] = [];
  const runner: CommandRunner = (command, args, { cwd }) => {
    const stack = path.basename(cwd);
    calls.push(`${stack}: ${command} ${args.join(" ")}`);
    // terraform plan -out writes the plan file.
    const out = args.find((a) => a.startsWith("-out="));
    if (out) fs.writeFileSync(path.resolve(cwd, out.slice("-out=".length)), `plan of ${stack}`);
    if (args[0] !== "show") return { status: 0, stdout: "" };
    const answer = shown[stack];
    return { status: 0, stdout: args.length > 2 ? (answer?.plan ?? planJson) : (answer?.state ?? answer?.plan ?? planJson) };
  };
  return { calls, runner };
}

/** The private plan file of a run, wherever it is, as `<plan>`. */
const PRIVATE_PLAN = /[^\s=]*eks-sg-policy-plan-[^/\s]+\/[^/\s]+\.tfplan/g;
const named = (calls: readonly string[]) => calls.map((c) => c.replace(PRIVATE_PLAN, "<plan>"));
const planFileOf = (calls: readonly string[]) => calls.map((c) => c.match(/ -out=(\S+)$/)?.[1]).find(Boolean);

/** What the fake terminal saw: the questions asked, and whether it was closed. */
interface TerminalLog {
  opened: number;
  questions: string[];
  closed: number;
}

/** Runs deploy with a terminal that answers yes or no to every question, or with none. */
function deploy(args: string[], runner: CommandRunner, answer: boolean | "no terminal" = false, cwd?: string, log: TerminalLog = { opened: 0, questions: [], closed: 0 }) {
  let stdout = "";
  let stderr = "";
  const terminal = () => {
    if (answer === "no terminal") return undefined;
    log.opened += 1;
    return { ask: (question: string) => (log.questions.push(question), answer), close: () => void (log.closed += 1) };
  };
  const code = runCli(["deploy", ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), runner, terminal, cwd, env: {} });
  return { code, stdout, stderr };
}

describe("the decision", () => {
  const out = synthOut({ app: {} });
  const failing = fs.readFileSync(fixturePlan("topo-lt-node-sg-no-rules"), "utf8");
  const passing = fs.readFileSync(fixturePlan("cdktf-ec2-cluster-sg"), "utf8");

  test("a failing check never applies", () => {
    const { calls, runner } = recorder(failing);
    const result = deploy(["--outdir", out, "--auto-approve"], runner);
    expect(result.code).toBe(1);
    expect(named(calls)).toEqual([`${path.basename(process.cwd())}: npx cdktf synth`, "app: terraform init -input=false", "app: terraform plan -input=false -out=<plan>", "app: terraform show -json <plan>"]);
    expect(result.stderr).toMatch(/fails the check; it was not applied/);
    expect(result.stdout).toMatch(/FAIL - aws_eks_node_group\.workers - node-to-apiserver/);
  });

  test("a passing check applies the saved plan file, not a new plan", () => {
    const { calls, runner } = recorder(passing);
    const result = deploy(["--outdir", out, "--skip-synth", "--auto-approve"], runner);
    expect(result.code).toBe(0);
    const file = planFileOf(calls);
    expect(calls.slice(-2)).toEqual([`app: terraform show -json ${file}`, `app: terraform apply -input=false ${file}`]);
    expect(calls.filter((c) => c.includes(" plan "))).toHaveLength(1);
  });

  test("each run plans into a folder of its own (mode 0700, outside the stack's folder) and removes it afterwards", () => {
    const modes: string[] = [];
    const runs = [recorder(passing), recorder(passing)].map(({ calls, runner }) => {
      const watching: CommandRunner = (command, args, options) => {
        const result = runner(command, args, options);
        if (args[0] === "plan") modes.push((fs.statSync(path.dirname(planFileOf(calls)!)).mode & 0o777).toString(8));
        return result;
      };
      expect(deploy(["--outdir", out, "--skip-synth", "--auto-approve"], watching).code).toBe(0);
      return planFileOf(calls)!;
    });
    // Two deploys of one stack never share a file (they used to share stacks/app/eks-sg-policy.tfplan).
    expect(runs[0]).not.toBe(runs[1]);
    for (const file of runs) {
      expect(path.isAbsolute(file) && !file.startsWith(out)).toBe(true);
      expect(fs.existsSync(path.dirname(file))).toBe(false);
    }
    expect(modes).toEqual(["700", "700"]);
    expect(fs.readdirSync(path.join(out, "stacks/app"))).toEqual(["cdk.tf.json"]);
  });

  test("a plan file that changes after its check is not applied: exit 2, saying so", () => {
    const { calls, runner } = recorder(passing);
    const swapping: CommandRunner = (command, args, options) => {
      const result = runner(command, args, options);
      if (args[0] === "show") fs.writeFileSync(path.resolve(options.cwd, args[2]), "another plan");
      return result;
    };
    const result = deploy(["--outdir", out, "--skip-synth", "--auto-approve"], swapping);
    expect(result.code).toBe(2);
    expect(calls.some((c) => c.includes(" apply "))).toBe(false);
    expect(result.stderr).toMatch(/^eks-sg-policy: the saved plan of stack app changed after it was checked \(sha256 [0-9a-f]{64}, now [0-9a-f]{64}\); it was not applied/m);
    expect(fs.existsSync(path.dirname(planFileOf(calls)!))).toBe(false);
  });

  test("without --auto-approve it asks on the terminal, and only yes applies", () => {
    const no = recorder(passing);
    const asked: TerminalLog = { opened: 0, questions: [], closed: 0 };
    expect(deploy(["--outdir", out, "--skip-synth"], no.runner, false, undefined, asked).code).toBe(0);
    expect(no.calls.some((c) => c.includes("apply"))).toBe(false);
    expect(asked).toEqual({ opened: 1, questions: ['Apply the checked plan of stack app? Only "yes" applies: '], closed: 1 });
    const yes = recorder(passing);
    deploy(["--outdir", out, "--skip-synth"], yes.runner, true);
    expect(named(yes.calls).at(-1)).toBe("app: terraform apply -input=false <plan>");
  });

  test("without a terminal and without --auto-approve: exit 2 naming --auto-approve, before the synth or any terraform step", () => {
    const { calls, runner } = recorder(passing);
    const result = deploy(["--outdir", out], runner, "no terminal");
    expect([result.code, calls]).toEqual([2, []]);
    expect(result.stderr).toBe("eks-sg-policy: no terminal to ask before applying (stdin is not a terminal); pass --auto-approve to apply the plans that pass the check without asking, as in CI\n");
  });

  test("with --auto-approve no terminal is opened or needed", () => {
    const { calls, runner } = recorder(passing);
    const asked: TerminalLog = { opened: 0, questions: [], closed: 0 };
    expect(deploy(["--outdir", out, "--skip-synth", "--auto-approve"], runner, false, undefined, asked).code).toBe(0);
    expect(asked.opened).toBe(0);
    expect(named(calls).at(-1)).toBe("app: terraform apply -input=false <plan>");
    expect(deploy(["--outdir", out, "--skip-synth", "--auto-approve"], recorder(passing).runner, "no terminal").code).toBe(0);
  });

  describe("a failed synth", () => {
    /** A synth command that fails; `gateStops` are what the gate would record before it fails. */
    const failingSynth = (gateStops: object[]) => {
      const { calls, runner } = recorder(passing);
      const synth: CommandRunner = (command, args, options) => {
        const result = runner(command, args, options);
        if (command !== "npx") return result;
        const file = options.env?.EKS_SG_POLICY_GATE_STOPS;
        for (const stop of gateStops) fs.appendFileSync(file!, `${JSON.stringify(stop)}\n`);
        return { status: 1, stdout: "" };
      };
      return { calls, runner: synth };
    };

    test("stopped by the synth-time gate is a failing check: exit 1, naming the stacks, nothing planned", () => {
      const { calls, runner } = failingSynth([{ stack: "app", findings: 5 }, { stack: "app", findings: 5 }, { stack: "net", findings: 1 }]);
      const result = deploy(["--outdir", out, "--auto-approve"], runner);
      expect(result.code).toBe(1);
      expect(calls).toEqual([`${path.basename(process.cwd())}: npx cdktf synth`]);
      expect(result.stderr).toMatch(
        /^eks-sg-policy deploy: the synth-time gate \(EksPolicyGate\) stopped the synth on failing checks in stacks app \(5 findings\), net \(1 finding\); fix the resources in its ERROR lines above \(or tune the gate: docs\/gate\.md\); nothing was planned or applied\n$/m,
      );
    });

    test("for any other reason is exit 2", () => {
      const { calls, runner } = failingSynth([]);
      const result = deploy(["--outdir", out, "--auto-approve"], runner);
      expect(result.code).toBe(2);
      expect(calls).toHaveLength(1);
      expect(result.stderr).toContain(`eks-sg-policy: the synth command (npx cdktf synth) failed with exit code 1 in ${process.cwd()}; nothing was planned or applied\n`);
    });
  });

  test("a failing terraform step stops everything with exit 2", () => {
    const runner: CommandRunner = (_c, args) => ({ status: args[0] === "plan" ? 1 : 0, stdout: "" });
    const result = deploy(["--outdir", out, "--skip-synth", "--auto-approve"], runner);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/terraform plan failed with exit code 1 .*nothing more was applied/);
  });

  test("a failing apply is passed through honestly: what may have changed, terraform's exit code, exit 3", () => {
    const { calls, runner } = recorder(passing);
    const failingApply: CommandRunner = (command, args, options) => (args[0] === "apply" ? (runner(command, args, options), { status: 5, stdout: "" }) : runner(command, args, options));
    const result = deploy(["--outdir", out, "--skip-synth", "--auto-approve"], failingApply);
    expect(result.code).toBe(3);
    expect(calls.at(-1)).toMatch(/^app: terraform apply /);
    const dir = path.join(out, "stacks/app");
    expect(result.stderr).toContain(`eks-sg-policy deploy: the apply of stack app failed with terraform's exit code 5; resources may have changed: run \`terraform plan\` in ${dir} to see what is there now\n`);
    expect(result.stderr).not.toMatch(/nothing (more )?was applied/);
  });

  test("an apply stopped by a signal says so", () => {
    const { runner } = recorder(passing);
    const killed: CommandRunner = (command, args, options) => (args[0] === "apply" ? { status: 1, signal: "SIGINT", stdout: "" } : runner(command, args, options));
    const result = deploy(["--outdir", out, "--skip-synth", "--auto-approve"], killed);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the apply of stack app was stopped by SIGINT; resources may have changed: run `terraform plan` in \S+ to see what is there now\n/);
  });

  test("its report is check's on the same plan with the same configuration, waivers and plugins", () => {
    const config = path.join(out, "eks-sg-policy.config.json");
    fs.writeFileSync(config, JSON.stringify({ policies: { "node-dns": { enabled: false } }, waivers: [{ policy: "public-endpoint", address: "aws_eks_cluster.*", reason: "Reachable through the proxy only", owner: "@sec", expires: "2099-01-01" }] }));
    const { runner } = recorder(failing);
    const deployed = deploy(["--outdir", out, "--skip-synth", "--auto-approve", "--config", config], runner);
    let checked = "";
    const checkCode = runCli(["check", fixturePlan("topo-lt-node-sg-no-rules"), "--config", config], { stdout: (t) => (checked += t), stderr: () => undefined, env: {} });
    expect(deployed.stdout).toBe(checked);
    expect(deployed.stdout).toMatch(/^EXCEPTION - aws_eks_cluster\.this - public-endpoint - /m);
    expect(deployed.stdout).not.toMatch(/^\w+ - \S+ - node-dns - /m);
    expect(deployed.stdout).toMatch(/^CONFIG WEAKENS - the configuration .* weakens the check: turns off node-dns; waives 1 finding pattern$/m);
    expect([deployed.code, checkCode]).toEqual([1, 1]);
  });

  test("several stacks need a name; a wrong name lists them", () => {
    const two = synthOut({ a: {}, b: {} });
    expect(deploy(["--outdir", two, "--skip-synth"], recorder(passing).runner).stderr).toMatch(/name the stacks to deploy: one or more of a, b, or .\*. for all/);
    expect(deploy(["c", "--outdir", two, "--skip-synth"], recorder(passing).runner).stderr).toMatch(/no stack "c" .* stacks: a, b/);
  });
});

describe("several stacks", () => {
  const failing = fs.readFileSync(fixturePlan("topo-lt-node-sg-no-rules"), "utf8");
  const passing = fs.readFileSync(fixturePlan("cdktf-ec2-cluster-sg"), "utf8");
  // zeta ← mid ← alpha: the order is the dependencies', not the names'.
  const out = synthOut({ alpha: {}, mid: {}, zeta: {} }, { alpha: ["mid"], mid: ["zeta"] });
  const steps = (calls: readonly string[]) => calls.filter((c) => / terraform (plan|apply) /.test(c)).map((c) => c.replace(/ -input=false| -out=\S+| \S+\.tfplan/g, ""));

  test("'*' deploys every stack after those it depends on: each planned, checked and applied before the next is planned", () => {
    const { calls, runner } = recorder(passing);
    const result = deploy(["*", "--outdir", out, "--skip-synth", "--auto-approve"], runner);
    expect(result.code).toBe(0);
    expect(steps(calls)).toEqual(["zeta: terraform plan", "zeta: terraform apply", "mid: terraform plan", "mid: terraform apply", "alpha: terraform plan", "alpha: terraform apply"]);
    expect(result.stderr).toMatch(/stacks in order: zeta, mid, alpha/);
    // The applied stacks' states are read for the checks after them (not after the last one).
    expect(calls.filter((c) => c.endsWith("terraform show -json"))).toEqual(["zeta: terraform show -json", "mid: terraform show -json"]);
  });

  test("named stacks only, still in dependency order", () => {
    const { calls, runner } = recorder(passing);
    expect(deploy(["alpha", "zeta", "--outdir", out, "--skip-synth", "--auto-approve"], runner).code).toBe(0);
    expect(steps(calls)).toEqual(["zeta: terraform plan", "zeta: terraform apply", "alpha: terraform plan", "alpha: terraform apply"]);
  });

  test("nothing is planned or applied after the first stack that fails its check", () => {
    const { calls, runner } = recorder(passing, { mid: { plan: failing } });
    const result = deploy(["*", "--outdir", out, "--skip-synth", "--auto-approve"], runner);
    expect(result.code).toBe(1);
    expect(steps(calls)).toEqual(["zeta: terraform plan", "zeta: terraform apply", "mid: terraform plan"]);
    expect(result.stderr).toMatch(/the plan of stack mid fails the check; it was not applied\n.*not planned or applied: alpha/s);
  });

  test("a failed apply stops the stacks after it, with exit 3", () => {
    const { calls, runner } = recorder(passing);
    const failingMid: CommandRunner = (command, args, options) => {
      const result = runner(command, args, options);
      return args[0] === "apply" && path.basename(options.cwd) === "mid" ? { status: 1, stdout: "" } : result;
    };
    const result = deploy(["*", "--outdir", out, "--skip-synth", "--auto-approve"], failingMid);
    expect(result.code).toBe(3);
    expect(steps(calls)).toEqual(["zeta: terraform plan", "zeta: terraform apply", "mid: terraform plan", "mid: terraform apply"]);
    expect(result.stderr).toMatch(/the apply of stack mid failed with terraform's exit code 1; resources may have changed: .*\n.*not planned or applied: alpha\n$/);
  });

  test("a stack not confirmed stops the ones after it, with exit 0", () => {
    const { calls, runner } = recorder(passing);
    const result = deploy(["*", "--outdir", out, "--skip-synth"], runner, false);
    expect(result.code).toBe(0);
    expect(steps(calls)).toEqual(["zeta: terraform plan"]);
    expect(result.stderr).toMatch(/stack zeta not applied\n.*not planned or applied: mid, alpha/s);
  });

  test("each stack is checked with the stacks applied before it as context (the cluster's state decides the nodes' flows)", () => {
    const split = (file: string) => fs.readFileSync(path.join(FIXTURES, "split/cdktf", file), "utf8");
    const app = synthOut({ cluster: {}, addons: {}, nodes: {} }, { addons: ["cluster"], nodes: ["cluster", "addons"] });
    const shown = {
      cluster: { plan: split("cluster/plan.json"), state: split("cluster/state.json") },
      addons: { plan: split("addons/plan.json") },
      nodes: { plan: split("nodes/plan.json") },
    };
    const { calls, runner } = recorder(passing, shown);
    const result = deploy(["*", "--outdir", app, "--skip-synth", "--auto-approve"], runner);
    expect(steps(calls)).toEqual(["cluster: terraform plan", "cluster: terraform apply", "addons: terraform plan", "addons: terraform apply", "nodes: terraform plan"]);
    expect(result.code).toBe(1);
    // Decided, not unknown: the node SG and the cluster SG come from the applied stacks.
    expect(result.stdout).toMatch(/^FAIL - aws_eks_node_group\.workers - node-dns - DNS between nodes of this class/m);
    expect(result.stdout).not.toMatch(/node-to-apiserver|^UNKNOWN/m);
  });

  test("stacks that depend on each other are a usage error before anything runs", () => {
    const loop = synthOut({ a: {}, b: {} }, { a: ["b"], b: ["a"] });
    const { calls, runner } = recorder(passing);
    const result = deploy(["*", "--outdir", loop, "--skip-synth"], runner);
    expect([result.code, calls]).toEqual([2, []]);
    expect(result.stderr).toMatch(/depend on each other: a → b → a/);
  });
});

const { mirror, skipReason } = terraformAvailability();
(skipReason ? describe.skip : describe)(`with real terraform${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  const previous = process.env.TF_CLI_CONFIG_FILE;
  beforeAll(() => {
    const rc = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-tfrc-")), "terraformrc");
    fs.writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct { exclude = ["registry.terraform.io/hashicorp/*"] }\n}\n`);
    process.env.TF_CLI_CONFIG_FILE = rc;
    process.env.CHECKPOINT_DISABLE = "1";
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.TF_CLI_CONFIG_FILE;
    else process.env.TF_CLI_CONFIG_FILE = previous;
  });
  const quiet: CommandRunner = (command, args, { cwd, capture }) => {
    const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
    const result = spawnSync(command, args, { cwd, encoding: "utf8", env: process.env });
    return { status: result.status ?? 1, stdout: capture ? result.stdout : "" };
  };

  /** `quiet`, remembering the arguments of each terraform step. */
  const recording = (runner: CommandRunner = quiet) => {
    const calls: string[] = [];
    const record: CommandRunner = (command, args, options) => (calls.push(args.join(" ")), runner(command, args, options));
    return { calls, runner: record };
  };

  test("refuses a failing plan: terraform planned it, nothing was applied, no plan file is left", () => {
    const broken = JSON.parse(fs.readFileSync(path.join(path.dirname(fixturePlan("cdktf-broken")), "cdk.tf.json"), "utf8"));
    const out = synthOut({ broken });
    const { calls, runner } = recording();
    const result = deploy(["--outdir", out, "--skip-synth", "--auto-approve"], runner);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL - /m);
    const dir = path.join(out, "stacks/broken");
    expect(fs.existsSync(path.join(dir, "terraform.tfstate"))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tfplan"))).toEqual([]);
    expect(fs.existsSync(path.dirname(planFileOf(calls)!))).toBe(false);
  });

  test("a plan swapped between its check and the apply (by a real plan of another configuration) is not applied", () => {
    const out = synthOut({ local: { resource: { terraform_data: { marker: { input: "checked" } } } } });
    const dir = path.join(out, "stacks/local");
    const config = path.join(dir, "cdk.tf.json");
    // Whoever can write the plan file replaces it, right after `show -json` read it, with a plan of
    // their own configuration (terraform applies a saved plan's own configuration, not the folder's).
    const attacker: CommandRunner = (command, args, options) => {
      const result = quiet(command, args, options);
      if (args[0] === "show" && args.length > 2) {
        const checked = fs.readFileSync(config);
        fs.writeFileSync(config, JSON.stringify({ resource: { terraform_data: { unchecked: { input: "swapped in" } } } }));
        try {
          expect(quiet(command, ["plan", "-input=false", `-out=${args[2]}`], options).status).toBe(0);
        } finally {
          fs.writeFileSync(config, checked);
        }
      }
      return result;
    };
    const { calls, runner } = recording(attacker);
    const result = deploy(["--outdir", out, "--skip-synth", "--auto-approve"], runner);
    const state = path.join(dir, "terraform.tfstate");
    expect(fs.existsSync(state) ? fs.readFileSync(state, "utf8") : "no state").toBe("no state");
    expect(calls.filter((c) => c.startsWith("apply"))).toEqual([]);
    expect(result.stderr).toMatch(/^eks-sg-policy: the saved plan of stack local changed after it was checked \(sha256 [0-9a-f]{64}, now [0-9a-f]{64}\); it was not applied/m);
    expect(result.code).toBe(2);
    expect(fs.existsSync(path.dirname(planFileOf(calls)!))).toBe(false);
  });

  test("an apply that fails after it started says what may have changed, with terraform's exit code (exit 3)", () => {
    // terraform_data.made is created, then the provisioner of terraform_data.fails exits 1.
    const out = synthOut({
      half: {
        resource: {
          terraform_data: {
            made: { input: "made" },
            fails: { input: "fails", depends_on: ["terraform_data.made"], provisioner: [{ "local-exec": { command: "exit 1" } }] },
          },
        },
      },
    });
    const dir = path.join(out, "stacks/half");
    const result = deploy(["--outdir", out, "--skip-synth", "--auto-approve"], quiet);
    expect(result.stderr).toContain(`eks-sg-policy deploy: the apply of stack half failed with terraform's exit code 1; resources may have changed: run \`terraform plan\` in ${dir} to see what is there now\n`);
    expect(result.stderr).not.toMatch(/nothing (more )?was applied/);
    expect(result.code).toBe(3);
    // It did change something: the message was right to say so.
    const state = JSON.parse(fs.readFileSync(path.join(dir, "terraform.tfstate"), "utf8"));
    expect(state.resources.map((r: { name: string }) => r.name)).toContain("made");
  });

  test("applies a passing plan (terraform_data only: nothing leaves this machine)", () => {
    const out = synthOut({ local: { resource: { terraform_data: { marker: { input: "checked" } } } } });
    const result = deploy(["--outdir", out, "--skip-synth", "--auto-approve"], quiet);
    expect(result.stderr).not.toMatch(/failed/);
    expect(result.code).toBe(0);
    const state = JSON.parse(fs.readFileSync(path.join(out, "stacks/local/terraform.tfstate"), "utf8"));
    expect(state.resources.map((r: { type: string; name: string }) => `${r.type}.${r.name}`)).toEqual(["terraform_data.marker"]);
  });

  test("several stacks: each is applied before the next is planned (its outputs read across), and nothing after a failing check", () => {
    const broken = JSON.parse(fs.readFileSync(path.join(path.dirname(fixturePlan("cdktf-broken")), "cdk.tf.json"), "utf8"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-deploy-"));
    const baseState = path.join(out, "stacks/base/terraform.tfstate");
    const stacks = {
      base: { resource: { terraform_data: { marker: { input: "made by base" } } }, output: { "cross-stack-output-marker": { value: "${terraform_data.marker.output}", sensitive: true } } },
      nodes: {
        data: { terraform_remote_state: { "cross-stack-reference-input-base": { backend: "local", config: { path: baseState } } } },
        resource: { terraform_data: { consumer: { input: "${data.terraform_remote_state.cross-stack-reference-input-base.outputs.cross-stack-output-marker}" } } },
      },
      broken,
      last: { resource: { terraform_data: { never: { input: "never" } } } },
    };
    const made = synthOut(stacks, { nodes: ["base"], broken: ["nodes"], last: ["broken"] });
    fs.rmSync(out, { recursive: true });
    fs.renameSync(made, out);
    const result = deploy(["*", "--outdir", out, "--skip-synth", "--auto-approve"], quiet);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stacks in order: base, nodes, broken, last/);
    expect(result.stderr).toMatch(/the plan of stack broken fails the check; it was not applied\n.*not planned or applied: last/s);
    const stateOf = (stack: string) => path.join(out, "stacks", stack, "terraform.tfstate");
    const consumer = (JSON.parse(fs.readFileSync(stateOf("nodes"), "utf8")).resources as { name: string; instances: { attributes: { output: { value: string } } }[] }[]).find((r) => r.name === "consumer");
    // nodes was planned after base was applied: it read base's output from its state.
    expect(consumer?.instances[0].attributes.output.value).toBe("made by base");
    expect(fs.existsSync(stateOf("broken"))).toBe(false);
    expect(fs.readdirSync(path.join(out, "stacks/last"))).toEqual(["cdk.tf.json"]);
  });

  test("honours the configuration and its waivers, as check does: a waived finding no longer blocks the apply", () => {
    // A stack whose AWS resources all exist already (a real state; the plan is no-op for them, so
    // the apply reaches no AWS API) plus a terraform_data marker that the apply creates.
    const existing = path.dirname(fixturePlan("user-eks-module-style-existing"));
    const stackWith = () => {
      const out = synthOut({ nodes: { resource: { terraform_data: { marker: { input: "applied" } } } } });
      const dir = path.join(out, "stacks/nodes");
      fs.copyFileSync(path.join(existing, "main.tf"), path.join(dir, "main.tf"));
      fs.copyFileSync(path.join(existing, "state.tfstate"), path.join(dir, "terraform.tfstate"));
      return { out, dir, applied: () => (JSON.parse(fs.readFileSync(path.join(dir, "terraform.tfstate"), "utf8")).resources as { type: string }[]).some((r) => r.type === "terraform_data") };
    };
    const previousArgs = process.env.TF_CLI_ARGS_plan;
    process.env.TF_CLI_ARGS_plan = "-refresh=false";
    try {
      // The plan's two cluster-sg-detached findings are infos: with failOn info they block.
      const blocked = stackWith();
      const refused = deploy(["--outdir", blocked.out, "--skip-synth", "--auto-approve", "--fail-on", "info", "--no-config"], quiet, false, blocked.dir);
      expect(refused.stdout).toMatch(/^INFO - aws_eks_node_group\.this\["batch"\] - cluster-sg-detached - /m);
      expect(refused.code).toBe(1);
      expect(blocked.applied()).toBe(false);

      const waived = stackWith();
      const config = path.join(waived.out, "eks-sg-policy.config.json");
      fs.writeFileSync(
        config,
        JSON.stringify({
          failOn: "info",
          waivers: [{ policy: "cluster-sg-detached", address: "aws_eks_node_group.this[*]", reason: "Node SG mirrors the cluster SG rules by design", owner: "@platform", expires: "2099-12-31" }],
        }),
      );
      const result = deploy(["--outdir", waived.out, "--skip-synth", "--auto-approve", "--config", config], quiet, false, waived.dir);
      expect(result.stdout).toMatch(/^EXCEPTION - aws_eks_node_group\.this\["batch"\] - cluster-sg-detached - /m);
      expect(result.stdout).toMatch(/0 failures, 2 exceptions\n$/);
      expect(result.code).toBe(0);
      expect(waived.applied()).toBe(true);
    } finally {
      if (previousArgs === undefined) delete process.env.TF_CLI_ARGS_plan;
      else process.env.TF_CLI_ARGS_plan = previousArgs;
    }
  });
});
