/**
 * docs/getting-started-cdktf.md, followed as written by a new user: in an empty folder beside the
 * packed tarball, each ```sh block of the page runs in order (in the folder its `cd` left), and each
 * block titled `title=<file>` is written to that file when the page reaches it. Other blocks (output,
 * the offline settings, the mirror configuration) are only shown.
 *
 * Two things are added, as the page's last section describes: the plan runs offline, so before the
 * first terraform step the synthesized stack gets the offline provider settings and the mirror's
 * provider version (the helper the other terraform tests use), and terraform installs from the
 * filesystem mirror. Without terraform or the mirror, the plan steps skip and say so.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../helpers/fixtures";
import { MIRROR_AWS_VERSION, offlineTerraformJson } from "../helpers/offline-terraform";
import { NPM_ENV, packTarball } from "../helpers/pack";
import { terraformAvailability } from "../helpers/terraform";

const PAGE = "docs/getting-started-cdktf.md";

jest.setTimeout(600_000);

interface Block {
  readonly lang: string;
  readonly title?: string;
  readonly body: string;
}

function blocks(): Block[] {
  const text = fs.readFileSync(path.join(ROOT, PAGE), "utf8");
  return [...text.matchAll(/^```(\w*)(?: title=(\S+))?\n([\s\S]*?)\n```$/gm)].map((m) => ({ lang: m[1], title: m[2], body: m[3] }));
}

const steps = blocks().filter((b) => b.title !== undefined || b.lang === "sh");
const isTerraform = (b: Block) => /^terraform /m.test(b.body);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-getting-started-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const { mirror, skipReason } = terraformAvailability();
const rc = path.join(work, "terraformrc");
const env: NodeJS.ProcessEnv = { ...NPM_ENV, npm_config_prefer_offline: "true", TF_CLI_CONFIG_FILE: rc, TF_IN_AUTOMATION: "1" };

let cwd = work;

/** Writes a titled block, or runs a sh block with bash -e, following its `cd`. */
function follow(block: Block): string {
  if (block.title !== undefined) {
    fs.writeFileSync(path.join(cwd, block.title), `${block.body}\n`);
    return "";
  }
  const result = spawnSync("bash", ["-e", "-o", "pipefail", "-c", block.body], { cwd, env, encoding: "utf8", timeout: 300_000 });
  if (result.status !== 0) throw new Error(`${PAGE}: the step\n${block.body}\nexited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  for (const match of block.body.matchAll(/(?:^|&& )cd (\S+)/gm)) cwd = path.resolve(cwd, match[1]);
  // terraform colours its output, as it does for a user; the lines after it are read without colour.
  return result.stdout.replace(/\x1b\[[0-9;]*m/g, "");
}

beforeAll(() => {
  const { tarball } = packTarball(work);
  expect(path.basename(tarball)).toBe("eks-sg-policy-0.1.0.tgz"); // the name the page installs
  if (mirror) fs.writeFileSync(rc, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct { exclude = ["registry.terraform.io/hashicorp/*"] }\n}\n`);
});

test("the page has the steps this test follows", () => {
  expect(steps.map((b) => b.title ?? b.lang)).toEqual(["sh", "tsconfig.json", "main.ts", "sh", "sh"]);
  expect(steps.filter(isTerraform)).toHaveLength(1);
});

test("the project installs, synthesizes through the gate, and its stack passes the check", () => {
  const before = steps.slice(0, steps.findIndex(isTerraform));
  const outputs = before.map(follow);
  expect(cwd).toBe(path.join(work, "eks-app"));
  const manifest = JSON.parse(fs.readFileSync(path.join(cwd, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  expect(Object.keys(manifest.dependencies).sort()).toEqual(["@cdktf/provider-aws", "cdktf", "constructs", "eks-sg-policy"]);
  expect(fs.existsSync(path.join(cwd, "node_modules/cdktf-cli"))).toBe(false);
  const check = outputs[outputs.length - 1];
  expect(check).toMatch(/^INFO - aws_eks_node_group\.workers_node-group_770A9CDD - cluster-sg-detached - /m);
  expect(check).not.toMatch(/^(FAIL|WARN|UNKNOWN) /m);
  // The pin the page explains is what the stack says.
  const stack = JSON.parse(fs.readFileSync(path.join(cwd, "cdktf.out/stacks/eks/cdk.tf.json"), "utf8"));
  expect(stack.terraform.required_providers.aws).toEqual({ source: "aws", version: "6.25.0" });
});

(skipReason ? test.skip : test)(`terraform plans the stack with the provider pinned, and the plan passes the check${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  expect(fs.existsSync(path.join(cwd, "cdktf.out/stacks/eks/cdk.tf.json"))).toBe(true);
  const file = path.join(cwd, "cdktf.out/stacks/eks/cdk.tf.json");
  fs.writeFileSync(file, JSON.stringify(offlineTerraformJson(JSON.parse(fs.readFileSync(file, "utf8")))));
  const rest = steps.slice(steps.findIndex(isTerraform));
  const outputs = rest.map(follow);
  const plan = JSON.parse(fs.readFileSync(path.join(cwd, "plan.json"), "utf8"));
  expect(plan.configuration.provider_config.aws.version_constraint).toBe(MIRROR_AWS_VERSION);
  expect(plan.resource_changes.filter((c: { type: string }) => c.type === "aws_eks_node_group")).toHaveLength(1);
  const check = outputs[outputs.length - 1];
  expect(check).toMatch(/^INFO - aws_eks_node_group\.workers_node-group_770A9CDD - cluster-sg-detached - /m);
  expect(check).not.toMatch(/^(FAIL|WARN|UNKNOWN) /m);
});
