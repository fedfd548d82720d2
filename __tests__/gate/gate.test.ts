/** The synth-time gate in-process: what it annotates, when it runs, and its options. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Aspects, Testing, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { GATE_STOPS_ENV, readGateStops } from "../../checker/run/gate-stops";
import { EksPolicyGate, SKIP_GATE_ENV } from "../../modules/policy/gate";
import { stackDocument } from "../../modules/policy/stack-synthesis";
import { BrokenStack } from "../fixtures/cdktf/broken-stack";
import { CleanStack } from "./fixtures/clean-stack";
import { annotationsOf, gateLines } from "./helpers/annotations";

/** Errors the gate must report on BrokenStack (the registry may hold more policies that fail it). */
const BROKEN_ERRORS = [
  "ERROR broken/nodes node-imdsv2",
  "ERROR broken/open public-endpoint",
  "ERROR broken/workers apiserver-to-kubelet",
  "ERROR broken/workers node-dns",
  "ERROR broken/workers node-to-apiserver",
];

const scratch: string[] = [];
function outdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-gate-"));
  scratch.push(dir);
  return dir;
}
afterAll(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Runs aspects and validations as `cdktf synth` does, without throwing on error annotations. */
function synthWithValidations(stack: TerraformStack): void {
  Testing.synth(stack, true);
}

const errorsOf = (scope: IConstruct) => gateLines(scope).filter((l) => l.startsWith("ERROR")).sort();

/** What the gate with default options reports on BrokenStack: the baseline other tests vary. */
function defaultErrors(): string[] {
  const app = Testing.app();
  const stack = new BrokenStack(app, "broken");
  EksPolicyGate.of(stack);
  synthWithValidations(stack);
  return errorsOf(app);
}

describe("on the broken stack", () => {
  const app = new App({ outdir: outdir() });
  const stack = new BrokenStack(app, "broken");
  const gate = EksPolicyGate.of(app);
  synthWithValidations(stack);

  test("each error finding is an ERROR annotation on the construct that made the resource", () => {
    const failing = gate.reportOf(stack)!.findings.filter((f) => f.status === "fail" && f.severity === "error");
    expect(errorsOf(app)).toEqual(failing.map((f) => `ERROR ${f.constructPath} ${f.policy}`).sort());
    expect(errorsOf(app)).toEqual(expect.arrayContaining(BROKEN_ERRORS));
  });

  test("warnings and infos are printed, not fatal", () => {
    const others = gateLines(app).filter((l) => !l.startsWith("ERROR")).sort();
    expect(others).toEqual([
      "INFO broken/workers cluster-sg-detached",
      "WARN broken/open control-plane-logging",
      "WARN broken/open secrets-encryption",
      "WARN broken/workers apiserver-to-webhooks",
      "WARN broken/workers node-to-node",
    ]);
  });

  test("an annotation names the policy, severity, address and says what to do", () => {
    const imds = annotationsOf(app).find((a) => a.message.includes("node-imdsv2"))!;
    expect(imds).toEqual({
      level: "ERROR",
      path: "broken/nodes",
      message: 'eks-sg-policy node-imdsv2 (error) aws_launch_template.nodes: used by aws_eks_node_group.workers: http_tokens is "optional", so IMDSv1 is allowed; set http_tokens = "required"',
    });
  });

  test("the stack gets a summary line that says how to go on", () => {
    const summary = annotationsOf(app).filter((a) => a.path === "broken" && a.level === "INFO");
    expect(summary).toHaveLength(1);
    expect(summary[0].message).toMatch(/^eks-sg-policy: stack 'broken': \d+ policies, \d+ of \d+ checks passed; 5 errors, 4 warnings, 1 info, 0 unknown, 0 waived; 5 fail the synth \(--fail-on error\)\. .*docs\/gate\.md/);
  });

  test("the report is kept for the caller", () => {
    expect(gate.reportOf(stack)?.summary.failed).toBe(10);
  });

  test("running the validations again adds no duplicate annotations", () => {
    const before = annotationsOf(app).length;
    synthWithValidations(stack);
    expect(annotationsOf(app)).toHaveLength(before);
  });

  test("app.synth() run by plain node throws with the policy ids and construct paths", () => {
    const run = () => app.synth();
    expect(run).toThrow(/Encountered Annotations with level "ERROR"/);
    expect(run).toThrow(/\[broken\/workers\] eks-sg-policy node-to-apiserver \(error\) aws_eks_node_group\.workers: /);
  });
});

describe("on a clean stack", () => {
  test("only the summary is printed and app.synth() succeeds", () => {
    const app = new App({ outdir: outdir() });
    new CleanStack(app, "clean");
    EksPolicyGate.of(app);
    app.synth();
    expect(annotationsOf(app)).toEqual([{ level: "INFO", path: "clean", message: expect.stringMatching(/^eks-sg-policy: stack 'clean': \d+ policies, (\d+) of \1 checks passed; 0 errors, 0 warnings, 0 infos, 0 unknown, 0 waived; 0 fail the synth \(--fail-on error\)\.$/) }]);
  });
});

describe("what the gate reads", () => {
  test("the stack's Terraform JSON as cdktf synth writes it: tokens resolved to ${...} references, construct paths kept", () => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    const stack = new CleanStack(app, "clean");
    app.synth();
    const written = JSON.parse(fs.readFileSync(path.join(dir, "stacks/clean/cdk.tf.json"), "utf8"));
    const read = JSON.parse(JSON.stringify(stackDocument(stack)));
    expect(read).toEqual(written);
    expect(read.resource.aws_eks_node_group.workers.launch_template).toEqual({
      id: "${aws_launch_template.nodes.id}",
      version: "${aws_launch_template.nodes.latest_version}",
    });
    expect(read.resource.aws_eks_node_group.workers.cluster_name).toBe("${aws_eks_cluster.cluster.name}");
    expect(read.resource.aws_eks_cluster.cluster["//"].metadata.path).toBe("clean/cluster");
  });

  test("an addOverride escape hatch that opens the endpoint is caught", () => {
    const app = Testing.app();
    const stack = new CleanStack(app, "clean");
    // The construct's own props still say private: only the override makes it public.
    expect(stack.cluster.vpcConfigInput?.endpointPublicAccess).toBe(false);
    stack.cluster.addOverride("vpc_config.endpoint_public_access", true);
    stack.cluster.addOverride("vpc_config.endpoint_private_access", false);
    EksPolicyGate.of(stack);
    synthWithValidations(stack);
    expect(errorsOf(app)).toEqual(["ERROR clean/cluster public-endpoint"]);
  });

  test("an addOverride that fixes a resource is seen too", () => {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    const template = stack.node.findChild("nodes") as LaunchTemplate;
    template.addOverride("metadata_options.http_tokens", "required");
    EksPolicyGate.of(stack);
    synthWithValidations(stack);
    expect(errorsOf(app)).toEqual(defaultErrors().filter((l) => !l.includes("node-imdsv2")));
  });

  test("it checks after every aspect, even one added after the gate", () => {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    EksPolicyGate.of(stack);
    const requireImdsv2: IAspect = {
      visit: (node) => {
        if (node instanceof LaunchTemplate) node.addOverride("metadata_options.http_tokens", "required");
      },
    };
    Aspects.of(stack).add(requireImdsv2);
    synthWithValidations(stack);
    expect(errorsOf(app)).not.toContain("ERROR broken/nodes node-imdsv2");
    expect(errorsOf(app)).toContain("ERROR broken/open public-endpoint");
  });
});

describe("how it is added", () => {
  test("Aspects.of(stack).add(new EksPolicyGate()) works like EksPolicyGate.of(stack)", () => {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    Aspects.of(stack).add(new EksPolicyGate());
    synthWithValidations(stack);
    expect(errorsOf(app)).toEqual(defaultErrors());
  });

  test("added to a construct inside a stack, it checks that whole stack", () => {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    EksPolicyGate.of(stack.node.findChild("workers"));
    synthWithValidations(stack);
    expect(errorsOf(app)).toEqual(defaultErrors());
  });

  test("cdktf 0.21 never runs aspects added to the App: Aspects.of(app).add(...) checks nothing", () => {
    const app = new App({ outdir: outdir() });
    new BrokenStack(app, "broken");
    Aspects.of(app).add(new EksPolicyGate());
    expect(() => app.synth()).not.toThrow();
    expect(gateLines(app)).toEqual([]);
  });

  test("EksPolicyGate.of(app) before any stack exists says to move it", () => {
    const app = Testing.app();
    expect(() => EksPolicyGate.of(app)).toThrow(/found no TerraformStack at or below '<app>'\. Call it after the stacks are created/);
  });

  test("a stack created after EksPolicyGate.of(app) fails the app's validation, naming it", () => {
    const app = new App({ outdir: outdir() });
    new CleanStack(app, "first");
    EksPolicyGate.of(app);
    new CleanStack(app, "late");
    expect(() => app.synth()).toThrow(/the stack 'late' was created after EksPolicyGate\.of\(app\) and is not checked/);
  });

  test("Testing.synth(stack) runs no validations, so the gate reports nothing there", () => {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    EksPolicyGate.of(stack);
    Testing.synth(stack);
    expect(gateLines(app)).toEqual([]);
  });

  test("Testing.fullSynth(stack) throws on the gate's errors", () => {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    EksPolicyGate.of(stack);
    expect(() => Testing.fullSynth(stack)).toThrow(/\[broken\/open\] eks-sg-policy public-endpoint/);
  });

  test("with App({ skipValidation: true }) the gate still runs (during the aspects)", () => {
    const app = new App({ outdir: outdir(), skipValidation: true });
    new BrokenStack(app, "broken");
    EksPolicyGate.of(app);
    expect(() => app.synth()).toThrow(/\[broken\/nodes\] eks-sg-policy node-imdsv2/);
    expect(errorsOf(app)).toEqual(defaultErrors());
  });
});

describe("options", () => {
  function errorsWith(options: ConstructorParameters<typeof EksPolicyGate>[0]): string[] {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    EksPolicyGate.of(stack, options);
    synthWithValidations(stack);
    return errorsOf(app);
  }

  test("failOn: warning stops on warnings too", () => {
    const warnings = ["ERROR broken/open control-plane-logging", "ERROR broken/open secrets-encryption", "ERROR broken/workers apiserver-to-webhooks", "ERROR broken/workers node-to-node"];
    const errors = errorsWith({ failOn: "warning" });
    expect(errors).toEqual(expect.arrayContaining([...defaultErrors(), ...warnings]));
    expect(errors).not.toContain("ERROR broken/workers cluster-sg-detached");
  });

  test("failOn: never prints everything and stops on nothing", () => {
    expect(errorsWith({ failOn: "never" })).toEqual([]);
  });

  test("severities and skipPolicies pass through to the checker", () => {
    expect(errorsWith({ severities: { "node-imdsv2": "warning" }, skipPolicies: ["public-endpoint"] })).toEqual(
      defaultErrors().filter((l) => !l.includes("node-imdsv2") && !l.includes("public-endpoint")),
    );
  });

  test("policy options pass through, checked against the policy's schema where they are written", () => {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    const gate = EksPolicyGate.of(stack, { policyOptions: { "apiserver-to-webhooks": { ports: [9443] } } });
    synthWithValidations(stack);
    const webhooks = gate.reportOf(stack)!.findings.find((f) => f.policy === "apiserver-to-webhooks")!;
    expect(webhooks.message).toContain("is blocked on TCP 9443:");
    expect(() => new EksPolicyGate({ policyOptions: { "node-imdsv2": { maxHopLimit: 0 } } })).toThrow(/^options of policy node-imdsv2: policies\["node-imdsv2"\]\.options\.maxHopLimit is 0: must be >= 1\. See docs\/policies\/node-imdsv2\.md/);
  });

  test("a policy id that does not exist is an error that lists the known ids", () => {
    expect(() => new EksPolicyGate({ skipPolicies: ["node-imdsv1"] })).toThrow(/skipPolicies names a policy that does not exist: node-imdsv1\. Known policy ids: apiserver-to-kubelet, .*node-imdsv2/);
    expect(() => new EksPolicyGate({ severities: { nope: "info" } })).toThrow(/severities names a policy that does not exist: nope/);
    expect(() => new EksPolicyGate({ failOn: "fatal" as never })).toThrow(/failOn must be one of error, warning, info, never/);
  });

  test("skip: true turns the gate off and says so", () => {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    EksPolicyGate.of(stack, { skip: true });
    synthWithValidations(stack);
    expect(annotationsOf(app)).toEqual([
      { level: "WARN", path: "broken", message: "eks-sg-policy: the synth-time gate is off for this stack (the gate was created with skip: true); run `eks-sg-policy check` on the plan instead." },
    ]);
  });

  test(`${SKIP_GATE_ENV}=1 turns every gate off for one run`, () => {
    process.env[SKIP_GATE_ENV] = "1";
    try {
      const app = Testing.app();
      const stack = new BrokenStack(app, "broken");
      EksPolicyGate.of(stack);
      synthWithValidations(stack);
      expect(annotationsOf(app).map((a) => `${a.level} ${a.message}`)).toEqual([expect.stringMatching(/^WARN .*gate is off for this stack \(EKS_SG_POLICY_SKIP_GATE is set\)/)]);
    } finally {
      delete process.env[SKIP_GATE_ENV];
    }
  });
});

describe("eks-sg-policy.config.json, as eks-sg-policy check reads it", () => {
  const config = {
    failOn: "warning",
    policies: { "node-imdsv2": { severity: "info" }, "control-plane-logging": { enabled: false } },
    waivers: [
      {
        policy: "public-endpoint",
        address: "aws_eks_cluster.*",
        input: "**/stacks/broken/cdk.tf.json",
        reason: "Lab cluster behind the office proxy until the VPN lands",
        owner: "@platform",
        expires: "2999-12-31",
      },
    ],
  };
  function configFile(): string {
    const file = path.join(outdir(), "eks-sg-policy.config.json");
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
  }

  test("its policies, severities, waivers and failOn apply at synth time", () => {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    EksPolicyGate.of(stack, { config: configFile() });
    synthWithValidations(stack);
    const lines = gateLines(app);
    expect(lines).toContain("INFO broken/nodes node-imdsv2");
    expect(lines).toContain("INFO broken/open public-endpoint");
    expect(lines).toContain("ERROR broken/workers node-to-node");
    expect(lines.filter((l) => l.includes("control-plane-logging"))).toEqual([]);
    const waived = annotationsOf(app).find((a) => a.message.includes(" public-endpoint "))!;
    expect(waived.message).toMatch(/^eks-sg-policy public-endpoint \(error, waived\) aws_eks_cluster\.open: /);
    const summary = annotationsOf(app).find((a) => a.path === "broken" && a.level === "INFO")!;
    expect(summary.message).toMatch(/^eks-sg-policy: stack 'broken' \(configuration: .*eks-sg-policy\.config\.json\): .*, 1 waived; \d+ fail the synth \(--fail-on warning\)/);
  });

  test("options in code win over the file's", () => {
    const app = Testing.app();
    const stack = new BrokenStack(app, "broken");
    EksPolicyGate.of(stack, { config: configFile(), failOn: "error", severities: { "node-imdsv2": "error" } });
    synthWithValidations(stack);
    expect(gateLines(app)).toContain("ERROR broken/nodes node-imdsv2");
    expect(gateLines(app)).toContain("WARN broken/workers node-to-node");
  });

  test("config: false reads no file; a broken file is an error where the gate is made", () => {
    expect(new EksPolicyGate({ config: false }).failOn).toBe("error");
    const bad = path.join(outdir(), "eks-sg-policy.config.json");
    fs.writeFileSync(bad, JSON.stringify({ policies: { "node-imdsv1": {} } }));
    expect(() => new EksPolicyGate({ config: bad })).toThrow(/node-imdsv1/);
  });
});

describe("two copies of cdktf (the user's app and this package resolve different ones)", () => {
  // A fresh module registry loads a second cdktf, as a nested node_modules would.
  let other: typeof import("cdktf") = undefined as never;
  jest.isolateModules(() => {
    other = require("cdktf");
  });

  /** A stack of the other copy with a node group whose launch template allows IMDSv1. */
  function otherStack(): TerraformStack {
    const app = new other.App({ outdir: outdir() });
    const stack = new other.TerraformStack(app, "other");
    new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
    const cluster = new EksCluster(stack, "cluster", { name: "c", roleArn: "arn:aws:iam::111122223333:role/eks", vpcConfig: { subnetIds: ["subnet-0a1b2c3d4e5f60718"] } });
    const template = new LaunchTemplate(stack, "nodes", { metadataOptions: { httpTokens: "optional" } });
    new EksNodeGroup(stack, "workers", {
      clusterName: cluster.name,
      nodeRoleArn: "arn:aws:iam::111122223333:role/node",
      subnetIds: ["subnet-0a1b2c3d4e5f60718"],
      scalingConfig: { desiredSize: 1, maxSize: 1, minSize: 1 },
      launchTemplate: { id: template.id, version: template.latestVersion.toString() },
    });
    return stack as unknown as TerraformStack;
  }

  test("EksPolicyGate.of() refuses, and says what to do, rather than add an aspect nobody runs", () => {
    const stack = otherStack();
    expect(() => EksPolicyGate.of(stack.node.root)).toThrow(/different copy of cdkt[fn] .*npm dedupe.*Aspects\.of\(stack\)\.add\(new EksPolicyGate\(\)\)\. An app on CDK Terrain \(cdktn\) imports eks-sg-policy\/cdktn\/modules/);
    // What would have happened: our Aspects registry is not the one the other copy reads.
    Aspects.of(stack).add(new EksPolicyGate());
    other.Testing.synth(stack as never, true);
    expect(gateLines(stack)).toEqual([]);
  });

  test("the gate added with the user's own Aspects works", () => {
    const stack = otherStack();
    other.Aspects.of(stack as never).add(new EksPolicyGate());
    other.Testing.synth(stack as never, true);
    expect(errorsOf(stack)).toEqual(["ERROR other/nodes node-imdsv2", "ERROR other/cluster public-endpoint"].sort());
  });
});

describe("under eks-sg-policy deploy", () => {
  test("the gate writes each stack it stops, with the number of stopping findings, to the file deploy names; a passing stack is not written", () => {
    const file = path.join(outdir(), "gate-stops.jsonl");
    const app = Testing.app();
    const broken = new BrokenStack(app, "broken");
    const clean = new CleanStack(app, "clean");
    EksPolicyGate.of(app);
    process.env[GATE_STOPS_ENV] = file;
    try {
      synthWithValidations(broken);
      synthWithValidations(clean);
    } finally {
      delete process.env[GATE_STOPS_ENV];
    }
    expect(readGateStops(file)).toEqual([{ stack: "broken", findings: errorsOf(broken).length }]);
    expect(errorsOf(broken).length).toBeGreaterThanOrEqual(BROKEN_ERRORS.length);
  });
});
