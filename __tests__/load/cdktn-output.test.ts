/**
 * CDK Terrain (cdktn) output, from a real `cdktn synth` (__tests__/fixtures/cdktn/two-stacks, with
 * how it was made): the checker, the CLI and `Findings` read it as they read CDKTF's, follow its
 * cross-stack references, and find the same things as on the same app synthesized by CDKTF.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkPlan, type Finding } from "../../checker";
import { Findings } from "../../modules/policy/testing";
import { cli, FIXTURES } from "../helpers/fixtures";

const APP = path.join(FIXTURES, "cdktn/two-stacks");
const CDKTN = path.join(APP, "out-cdktn");
const CDKTF = path.join(APP, "out-cdktf");

/** A finding without where its input lies, so that two outputs of one app compare. */
const comparable = (f: Finding) => ({ ...f, input: path.relative(f.input.startsWith(CDKTN) ? CDKTN : CDKTF, f.input) });

test("the fixture is cdktn's: its manifest, metadata and provider binding say so", () => {
  expect(JSON.parse(fs.readFileSync(path.join(CDKTN, "manifest.json"), "utf8")).version).toBe("0.24.0");
  const nodes = JSON.parse(fs.readFileSync(path.join(CDKTN, "stacks/nodes/cdk.tf.json"), "utf8"));
  expect(nodes["//"].metadata.version).toBe("0.24.0");
  expect(nodes.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "6.66.0" });
  expect(nodes.data.terraform_remote_state).toHaveProperty(["cross-stack-reference-input-cluster"]);
});

test("checkPlan reads the cdktn.out folder: both stacks, construct paths, the cluster found across stacks", () => {
  const report = checkPlan(CDKTN);
  expect(report.inputs.map((i) => [path.relative(CDKTN, i.path), i.kind, i.stack])).toEqual([
    ["stacks/cluster/cdk.tf.json", "synth", "cluster"],
    ["stacks/nodes/cdk.tf.json", "synth", "nodes"],
  ]);
  expect(report.findings.map((f) => `${f.status} ${f.policy} ${f.constructPath}`).sort()).toEqual([
    "fail apiserver-to-webhooks nodes/workers",
    "fail cluster-sg-detached nodes/workers",
    "fail node-to-apiserver nodes/workers",
    "fail secrets-encryption cluster/cluster",
  ]);
  const blocked = report.findings.find((f) => f.policy === "node-to-apiserver")!;
  // The node group's cluster_name comes from the other stack, through terraform_remote_state.
  expect(blocked.message).toMatch(/the control plane of cluster::aws_eks_cluster\.cluster/);
  expect(blocked.data).toMatchObject({ addIngressFrom: "aws_security_group.node_sg" });
});

test("the findings are those of the same app synthesized by CDKTF, fingerprints included", () => {
  const fromCdktn = checkPlan(CDKTN);
  const fromCdktf = checkPlan(CDKTF);
  expect(fromCdktn.findings.map(comparable)).toEqual(fromCdktf.findings.map(comparable));
  expect(fromCdktn.summary).toEqual(fromCdktf.summary);
});

test("Findings.fromPlan asserts on it by construct path or address", () => {
  const findings = Findings.fromPlan(CDKTN);
  findings.hasFinding("node-to-apiserver", "nodes/workers");
  findings.hasFinding("node-to-apiserver", "aws_eks_node_group.workers");
  findings.hasNoFinding("public-endpoint");
  expect(() => findings.hasNoErrors()).toThrow(/node-to-apiserver/);
});

test("eks-sg-policy check on the folder: one line per finding, exit code 1 for the error", () => {
  const run = cli(["check", path.relative(process.cwd(), CDKTN)]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(/^FAIL - \S*out-cdktn\/stacks\/nodes\/cdk\.tf\.json: aws_eks_node_group\.workers - node-to-apiserver - /m);
});
