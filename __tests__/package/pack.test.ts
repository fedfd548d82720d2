/**
 * The package as users get it: `npm pack`, install the tarball into a scratch project, then use it
 * by name only — the CLI through npx, the three entry points with require, and their types with tsc.
 *
 * The tarball is made by a plain `npm pack` (its prepack and postpack scripts included) in a staging
 * copy of the sources, so that the build it runs does not rewrite the repo's dist/ while other
 * tests read it. The scratch project installs the tarball as a user does, scripts allowed, from
 * the registry or npm's cache (its few small dependencies), and links the peer dependencies (cdktf,
 * constructs, @cdktf/provider-aws, 400 MB) from the repo's node_modules.
 */
import type { SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { docBlock } from "../helpers/doc-blocks";
import { ok, packTarball, sh } from "../helpers/pack";

const ROOT = path.resolve(__dirname, "../..");
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");
const PEERS = ["cdktf", "constructs", "@cdktf/provider-aws"];
const PLAN = path.join(ROOT, "__tests__/fixtures/tf/p-cluster-defaults/plan.json");

jest.setTimeout(300_000);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-pack-"));
const scratch = path.join(work, "scratch");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let staging = "";
let tarball = "";
let packedFiles: readonly string[] = [];
let installOutput = "";

beforeAll(() => {
  ({ tarball, files: packedFiles, staging } = packTarball(work));
  fs.mkdirSync(scratch);
  fs.writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "scratch", version: "1.0.0", private: true }));
  // --legacy-peer-deps: leave the peers out (linked below); --prefer-offline: npm ci has cached the rest.
  const install = sh("npm", ["install", tarball, "--prefer-offline", "--legacy-peer-deps", "--no-audit", "--no-fund"], scratch);
  ok(install, "npm install <tarball>");
  installOutput = install.stdout + install.stderr;
  for (const peer of PEERS) {
    const link = path.join(scratch, "node_modules", peer);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, "node_modules", peer), link, "dir");
  }
});

const installed = () => path.join(scratch, "node_modules/eks-sg-policy");
const hasModules = () => fs.existsSync(path.join(installed(), "dist/modules/index.js"));

test("the tarball holds the compiled entry points, the bin, the docs and the licence, and no tests or example app", () => {
  for (const file of ["LICENSE", "bin/eks-sg-policy.js", "dist/cli.js", "dist/checker/index.js", "dist/checker/index.d.ts", "dist/modules/policy/testing.js", "dist/modules/policy/testing.d.ts", "dist/modules/policy/gate.js", "docs/gate.md", "schemas/config.schema.json"]) {
    expect(packedFiles).toContain(file);
  }
  expect(packedFiles.filter((f) => f.startsWith("__tests__/") || /\.test\./.test(f))).toEqual([]);
  // The example CDKTF app (main.ts) is the repository's, not the package's.
  expect(packedFiles.filter((f) => /(^|\/)main\.(ts|js|d\.ts|js\.map)$/.test(f) && !f.includes("/cli/"))).toEqual([]);
  expect(packedFiles.filter((f) => f.startsWith("cdktf.out/") || f === "cdktf.json" || f.startsWith("examples/") || f.startsWith("bench/"))).toEqual([]);
});

test("npm pack leaves package.json as it was, and packs it without scripts", () => {
  expect(fs.readFileSync(path.join(staging, "package.json"), "utf8")).toBe(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  expect(fs.existsSync(path.join(staging, "package.json.packing"))).toBe(false);
  const manifest = JSON.parse(fs.readFileSync(path.join(installed(), "package.json"), "utf8")) as { scripts?: object; homepage?: string };
  expect(manifest.scripts).toBeUndefined();
  // ... while the repository keeps `prepare`, which builds installs from git.
  expect((JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.prepare).toBe("npm run build");
});

test("installing the tarball warns about no install script", () => {
  expect(installOutput).not.toMatch(/install-scripts|allowScripts|prepare/);
  expect(installOutput).toMatch(/added \d+ packages?/);
});

test("every source map in the package points at sources that ship with it", () => {
  const maps = packedFiles.filter((f) => f.endsWith(".js.map"));
  expect(maps.length).toBeGreaterThan(0);
  const missing: string[] = [];
  for (const map of maps) {
    const { sources, sourceRoot = "", sourcesContent = [] } = JSON.parse(fs.readFileSync(path.join(installed(), map), "utf8")) as { sources: string[]; sourceRoot?: string; sourcesContent?: (string | null)[] };
    sources.forEach((source, i) => {
      // The command's bundle carries the text of the packages it holds (commander, ipaddr.js, picomatch)
      // and of the module its build writes (lazy-builtin:child_process, scripts/bundle-cli.js).
      if ((source.startsWith("../node_modules/") || source.startsWith("lazy-builtin:")) && typeof sourcesContent[i] === "string") return;
      const file = path.resolve(path.dirname(path.join(installed(), map)), sourceRoot, source);
      if (!fs.existsSync(file)) missing.push(`${map} → ${source}`);
    });
  }
  expect(missing).toEqual([]);
  // And every compiled file with a map names it (the map is not left behind by a stale build).
  for (const map of maps) expect(packedFiles).toContain(map.replace(/\.map$/, ""));
});

test("SARIF's tool.driver.informationUri is the package's homepage", () => {
  const run = sh("npx", ["--offline", "--no-install", "eks-sg-policy", "check", PLAN, "--format", "sarif", "--fail-on", "never"], scratch);
  expect(run.status).toBe(0);
  const homepage = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { homepage: string }).homepage;
  expect(homepage).toMatch(/^https:\/\//);
  expect(JSON.parse(run.stdout).runs[0].tool.driver.informationUri).toBe(homepage);
});

test("npx eks-sg-policy check <plan> runs the installed CLI", () => {
  const run = sh("npx", ["--offline", "--no-install", "eks-sg-policy", "check", PLAN, "--format", "json"], scratch);
  expect([0, 1]).toContain(run.status);
  const report = JSON.parse(run.stdout) as { findings: { policy: string; address: string }[] };
  expect(report.findings).toEqual(expect.arrayContaining([expect.objectContaining({ policy: "public-endpoint", address: "aws_eks_cluster.main" })]));
});

test('require("eks-sg-policy") and require("eks-sg-policy/testing") work by name, on one copy of cdktf', () => {
  const script = `
    const { checkPlan, policies } = require("eks-sg-policy");
    const { Findings } = require("eks-sg-policy/testing");
    const { App, TerraformStack } = require("cdktf");
    const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
    const { EksCluster } = require("@cdktf/provider-aws/lib/eks-cluster");
    const app = new App({ outdir: require("node:path").join(__dirname, "cdktf.out") });
    const stack = new TerraformStack(app, "user");
    new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
    new EksCluster(stack, "cluster", { name: "c", roleArn: "arn:aws:iam::111122223333:role/eks", vpcConfig: { subnetIds: ["subnet-0a1b2c3d4e5f60718"] } });
    Findings.of(stack).hasFinding("public-endpoint", "user/cluster");
    Findings.fromReport(checkPlan(${JSON.stringify(PLAN)})).hasFinding("public-endpoint", "aws_eks_cluster.main");
    console.log(JSON.stringify({ policies: policies.length, findings: typeof Findings }));
  `;
  fs.writeFileSync(path.join(scratch, "use.js"), script);
  const out = JSON.parse(ok(sh(process.execPath, ["use.js"], scratch), "node use.js"));
  expect(out.policies).toBeGreaterThan(10);
  expect(out.findings).toBe("function");
});

test('require("eks-sg-policy/modules") works by name, and its gate stops app.synth()', () => {
  if (!hasModules()) {
    console.warn("SKIPPED: dist/modules/index.js is not in the package yet (modules/index.ts does not exist); eks-sg-policy/modules was not tested.");
    return;
  }
  const script = `
    const modules = require("eks-sg-policy/modules");
    const result = { exports: Object.keys(modules).sort() };
    if (modules.EksPolicyGate) {
      const { App, TerraformStack } = require("cdktf");
      const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
      const { EksCluster } = require("@cdktf/provider-aws/lib/eks-cluster");
      const app = new App({ outdir: require("node:path").join(__dirname, "cdktf.out") });
      const stack = new TerraformStack(app, "user");
      new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
      new EksCluster(stack, "cluster", { name: "c", roleArn: "arn:aws:iam::111122223333:role/eks", vpcConfig: { subnetIds: ["subnet-0a1b2c3d4e5f60718"] } });
      modules.EksPolicyGate.of(app);
      try { app.synth(); result.gate = "synth passed"; } catch (e) { result.gate = e.message; }
    }
    console.log(JSON.stringify(result));
  `;
  fs.writeFileSync(path.join(scratch, "use-modules.js"), script);
  const out = JSON.parse(ok(sh(process.execPath, ["use-modules.js"], scratch), "node use-modules.js")) as { exports: string[]; gate?: string };
  expect(out.exports.length).toBeGreaterThan(0);
  if (out.gate === undefined) {
    console.warn(`eks-sg-policy/modules does not export EksPolicyGate yet (exports: ${out.exports.join(", ")}); the gate was not tested from the package.`);
  } else {
    expect(out.gate).toMatch(/\[user\/cluster\] eks-sg-policy public-endpoint \(error\) aws_eks_cluster\.cluster: /);
  }
});

describe("a plugin written only from docs/writing-policies.md, against the installed package", () => {
  const PLUGIN_PLAN = path.join(ROOT, "__tests__/fixtures/tf/plugin-org-rules/plan.json");
  beforeAll(() => fs.writeFileSync(path.join(scratch, "org-policies.js"), docBlock("docs/writing-policies.md", "org-policies.js")));

  test("reports its findings through check and --format sarif", () => {
    const json = sh("npx", ["--offline", "--no-install", "eks-sg-policy", "check", PLUGIN_PLAN, "--plugin", "./org-policies.js", "--format", "json"], scratch);
    expect(json.stderr).toBe("");
    const findings = (JSON.parse(json.stdout) as { findings: { policy: string; address: string }[] }).findings.filter((f) => f.policy.startsWith("acme-"));
    expect(findings.map((f) => `${f.policy} ${f.address}`)).toEqual([
      'acme-istio-webhook module.nodes["batch"].aws_eks_node_group.this',
      'acme-sg-owner-tag module.nodes["batch"].aws_security_group.node',
    ]);
    const sarif = JSON.parse(ok(sh("npx", ["--offline", "--no-install", "eks-sg-policy", "check", PLUGIN_PLAN, "--plugin", "./org-policies.js", "--format", "sarif", "--fail-on", "never"], scratch), "check --format sarif"));
    expect(sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId.startsWith("acme-")).map((r: { ruleId: string; level: string }) => `${r.ruleId} ${r.level}`)).toEqual(["acme-istio-webhook error", "acme-sg-owner-tag warning"]);
  });

  test("and through the synth-time gate", () => {
    const script = `
      const { EksPolicyGate } = require("eks-sg-policy/modules");
      const { App, TerraformStack } = require("cdktf");
      const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
      const { EksCluster } = require("@cdktf/provider-aws/lib/eks-cluster");
      const { SecurityGroup } = require("@cdktf/provider-aws/lib/security-group");
      const { LaunchTemplate } = require("@cdktf/provider-aws/lib/launch-template");
      const { EksNodeGroup } = require("@cdktf/provider-aws/lib/eks-node-group");
      const app = new App({ outdir: require("node:path").join(__dirname, "cdktf.out") });
      const stack = new TerraformStack(app, "org");
      new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
      const cluster = new EksCluster(stack, "cluster", { name: "c", roleArn: "arn:aws:iam::111122223333:role/eks", vpcConfig: { subnetIds: ["subnet-0a1b2c3d4e5f60718"], endpointPublicAccess: false, endpointPrivateAccess: true } });
      const sg = new SecurityGroup(stack, "nodes", { vpcId: "vpc-0a1b2c3d4e5f60718", description: "nodes" });
      const lt = new LaunchTemplate(stack, "lt", { vpcSecurityGroupIds: [sg.id], metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } });
      new EksNodeGroup(stack, "workers", { clusterName: cluster.name, nodeGroupName: "w", nodeRoleArn: "arn:aws:iam::111122223333:role/node", subnetIds: ["subnet-0a1b2c3d4e5f60718"], scalingConfig: { desiredSize: 1, minSize: 1, maxSize: 1 }, launchTemplate: { id: lt.id, version: "1" } });
      EksPolicyGate.of(app, { plugins: ["./org-policies.js"] });
      try { app.synth(); console.log("synth passed"); } catch (e) { console.log(e.message); }
    `;
    fs.writeFileSync(path.join(scratch, "gate-with-plugin.js"), script);
    const out = ok(sh(process.execPath, ["gate-with-plugin.js"], scratch), "node gate-with-plugin.js");
    expect(out).toMatch(/\[org\/workers\] eks-sg-policy acme-istio-webhook \(error\) aws_eks_node_group\.workers: API server → Istio injection webhook/);
  });
});

describe("the types resolve by package name", () => {
  function checkFile(): string {
    const modulesDts = path.join(installed(), "dist/modules/index.d.ts");
    const hasGate = hasModules() && fs.readFileSync(modulesDts, "utf8").includes("EksPolicyGate");
    const modulesImport = [
      hasModules() ? `import * as modules from "eks-sg-policy/modules";\nexport const moduleExports: string[] = Object.keys(modules);` : "",
      hasGate ? `export const gate = (stack: TerraformStack) => modules.EksPolicyGate.of(stack, { failOn: "warning", skipPolicies: ["remote-access"] });` : "",
    ].join("\n");
    return [
      `import { checkPlan, type Report } from "eks-sg-policy";`,
      `import { Findings, type FindingQuery } from "eks-sg-policy/testing";`,
      `import { TerraformStack } from "cdktf";`,
      modulesImport,
      `const report: Report = checkPlan("plan.json");`,
      `const query: FindingQuery = { policy: "public-endpoint", subject: "aws_eks_cluster.*", status: "fail" };`,
      `export const count: number = Findings.fromReport(report).findings(query).length;`,
      `export function assertStack(stack: TerraformStack): void { Findings.of(stack, { skipPolicies: ["node-imdsv2"] }).hasNoErrors(); }`,
      ``,
    ].join("\n");
  }

  function typeCheck(name: string, compilerOptions: object): SpawnSyncReturns<string> {
    fs.writeFileSync(path.join(scratch, "check.ts"), checkFile());
    const config = path.join(scratch, `tsconfig.${name}.json`);
    fs.writeFileSync(config, JSON.stringify({ compilerOptions: { target: "ES2022", strict: true, noEmit: true, skipLibCheck: true, types: [], ...compilerOptions }, files: ["check.ts"] }));
    return sh(process.execPath, [TSC, "-p", config], scratch);
  }

  test("with moduleResolution node16 (package exports)", () => {
    const result = typeCheck("node16", { module: "node16", moduleResolution: "node16" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("with the tsconfig that `cdktf init` writes (module CommonJS, classic node resolution)", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(installed(), "package.json"), "utf8")) as { typesVersions?: object };
    if (!manifest.typesVersions) {
      // Classic resolution ignores `exports`: the subpaths need `typesVersions` in package.json.
      console.warn("SKIPPED: package.json has no typesVersions, so `eks-sg-policy/testing` and `eks-sg-policy/modules` have no types under moduleResolution node10 (the cdktf init default).");
      return;
    }
    const result = typeCheck("cdktf-init", { module: "CommonJS", target: "ES2018" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});

/** cdktn and @cdktn/provider-aws in the repo's node_modules (npm ci installs them). */
const CDKTN_PEERS = ["cdktn", "@cdktn/provider-aws"];
const cdktnHere = CDKTN_PEERS.every((peer) => fs.existsSync(path.join(ROOT, "node_modules", peer, "package.json")));

(cdktnHere ? describe : describe.skip)(`eks-sg-policy/cdktn/* for CDK Terrain apps${cdktnHere ? "" : " (skipped: cdktn is not installed here; npm ci installs it)"}`, () => {
  beforeAll(() => {
    for (const peer of CDKTN_PEERS) {
      const link = path.join(scratch, "node_modules", peer);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      if (!fs.existsSync(link)) fs.symlinkSync(path.join(ROOT, "node_modules", peer), link, "dir");
    }
  });

  test("the package holds the CDK Terrain build, its maps pointing at the shipped sources", () => {
    for (const file of ["dist/modules-cdktn/index.js", "dist/modules-cdktn/index.d.ts", "dist/modules-cdktn/policy/testing.js", "dist/modules-cdktn/policy/gate.js.map"]) expect(packedFiles).toContain(file);
  });

  test("require by name: the constructs, the gate stopping a cdktn app.synth(), Findings.of on a cdktn stack", () => {
    const script = `
      const { EksCluster, ManagedNodeGroup, NodeSecurityGroup, EksPolicyGate } = require("eks-sg-policy/cdktn/modules");
      const { Findings } = require("eks-sg-policy/cdktn/testing");
      const { App, TerraformStack } = require("cdktn");
      const { AwsProvider } = require("@cdktn/provider-aws/lib/provider");
      const { EksCluster: RawCluster } = require("@cdktn/provider-aws/lib/eks-cluster");
      const subnetIds = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"];
      const app = new App({ outdir: require("node:path").join(__dirname, "cdktn.out") });
      const good = new TerraformStack(app, "good");
      new AwsProvider(good, "aws", { region: "ap-northeast-1" });
      const cluster = new EksCluster(good, "cluster", { name: "c", subnetIds });
      const nodes = new NodeSecurityGroup(good, "nodes", { cluster, vpcId: "vpc-0a1b2c3d4e5f60718" });
      new ManagedNodeGroup(good, "workers", { cluster, subnetIds, securityGroups: { kind: "node-sg", nodeSecurityGroup: nodes } });
      Findings.of(good).hasNoErrors();
      const bad = new TerraformStack(app, "bad");
      new AwsProvider(bad, "aws", { region: "ap-northeast-1" });
      new RawCluster(bad, "open", { name: "open", roleArn: "arn:aws:iam::111122223333:role/eks", vpcConfig: { subnetIds } });
      Findings.of(bad).hasFinding("public-endpoint", "bad/open");
      EksPolicyGate.of(app);
      let gate = "synth passed";
      try { app.synth(); } catch (e) { gate = e.message; }
      console.log(JSON.stringify({ gate }));
    `;
    fs.writeFileSync(path.join(scratch, "use-cdktn.js"), script);
    const out = JSON.parse(ok(sh(process.execPath, ["use-cdktn.js"], scratch), "node use-cdktn.js")) as { gate: string };
    expect(out.gate).toMatch(/\[bad\/open\] eks-sg-policy public-endpoint \(error\) aws_eks_cluster\.open: /);
    expect(out.gate).not.toMatch(/good\//);
  });

  test.each([
    ["node16", { module: "node16", moduleResolution: "node16" }],
    ["cdktf-init", { module: "CommonJS", target: "ES2018" }],
  ])("the types resolve against cdktn (%s)", (name, compilerOptions) => {
    const file = [
      `import { TerraformStack } from "cdktn";`,
      `import { EksCluster, EksPolicyGate } from "eks-sg-policy/cdktn/modules";`,
      `import { Findings } from "eks-sg-policy/cdktn/testing";`,
      `export function build(stack: TerraformStack): EksCluster {`,
      `  EksPolicyGate.of(stack, { failOn: "warning" });`,
      `  const cluster = new EksCluster(stack, "cluster", { name: "c", subnetIds: ["subnet-1"] });`,
      `  Findings.of(stack).hasNoErrors();`,
      `  return cluster;`,
      `}`,
      ``,
    ].join("\n");
    fs.writeFileSync(path.join(scratch, "check-cdktn.ts"), file);
    const config = path.join(scratch, `tsconfig.cdktn-${name}.json`);
    fs.writeFileSync(config, JSON.stringify({ compilerOptions: { target: "ES2022", strict: true, noEmit: true, skipLibCheck: true, types: [], ...compilerOptions }, files: ["check-cdktn.ts"] }));
    const result = sh(process.execPath, [TSC, "-p", config], scratch);
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
