/** CDKTF output as input: a cdktf.out folder (every stack), a single cdk.tf.json, and tokens. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { Ec2ClusterSgStack } from "../../main";
import { BrokenStack } from "../fixtures/cdktf/broken-stack";
import { formatRef, isUnknown, valueAt } from "../../checker/model/value";
import { isFailing } from "../../checker/findings/report";
import { cli, fixturePlan, graphOf, reportOf, statusByAddress, verdicts } from "../helpers/fixtures";
import nodeImdsv2 from "../../policies/node-imdsv2";
import publicEndpoint from "../../policies/public-endpoint";

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-synth-"));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

const app = new App({ outdir });
new Ec2ClusterSgStack(app, "example");
new BrokenStack(app, "broken");
app.synth();

test("a cdktf.out folder loads every stack of its manifest", () => {
  const run = cli(["check", outdir, "--format", "json"]);
  const report = JSON.parse(run.stdout);
  expect(report.inputs.map((i: { stack: string; kind: string }) => [i.kind, i.stack])).toEqual([
    ["synth", "broken"],
    ["synth", "example"],
  ]);
  expect(run.code).toBe(1);
  const example = report.findings.filter((f: { stack: string }) => f.stack === "example");
  expect(example).toEqual([]);
});

test("a stack's own folder is that stack, named as the app's manifest names it, with the findings the app gives it", () => {
  const whole = JSON.parse(cli(["check", outdir, "--format", "json"]).stdout);
  const run = cli(["check", path.join(outdir, "stacks/broken"), "--format", "json"]);
  const report = JSON.parse(run.stdout);
  expect(report.inputs.map((i: { stack: string; kind: string }) => [i.kind, i.stack])).toEqual([["synth", "broken"]]);
  expect(run.code).toBe(1);
  const fingerprints = (r: { findings: { stack: string; fingerprint: string }[] }) => r.findings.filter((f) => f.stack === "broken").map((f) => f.fingerprint);
  expect(fingerprints(report)).toEqual(fingerprints(whole));
  expect(fingerprints(report).length).toBeGreaterThan(0);
});

test("a stack folder outside any synth output is named by the folder", () => {
  const lone = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-stackdir-")), "nodes");
  fs.mkdirSync(lone);
  fs.copyFileSync(path.join(outdir, "stacks/broken/cdk.tf.json"), path.join(lone, "cdk.tf.json"));
  const report = JSON.parse(cli(["check", lone, "--format", "json"]).stdout);
  fs.rmSync(path.dirname(lone), { recursive: true, force: true });
  expect(report.inputs.map((i: { stack: string }) => i.stack)).toEqual(["nodes"]);
});

test("tokens become Unknown values that point at the referenced resource", () => {
  const graph = graphOf(path.join(outdir, "stacks/broken/cdk.tf.json"));
  const group = graph.instances.get("aws_eks_node_group.workers")!;
  const id = valueAt(group.after!, ["launch_template", 0, "id"]);
  expect(isUnknown(id) && id.refs.map(formatRef)).toEqual(["aws_launch_template.nodes.id"]);
  expect(group.constructPath).toBe("broken/workers");
});

test("policies judge synth output, overrides included", () => {
  const file = path.join(outdir, "stacks/broken/cdk.tf.json");
  expect(statusByAddress(verdicts(publicEndpoint, file))).toEqual({ "aws_eks_cluster.open": "fail" });
  expect(statusByAddress(verdicts(nodeImdsv2, file))).toEqual({ "aws_launch_template.nodes": "fail" });
});

test("findings on synth input carry the construct path", () => {
  const report = JSON.parse(cli(["check", path.join(outdir, "stacks/broken/cdk.tf.json"), "--format", "json"]).stdout);
  const finding = report.findings.find((f: { policy: string }) => f.policy === "public-endpoint");
  expect(finding.constructPath).toBe("broken/open");
});

describe.each(["cdktf-ec2-cluster-sg", "cdktf-ec2-node-sg", "cdktf-fargate", "cdktf-mixed", "cdktf-broken"])("%s: the same verdicts at synth time and at plan time", (name) => {
  // The committed cdk.tf.json was planned by terraform into plan.json (regenerate.sh).
  const atPlan = reportOf([fixturePlan(name)]);
  const atSynth = reportOf([path.join(path.dirname(fixturePlan(name)), "cdk.tf.json")]);
  const verdictsOf = (report: typeof atPlan) => report.findings.map((f) => `${f.status} ${f.policy} ${f.address}`);
  test("the findings and counts agree", () => {
    expect(atPlan.summary.checks).toBeGreaterThan(3);
    expect(atSynth.summary).toEqual(atPlan.summary);
    expect(verdictsOf(atSynth)).toEqual(verdictsOf(atPlan));
  });
  test(name === "cdktf-broken" ? "and the broken stack fails" : "and the example passes (info notes aside)", () => {
    expect(isFailing(atPlan, "warning")).toBe(name === "cdktf-broken");
    expect(atPlan.summary.unknown).toBe(0);
  });
});
