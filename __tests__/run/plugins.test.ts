/**
 * User policies: the example plugin of docs/writing-policies.md, run as written through `check`
 * (every format, configuration, waivers), and every way a plugin can be wrong ending in one line
 * and exit code 2.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../checker/cli/main";
import { CONFIG_FILE_NAME } from "../../checker/config";
import { docBlock } from "../helpers/doc-blocks";
import { fixturePlan } from "../helpers/fixtures";
import { policies } from "../../policies";

const PLAN = fixturePlan("plugin-org-rules");
const MESH = 'module.nodes["mesh"]';
const BATCH = 'module.nodes["batch"]';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-plugins-"));
  fs.writeFileSync(path.join(dir, "org-policies.js"), docBlock("docs/writing-policies.md", "org-policies.js"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in `cwd` (default: the plugin folder) with no configuration unless one is there. */
function run(args: string[], cwd = dir) {
  let stdout = "";
  let stderr = "";
  const code = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: {}, now: () => new Date("2026-11-30T12:00:00Z") });
  return { code, stdout, stderr };
}

/** A fresh folder holding plugin files (each case its own: Node caches a module by its path). */
function folderWith(files: Record<string, string>): string {
  const folder = fs.mkdtempSync(path.join(dir, "case-"));
  for (const [name, source] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), source);
  return folder;
}

interface JsonFinding {
  policy: string;
  address: string;
  status: string;
  severity: string;
  messageId: string;
  data: Record<string, unknown>;
}

const pluginFindings = (stdout: string): string[] =>
  (JSON.parse(stdout).findings as JsonFinding[]).filter((f) => f.policy.startsWith("acme-")).map((f) => `${f.status} ${f.severity} ${f.policy} ${f.address}`);

describe("the example plugin of docs/writing-policies.md", () => {
  test("runs with the built-in policies: its findings, message ids and facts are in the JSON report", () => {
    const result = run(["check", PLAN, "--plugin", "./org-policies.js", "--format", "json"]);
    expect(result.stderr).toBe("");
    expect(pluginFindings(result.stdout)).toEqual([
      `fail error acme-istio-webhook ${BATCH}.aws_eks_node_group.this`,
      `fail warning acme-sg-owner-tag ${BATCH}.aws_security_group.node`,
    ]);
    const report = JSON.parse(result.stdout);
    const owner = (report.findings as JsonFinding[]).find((f) => f.policy === "acme-sg-owner-tag")!;
    expect(owner).toMatchObject({ messageId: "missing", data: { sg: `${BATCH}.aws_security_group.node`, nodes: [`${BATCH}.aws_eks_node_group.this`], tag: "owner" } });
    const webhook = (report.findings as JsonFinding[]).find((f) => f.policy === "acme-istio-webhook")!;
    expect(webhook).toMatchObject({ messageId: "flow-blocked", data: { ports: ["TCP 15017"], missing: ["ingress"], addIngressOn: `${BATCH}.aws_security_group.node` } });
    // The built-in policies still run: the plugin adds 2 policies to the summary.
    expect(report.summary.policies).toBe(policies.length + 2);
    expect(result.code).toBe(1);
  });

  test("text and SARIF carry its findings and its rules", () => {
    const text = run(["check", PLAN, "--plugin", "./org-policies.js"]).stdout;
    expect(text).toContain(`FAIL - ${BATCH}.aws_eks_node_group.this - acme-istio-webhook - API server → Istio injection webhook (`);
    expect(text).toContain(`WARN - ${BATCH}.aws_security_group.node - acme-sg-owner-tag - ${BATCH}.aws_security_group.node is on ${BATCH}.aws_eks_node_group.this but has no "owner" tag`);
    const sarif = JSON.parse(run(["check", PLAN, "--plugin", "./org-policies.js", "--format", "sarif"]).stdout);
    const rules = sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
    expect(rules).toEqual(expect.arrayContaining(["acme-istio-webhook", "acme-sg-owner-tag"]));
    expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(expect.arrayContaining(["acme-istio-webhook", "acme-sg-owner-tag"]));
  });

  test("named in the configuration: options, severities and waivers apply to its policies", () => {
    const project = fs.mkdtempSync(path.join(dir, "project-"));
    fs.copyFileSync(path.join(dir, "org-policies.js"), path.join(project, "org-policies.js"));
    fs.writeFileSync(
      path.join(project, CONFIG_FILE_NAME),
      JSON.stringify({
        plugins: ["./org-policies.js"],
        policies: { "acme-sg-owner-tag": { severity: "error", options: { tag: "team" } } },
        waivers: [{ policy: "acme-istio-webhook", address: `${BATCH}.*`, reason: "Batch pods are never injected", owner: "@mesh", expires: "2027-06-30" }],
      }),
    );
    const result = run(["check", PLAN, "--format", "json"], project);
    expect(result.stderr).toBe("");
    expect(pluginFindings(result.stdout)).toEqual([
      `waived error acme-istio-webhook ${BATCH}.aws_eks_node_group.this`,
      // Options: the mesh SG has "owner" but not "team".
      `fail error acme-sg-owner-tag ${BATCH}.aws_security_group.node`,
      `fail error acme-sg-owner-tag ${MESH}.aws_security_group.node`,
    ]);
    // Plugin paths in the file are read from the file's folder, wherever the run starts.
    expect(run(["check", PLAN, "--config", path.join(project, CONFIG_FILE_NAME), "--format", "json"], os.tmpdir()).code).toBe(1);
  });

  test("list shows its policies with the built-in ones", () => {
    const list = run(["list", "--plugin", "./org-policies.js"]).stdout;
    expect(list).toMatch(/^acme-istio-webhook +error +The control plane reaches Istio's injection webhook/m);
    expect(list).toMatch(/^world-ingress +error/m);
  });
});

describe("a wrong plugin is one line and exit code 2", () => {
  const cases: [string, string, RegExp][] = [
    ["not found", "", /^eks-sg-policy: plugin \.\/missing\.js: cannot be found from .*\. Give a path \(\.\/rules\.js\) or the name of an installed package\n$/],
    ["throws while loading", "throw new Error('boom');", /^eks-sg-policy: plugin \.\/p\.js: threw while loading \(Error: boom\)\. Fix the module, or remove it from --plugin \/ plugins\n$/],
    ["exports no policies", "module.exports = { rules: [] };", /^eks-sg-policy: plugin \.\/p\.js: does not export `policies`\. Export an array/],
    ["a policy without check", "module.exports = { policies: [{ meta: {} }] };", /^eks-sg-policy: plugin \.\/p\.js: policies\[0\]\.check is not a function/],
    [
      "meta without messages",
      "module.exports = { policies: [{ meta: { id: 'acme-x', severity: 'error', title: 't', rationale: 'r' }, check: () => [] }] };",
      /^eks-sg-policy: plugin \.\/p\.js: .*has no "messages"/,
    ],
    [
      "an id that is not kebab-case",
      "module.exports = { policies: [{ meta: { id: 'Acme X', severity: 'error', title: 't', rationale: 'r', messages: {} }, check: () => [] }] };",
      /^eks-sg-policy: plugin \.\/p\.js: .*\.id is "Acme X"/,
    ],
    [
      "an id of a built-in policy",
      "module.exports = { policies: [{ meta: { id: 'node-dns', severity: 'error', title: 't', rationale: 'r', messages: {} }, check: () => [] }] };",
      /^eks-sg-policy: plugin \.\/p\.js: defines policy "node-dns", which the built-in policies already define\. Give the plugin's policy another id/,
    ],
    [
      "a check that throws",
      "module.exports = { policies: [{ meta: { id: 'acme-x', severity: 'error', title: 't', rationale: 'r', messages: {} }, check: () => { throw new TypeError('bad'); } }] };",
      /^eks-sg-policy: policy acme-x \(plugin \.\/p\.js\) threw "TypeError: bad" on .*plan\.json; fix the plugin, or leave it out of --plugin \/ plugins\n$/,
    ],
    [
      "a check that returns no array",
      "module.exports = { policies: [{ meta: { id: 'acme-x', severity: 'error', title: 't', rationale: 'r', messages: {} }, check: () => 'ok' }] };",
      /^eks-sg-policy: policy acme-x \(plugin \.\/p\.js\) returned something other than an array of results/,
    ],
    [
      "a fail without a messageId",
      "module.exports = { policies: [{ meta: { id: 'acme-x', severity: 'error', title: 't', rationale: 'r', messages: {} }, check: () => [{ address: 'a', status: 'fail' }] }] };",
      /^eks-sg-policy: policy acme-x \(plugin \.\/p\.js\) has a message problem: policy acme-x returned a fail result for a without a messageId/,
    ],
    [
      "a template showing a fact the result lacks",
      "module.exports = { policies: [{ meta: { id: 'acme-x', severity: 'error', title: 't', rationale: 'r', messages: { m: '{{sg}} is open' } }, check: () => [{ address: 'a', status: 'fail', messageId: 'm', data: {} }] }] };",
      /^eks-sg-policy: policy acme-x \(plugin \.\/p\.js\) has a message problem: message "m" of policy acme-x shows \{\{sg\}\}, but the result has no fact "sg"/,
    ],
  ];
  test.each(cases)("%s", (_name, source, expected) => {
    const spec = source === "" ? "./missing.js" : "./p.js";
    const result = run(["check", PLAN, "--plugin", spec], folderWith(source === "" ? {} : { "p.js": source }));
    expect(result.stderr).toMatch(expected);
    expect(result.stderr.trimEnd()).not.toContain("\n");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
  });

  test("two plugins defining one id", () => {
    const policy = "module.exports = { policies: [{ meta: { id: 'acme-x', severity: 'error', title: 't', rationale: 'r', messages: {} }, check: () => [] }] };";
    const result = run(["check", PLAN, "--plugin", "./one.js", "--plugin", "./two.js"], folderWith({ "one.js": policy, "two.js": policy }));
    expect(result.stderr).toBe('eks-sg-policy: plugin ./two.js: defines policy "acme-x", which plugin ./one.js already define. Give the plugin\'s policy another id (an organisation prefix such as acme-…)\n');
    expect(result.code).toBe(2);
  });

  test("the same plugin named on the command line and in the configuration is loaded once", () => {
    const project = fs.mkdtempSync(path.join(dir, "twice-"));
    fs.copyFileSync(path.join(dir, "org-policies.js"), path.join(project, "org-policies.js"));
    fs.writeFileSync(path.join(project, CONFIG_FILE_NAME), JSON.stringify({ plugins: ["./org-policies.js"] }));
    const result = run(["check", PLAN, "--plugin", "./org-policies.js", "--format", "json"], project);
    expect(result.stderr).toBe("");
    expect(pluginFindings(result.stdout)).toHaveLength(2);
  });
});
