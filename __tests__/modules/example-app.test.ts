/**
 * The example app (main.ts): every stack passes the pack at synth time and on the real terraform
 * plan committed as a fixture, the committed fixtures are what the stacks synthesize today, and
 * the documented inputs (context and environment) reach the stacks.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Testing } from "cdktf";
import { EXAMPLE_STACKS, exampleInputs, addExampleStacks, Ec2NodeSgStack, MixedStack } from "../../main";
import { synthFixtureStacks } from "../fixtures/cdktf/synth-fixtures";
import { FIXTURES, reportOf, ROOT } from "../helpers/fixtures";
import { check, findingsBesidesDetachedMarker, lines, only, resources, synthJson } from "./synth-check";

const INPUTS = { region: "ap-northeast-1" } as const;
const NAMES = Object.keys(EXAMPLE_STACKS) as (keyof typeof EXAMPLE_STACKS)[];
/** Stacks whose node group drops the cluster SG: cluster-sg-detached marks it (info), by design. */
const DETACHED: Record<string, string[]> = {
  "ec2-node-sg": ["aws_eks_node_group.workers_node-group_770A9CDD"],
  "ec2-cluster-sg": [],
  fargate: [],
  mixed: ["aws_eks_node_group.apps_node-group_24DE55B2"],
};

describe("example stacks at synth time", () => {
  const app = new App({ stackTraces: false });
  const stacks = addExampleStacks(app, INPUTS);

  test.each(NAMES.map((name, i) => [name, i] as const))("%s passes the pack", (name, i) => {
    const report = check(stacks[i]);
    expect(findingsBesidesDetachedMarker(report)).toEqual([]);
    expect(report.findings.map((f) => `${f.policy} ${f.severity} ${f.address}`)).toEqual(DETACHED[name].map((a) => `cluster-sg-detached info ${a}`));
    expect(() => Testing.synth(stacks[i], true)).not.toThrow();
  });
});

describe("example stacks as committed fixtures planned by terraform", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-examples-"));
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
  const fresh = synthFixtureStacks(scratch);

  test.each([...NAMES, "broken"])("cdktf-%s/cdk.tf.json is what the stack synthesizes today (else run npm run fixtures -- cdktf-%s)", (name) => {
    const folder = fresh.find((f) => path.basename(f) === `cdktf-${name}`)!;
    const committed = path.join(FIXTURES, "tf", `cdktf-${name}`, "cdk.tf.json");
    expect(JSON.parse(fs.readFileSync(committed, "utf8"))).toEqual(JSON.parse(fs.readFileSync(path.join(folder, "cdk.tf.json"), "utf8")));
  });

  test.each(NAMES)("cdktf-%s: the plan passes the pack, with the same verdicts as at synth time", (name) => {
    const folder = path.join(FIXTURES, "tf", `cdktf-${name}`);
    const atPlan = reportOf([path.join(folder, "plan.json")]);
    const atSynth = reportOf([path.join(folder, "cdk.tf.json")]);
    expect(atPlan.inputs[0].kind).toBe("plan");
    expect(findingsBesidesDetachedMarker(atPlan)).toEqual([]);
    expect(atPlan.findings.map((f) => f.address)).toEqual(DETACHED[name]);
    const verdicts = (r: typeof atPlan) => r.findings.map((f) => `${f.status} ${f.policy} ${f.address}`);
    expect(verdicts(atSynth)).toEqual(verdicts(atPlan));
    expect(atSynth.summary).toEqual(atPlan.summary);
  });
});

describe("example inputs", () => {
  test("come from the environment first, then the CDKTF context", () => {
    const app = new App({ context: { vpcId: "vpc-0context000000000", privateSubnetIds: ["subnet-0c1", "subnet-0c2"], region: "us-east-1" } });
    const env = { EKS_EXAMPLE_VPC_ID: "vpc-0env0000000000000", EKS_EXAMPLE_PUBLIC_ACCESS_CIDRS: "203.0.113.0/24, 198.51.100.7/32", EKS_EXAMPLE_AZS: "" };
    expect(exampleInputs(app, env)).toEqual({
      region: "us-east-1",
      vpcId: "vpc-0env0000000000000",
      privateSubnetIds: ["subnet-0c1", "subnet-0c2"],
      availabilityZones: undefined,
      publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
      sshKeyName: undefined,
    });
    expect(exampleInputs(new App(), {}).region).toBe("ap-northeast-1");
  });

  test("a given VPC and subnets: the stack makes no network; public CIDRs and an SSH key reach the constructs", () => {
    const app = new App({ stackTraces: false });
    const stack = new Ec2NodeSgStack(app, "ec2-node-sg", {
      region: "eu-west-1",
      vpcId: "vpc-0a1b2c3d4e5f60718",
      privateSubnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"],
      publicAccessCidrs: ["203.0.113.0/24"],
      sshKeyName: "ops",
    });
    const json = synthJson(stack);
    expect(resources(json, "aws_vpc")).toEqual({});
    expect(resources(json, "aws_nat_gateway")).toEqual({});
    expect(only(resources(json, "aws_eks_cluster")).vpc_config).toMatchObject({ endpoint_public_access: true, public_access_cidrs: ["203.0.113.0/24"], subnet_ids: ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"] });
    expect(only(resources(json, "aws_launch_template")).key_name).toBe("ops");
    expect(lines(check(stack).findings.filter((f) => f.policy !== "cluster-sg-detached"))).toEqual([]);
  });

  test("a VPC without subnets is refused with what to set", () => {
    expect(() => new MixedStack(new App(), "mixed", { region: "ap-northeast-1", vpcId: "vpc-0a1b2c3d4e5f60718" })).toThrow(/without two or more private subnets.*Fix: set privateSubnetIds \(context\) or EKS_EXAMPLE_PRIVATE_SUBNET_IDS/);
  });

  test("cdktf.json runs the compiled app, which writes cdktf.out", () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, "cdktf.json"), "utf8"));
    expect(config).toMatchObject({ language: "typescript", app: "npx tsc -p tsconfig.build.json && node dist/main.js", terraformProviders: [], terraformModules: [] });
    expect(fs.readFileSync(path.join(ROOT, "main.ts"), "utf8")).toMatch(/new App\(\{ outdir: "cdktf\.out" \}\)/);
  });
});
