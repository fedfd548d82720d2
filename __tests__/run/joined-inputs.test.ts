/**
 * One cluster across several inputs: a CDKTF app split into cluster, nodes and add-on stacks
 * joined by cross-stack references gets the verdicts of the same resources in one stack — as
 * `cdktf.out`, in the synth-time gate and in `Findings`; a stack alone stays `unknown` and says
 * which remote state would decide it; context inputs shape the topology but get no findings.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { checkPlan, type Finding, type Report } from "../../checker";
import { loadInputs } from "../../checker/load/load-inputs";
import { modelInputs } from "../../checker/model/join-inputs";
import { topologyViews } from "../../checker/report/topology-view";
import { EksPolicyGate } from "../../modules";
import { Findings } from "../../modules/policy/testing";
import { addSingleStack, addSplitStacks } from "../fixtures/cdktf/split-app";
import { cli } from "../helpers/fixtures";

/** What a report decides, whatever stack a resource sits in: `status policy address`, sorted. */
function verdictsOf(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.status} ${f.policy} ${f.address}`).sort();
}

function synthesized(build: (app: App) => unknown): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-joined-"));
  const app = new App({ outdir });
  build(app);
  app.synth();
  return outdir;
}

const split = synthesized(addSplitStacks);
const single = synthesized((app) => addSingleStack(app));
const singleReport = checkPlan([single]);

describe("a CDKTF app split into stacks joined by cross-stack references", () => {
  test("the fixture decides something: node-dns and node-to-node fail, node-to-apiserver passes only through the add-on stack's rule", () => {
    expect(verdictsOf(singleReport.findings)).toEqual(expect.arrayContaining(["fail node-dns aws_eks_node_group.workers", "fail node-to-node aws_eks_node_group.workers"]));
    expect(singleReport.findings.filter((f) => f.status === "unknown")).toEqual([]);
    expect(verdictsOf(singleReport.findings).some((v) => v.includes("node-to-apiserver"))).toBe(false);
  });

  test("checked as cdktf.out, it gets the verdicts of the one-stack app, each on the stack that holds the resource", () => {
    const report = checkPlan([split]);
    expect(verdictsOf(report.findings)).toEqual(verdictsOf(singleReport.findings));
    expect(report.summary).toEqual(singleReport.summary);
    const byStack = Object.fromEntries(report.findings.map((f) => [`${f.policy} ${f.address}`, f.stack]));
    expect(byStack["node-dns aws_eks_node_group.workers"]).toBe("nodes");
    expect(byStack["secrets-encryption aws_eks_cluster.cluster"]).toBe("cluster");
    expect(report.findings.every((f) => f.input === path.join(split, "stacks", f.stack!, "cdk.tf.json"))).toBe(true);
  });

  test("a finding names its own resources plainly and another stack's with that stack's label", () => {
    const dns = checkPlan([split]).findings.find((f) => f.policy === "node-dns")!;
    expect(dns.message).toMatch(/egress allowed by cluster::aws_vpc_security_group_egress_rule\.node-egress; ingress side missing: no ingress rule on cluster::aws_security_group\.node-sg/);
    expect(dns.message).not.toMatch(/nodes::/);
    expect(JSON.stringify(dns.data)).not.toMatch(/nodes::/);
  });

  test("Findings.of(app) and Findings.of(one stack) follow the references into the other stacks", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-joined-")) });
    const [, nodes] = addSplitStacks(app);
    expect(verdictsOf(Findings.of(app).findings())).toEqual(verdictsOf(singleReport.findings));
    const ofNodes = Findings.of(nodes);
    expect(verdictsOf(ofNodes.findings())).toEqual(verdictsOf(singleReport.findings.filter((f) => f.address !== "aws_eks_cluster.cluster")));
    ofNodes.hasFinding("node-dns", "nodes/workers", { status: "fail" });
  });

  test("the synth-time gate checks each stack with the others as context", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-joined-")) });
    const stacks = addSplitStacks(app);
    const gate = EksPolicyGate.of(app, { failOn: "never" });
    app.synth();
    const reports = stacks.map((stack) => gate.reportOf(stack)!);
    expect(verdictsOf(reports.flatMap((r: Report) => r.findings))).toEqual(verdictsOf(singleReport.findings));
    expect(reports.map((r) => r.findings.map((f) => f.stack).every((s, _, all) => s === all[0]))).toEqual([true, true, true]);
  });

  test("a stack alone stays unknown and says which remote state would decide it", () => {
    const report = checkPlan([path.join(split, "stacks/nodes/cdk.tf.json")]);
    const unknown = report.findings.filter((f) => f.status === "unknown");
    expect(unknown.map((f) => f.policy).sort()).toEqual(["apiserver-to-kubelet", "apiserver-to-webhooks", "node-dns", "node-to-apiserver", "node-to-node"]);
    for (const f of unknown) expect(f.message).toMatch(/data\.terraform_remote_state\.cross-stack-reference-input-cluster\.outputs\.\S+ \(remote state: give the cdk\.tf\.json, plan or state of the stack or configuration that writes it, with --context/);
  });
});

describe("--context", () => {
  const stack = (name: string) => path.join(split, "stacks", name, "cdk.tf.json");

  test("context inputs complete the topology and get no findings of their own", () => {
    const { stdout, code } = cli(["check", stack("nodes"), "--context", stack("cluster"), "--context", stack("addons"), "--format", "json", "--fail-on", "never"]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    expect(verdictsOf(report.findings)).toEqual(verdictsOf(singleReport.findings.filter((f) => f.address !== "aws_eks_cluster.cluster")));
    expect(report.findings.every((f) => f.input === stack("nodes"))).toBe(true);
    expect(report.inputs.map((i) => [i.path, i.context === true])).toEqual([
      [stack("nodes"), false],
      [stack("cluster"), true],
      [stack("addons"), true],
    ]);
  });

  test("a state is read as context, and stays an input error as a subject", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-state-"));
    const state = path.join(dir, "state.json");
    fs.writeFileSync(state, JSON.stringify({ format_version: "1.0", terraform_version: "1.11.4", values: { root_module: { resources: [] } } }));
    expect(cli(["check", state])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^.*state\.json: is a Terraform state, not a plan\. Make a plan/) });
    expect(cli(["check", stack("nodes"), "--context", state, "--fail-on", "never"]).code).toBe(0);
    const raw = path.join(dir, "terraform.tfstate");
    fs.writeFileSync(raw, JSON.stringify({ version: 4, serial: 1, lineage: "x", resources: [] }));
    const { code, stderr } = cli(["check", stack("nodes"), "--context", raw]);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([`eks-sg-policy: ${raw}: is a raw Terraform state file, which the checker does not read. Pass the output of \`terraform show -json\` of that state (in its folder: terraform show -json > state.json)`]);
  });
});

describe("the joined world", () => {
  test("one input alone is modelled without labels, several with their stack names", () => {
    const inputs = loadInputs([split]);
    expect([...modelInputs(inputs.slice(0, 1)).instances.keys()].every((a) => !a.includes("::"))).toBe(true);
    const joined = modelInputs(inputs);
    expect(joined.inputs.map((i) => i.label)).toEqual(["addons", "cluster", "nodes"]);
    expect(joined.sourceOf("nodes::aws_eks_node_group.workers")).toEqual({ input: joined.inputs[2], address: "aws_eks_node_group.workers" });
  });

  test("labels are the shortest ends of the paths that tell the inputs apart, made unique", () => {
    const file = path.join(split, "stacks/nodes/cdk.tf.json");
    expect(modelInputs(loadInputs([file, file])).inputs.map((i) => i.label)).toEqual(["nodes/cdk.tf.json", "nodes/cdk.tf.json#2"]);
    const other = path.join(split, "stacks/addons/cdk.tf.json");
    expect(modelInputs(loadInputs([file, other])).inputs.map((i) => i.label)).toEqual(["nodes/cdk.tf.json", "addons/cdk.tf.json"]);
  });

  test("the diagram draws the joined cluster once, each node class labelled by its stack", () => {
    const [view] = topologyViews([modelInputs(loadInputs([split]))]);
    expect(view.clusters.map((c) => c.address)).toEqual(["cluster::aws_eks_cluster.cluster"]);
    expect(view.clusters[0].nodes.map((n) => n.address)).toEqual(["nodes::aws_eks_node_group.workers"]);
  });
});
