/**
 * The CDK Terrain build (scripts/build-cdktn.js → eks-sg-policy/cdktn/*): the same sources, type-checked
 * and compiled against cdktn. Built here into a scratch folder of the repository (so that its
 * `require("cdktn")` finds node_modules), then used as a cdktn user would: the constructs make the
 * same Terraform as the CDKTF build, the gate stops `app.synth()`, `Findings.of` reads cdktn stacks,
 * and each build refuses the other framework's stacks with a message that names the right import.
 * Without cdktn installed (npm ci installs it) the tests that need it skip and say so.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import * as ts from "typescript";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import * as cdktfModules from "../../modules";
import { ROOT } from "../helpers/fixtures";
import { UNIT_ONLY_ENV } from "../helpers/terraform";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require("../../scripts/build-cdktn.js") as {
  buildCdktn: (options: { outDir: string; emitChecker: boolean }) => string[];
  cdktnInstalled: () => boolean;
  cdktnSpecifier: (specifier: string) => string;
  swapSpecifiers: (typescript: typeof ts, fileName: string, text: string) => string;
};

describe("the specifier swap", () => {
  test.each([
    ["cdktf", "cdktn"],
    ["cdktf/lib/synthesize/synthesizer", "cdktn/lib/synthesize/synthesizer"],
    ["cdktf/package.json", "cdktn/package.json"],
    ["@cdktf/provider-aws/lib/eks-cluster", "@cdktn/provider-aws/lib/eks-cluster"],
    ["constructs", "constructs"],
    ["cdktf-cli", "cdktf-cli"],
    ["@cdktf/provider-kubernetes/lib/x", "@cdktf/provider-kubernetes/lib/x"],
    ["../checker", "../checker"],
  ])("%s → %s", (from, to) => {
    expect(build.cdktnSpecifier(from)).toBe(to);
  });

  test("changes the specifiers only, in place: comments, strings and positions stay", () => {
    const text = [
      `// cdktf synth writes cdktf.out`,
      `import { App } from "cdktf";`,
      `import type { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";`,
      `export { x } from "cdktf/lib/x";`,
      `const p = require("cdktf/package.json");`,
      `type T = import("cdktf").TerraformStack;`,
      `const s = "cdktf";`,
    ].join("\n");
    const swapped = build.swapSpecifiers(ts, "x.ts", text);
    expect(swapped).toBe(text.replace(`from "cdktf"`, `from "cdktn"`).replace("@cdktf/provider-aws", "@cdktn/provider-aws").replace(`"cdktf/lib/x"`, `"cdktn/lib/x"`).replace(`require("cdktf/`, `require("cdktn/`).replace(`import("cdktf")`, `import("cdktn")`));
    expect(swapped.length).toBe(text.length);
    expect(swapped.split("\n").map((line) => line.length)).toEqual(text.split("\n").map((line) => line.length));
  });
});

const skipReason = !build.cdktnInstalled()
  ? "cdktn or @cdktn/provider-aws is not installed; npm ci installs both"
  : process.env[UNIT_ONLY_ENV]
    ? "npm run test:unit makes no second build (npm test does)"
    : undefined;
(skipReason ? describe.skip : describe)(`eks-sg-policy/cdktn/* against cdktn${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  type Cdktn = typeof import("cdktf");
  let out = "";
  let cdktn: Cdktn;
  let CdktnProvider: typeof AwsProvider;
  let modules: typeof cdktfModules;
  let testing: typeof import("../../modules/policy/testing");
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-cdktn-synth-"));

  beforeAll(() => {
    out = fs.mkdtempSync(path.join(ROOT, ".cdktn-test-"));
    build.buildCdktn({ outDir: out, emitChecker: true });
    /* eslint-disable @typescript-eslint/no-require-imports */
    cdktn = require("cdktn") as Cdktn;
    CdktnProvider = (require("@cdktn/provider-aws/lib/provider") as { AwsProvider: typeof AwsProvider }).AwsProvider;
    modules = require(path.join(out, "modules-cdktn")) as typeof cdktfModules;
    testing = require(path.join(out, "modules-cdktn/policy/testing")) as typeof import("../../modules/policy/testing");
    /* eslint-enable @typescript-eslint/no-require-imports */
  }, 300_000);
  afterAll(() => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test("the build loads cdktn and the checker of the same build, never cdktf", () => {
    const built = fs.readdirSync(path.join(out, "modules-cdktn"), { recursive: true, encoding: "utf8" }).filter((f) => /\.(js|d\.ts)$/.test(f));
    expect(built).toEqual(expect.arrayContaining(["index.js", "index.d.ts", "policy/gate.js", "policy/testing.d.ts"]));
    for (const file of built) {
      const text = fs.readFileSync(path.join(out, "modules-cdktn", file), "utf8");
      expect(text).not.toMatch(/(require\(|from |import\()"(cdktf|@cdktf\/)/);
    }
    expect(fs.readFileSync(path.join(out, "modules-cdktn/eks-cluster.d.ts"), "utf8")).toMatch(/from "@cdktn\/provider-aws\/lib\/eks-cluster"/);
    const map = JSON.parse(fs.readFileSync(path.join(out, "modules-cdktn/policy/gate.js.map"), "utf8")) as { sources: string[] };
    expect(map.sources.map((s) => path.resolve(out, "modules-cdktn/policy", s))).toEqual([path.join(ROOT, "modules/policy/gate.ts")]);
  });

  test("cdktn exports every name cdktf does", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cdktf = require("cdktf") as object;
    expect(Object.keys(cdktf).filter((name) => !(name in cdktn))).toEqual([]);
  });

  /** The stack both builds make: a cluster, a node SG, a node group on it, and CoreDNS on Fargate. */
  function addStack(framework: { TerraformStack: typeof TerraformStack }, Provider: typeof AwsProvider, m: typeof cdktfModules, app: Construct): TerraformStack {
    const stack = new framework.TerraformStack(app, "eks");
    new Provider(stack, "aws", { region: "ap-northeast-1" });
    const subnetIds = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"];
    const cluster = new m.EksCluster(stack, "cluster", { name: "terrain", subnetIds });
    const nodes = new m.NodeSecurityGroup(stack, "nodes", { cluster, vpcId: "vpc-0a1b2c3d4e5f60718" });
    new m.ManagedNodeGroup(stack, "workers", { cluster, subnetIds, securityGroups: { kind: "node-sg", nodeSecurityGroup: nodes } });
    new m.FargateProfile(stack, "system", { cluster, subnetIds, selectors: [{ namespace: "kube-system" }] });
    return stack;
  }

  /** A synthesized stack without what names its framework: the metadata's version and the provider binding's pin. */
  function synthesized(outdir: string): object {
    const document = JSON.parse(fs.readFileSync(path.join(outdir, "stacks/eks/cdk.tf.json"), "utf8"));
    delete document["//"].metadata.version;
    delete document.terraform.required_providers;
    delete document.terraform.backend;
    return document;
  }

  test("the constructs make the same Terraform on cdktn as on cdktf, and the gate passes it", () => {
    const onCdktf = new App({ outdir: path.join(scratch, "cdktf") });
    addStack({ TerraformStack }, AwsProvider, cdktfModules, onCdktf);
    cdktfModules.EksPolicyGate.of(onCdktf);
    onCdktf.synth();
    const onCdktn = new cdktn.App({ outdir: path.join(scratch, "cdktn") });
    const stack = addStack(cdktn, CdktnProvider, modules, onCdktn);
    modules.EksPolicyGate.of(onCdktn);
    onCdktn.synth();
    expect(JSON.parse(fs.readFileSync(path.join(scratch, "cdktn/manifest.json"), "utf8")).version).toBe("0.24.0");
    expect(synthesized(path.join(scratch, "cdktn"))).toEqual(synthesized(path.join(scratch, "cdktf")));
    testing.Findings.of(stack).hasNoErrors();
    testing.Findings.of(stack).hasFinding("cluster-sg-detached", "eks/workers/node-group");
  });

  test("the gate stops a cdktn app.synth() on an error finding, naming the construct", () => {
    const app = new cdktn.App({ outdir: path.join(scratch, "broken") });
    const stack = new cdktn.TerraformStack(app, "broken");
    new CdktnProvider(stack, "aws", { region: "ap-northeast-1" });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EksCluster } = require("@cdktn/provider-aws/lib/eks-cluster") as typeof import("@cdktf/provider-aws/lib/eks-cluster");
    new EksCluster(stack, "open", { name: "open", roleArn: "arn:aws:iam::111122223333:role/eks", vpcConfig: { subnetIds: ["subnet-0a1b2c3d4e5f60718"] } });
    modules.EksPolicyGate.of(app);
    expect(() => app.synth()).toThrow(/\[broken\/open\] eks-sg-policy public-endpoint \(error\) aws_eks_cluster\.open: /);
    expect(() => testing.Findings.of(stack).hasNoErrors()).toThrow(/public-endpoint/);
  });

  test("each build refuses the other framework's stacks, and says which import to use", () => {
    const cdktnApp = new cdktn.App({ outdir: path.join(scratch, "mixed-1") });
    addStack(cdktn, CdktnProvider, modules, cdktnApp);
    expect(() => cdktfModules.EksPolicyGate.of(cdktnApp as never)).toThrow(/different copy of cdktf .*cdktn\) imports eks-sg-policy\/cdktn\/modules and eks-sg-policy\/cdktn\/testing/);
    const cdktfApp = new App({ outdir: path.join(scratch, "mixed-2") });
    addStack({ TerraformStack }, AwsProvider, cdktfModules, cdktfApp);
    expect(() => modules.EksPolicyGate.of(cdktfApp as never)).toThrow(/different copy of cdktn .*one on CDKTF, eks-sg-policy\/modules and eks-sg-policy\/testing/);
  });
});
