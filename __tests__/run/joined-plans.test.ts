/**
 * One cluster across several real plans (fixtures/split, made by terraform offline): Terraform root
 * modules joined through `terraform_remote_state` (local backend, read at plan time) or through
 * literal ids in tfvars or through a `data "aws_eks_cluster"` read, and the stacks of a CDKTF app
 * planned one after the other. Given together —
 * or with the cluster's state as `--context` — they get decided verdicts, the same as the resources
 * planned in one configuration; a node plan alone stays `unknown` and says what would decide it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Testing, TerraformStack } from "cdktf";
import { DataAwsEksCluster } from "@cdktf/provider-aws/lib/data-aws-eks-cluster";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Finding, Report } from "../../checker";
import { cli, FIXTURES } from "../helpers/fixtures";

const SPLIT = path.join(FIXTURES, "split");
const at = (file: string) => path.join(SPLIT, file);

function check(inputs: readonly string[], contexts: readonly string[] = []): Report {
  const { stdout, stderr, code } = cli(["check", ...inputs.map((i) => (path.isAbsolute(i) ? i : at(i))), ...contexts.flatMap((c) => ["--context", at(c)]), "--format", "json", "--fail-on", "never", "--no-config"]);
  if (code !== 0) throw new Error(stderr);
  return JSON.parse(stdout) as Report;
}

/** `status policy address` of the findings on one input (all inputs when omitted), sorted. */
function verdicts(report: Report, input?: string): string[] {
  return report.findings
    .filter((f: Finding) => input === undefined || f.input === at(input))
    .map((f) => `${f.status} ${f.policy} ${f.address}`)
    .sort();
}

describe("root modules joined through terraform_remote_state or literal ids", () => {
  const decided = ["fail node-dns aws_eks_node_group.workers", "fail node-to-node aws_eks_node_group.workers", "fail apiserver-to-webhooks aws_eks_node_group.workers", "fail cluster-sg-detached aws_eks_node_group.workers"].sort();

  test("the nodes plan alone is unknown, and names the remote state that would decide it", () => {
    const report = check(["nodes-remote-state/plan.json"]);
    const flows = report.findings.filter((f) => f.status === "unknown");
    expect(flows.map((f) => f.policy).sort()).toEqual(["apiserver-to-kubelet", "apiserver-to-webhooks", "node-dns", "node-to-apiserver", "node-to-node"]);
    for (const f of flows) expect(f.message).toMatch(/cluster "split-demo" is not in this plan \(it may come from remote state data\.terraform_remote_state\.cluster: give the plan, cdk\.tf\.json or state that writes it with --context\)/);
  });

  test.each([
    ["with the cluster's plan", ["cluster/plan.json"], []],
    ["with the cluster's state as --context", [], ["cluster/state.json"]],
    ["with the cluster's plan as --context", [], ["cluster/plan.json"]],
  ])("%s, the node group's flows are decided: DNS to CoreDNS on the system group is blocked", (_, inputs, contexts) => {
    for (const nodes of ["nodes-remote-state/plan.json", "nodes-tfvars/plan.json", "nodes-data-source/plan.json"]) {
      const report = check([nodes, ...inputs], contexts);
      expect(verdicts(report, nodes)).toEqual(decided);
      expect(report.findings.find((f) => f.policy === "node-dns" && f.input === at(nodes))?.message).toMatch(/^DNS to CoreDNS hosts in cluster\/(plan|state)\.json::aws_eks_node_group\.system .* is blocked on UDP 53, TCP 53/);
    }
  });

  test("the cluster's own findings come only when its plan is a subject", () => {
    expect(verdicts(check(["nodes-tfvars/plan.json"], ["cluster/plan.json"])).every((v) => v.endsWith("aws_eks_node_group.workers"))).toBe(true);
    expect(verdicts(check(["nodes-tfvars/plan.json", "cluster/plan.json"]), "cluster/plan.json")).toEqual(
      expect.arrayContaining(["fail node-dns aws_eks_node_group.system", "fail control-plane-logging aws_eks_cluster.this"]),
    );
  });

  test("literal ids alone say the cluster is in no plan given", () => {
    const report = check(["nodes-tfvars/plan.json"]);
    expect(report.findings.filter((f) => f.status === "unknown").map((f) => f.message)).toContain('cannot check DNS (TCP and UDP 53) to the CoreDNS hosts: cluster "split-demo" is not in this plan');
  });

  test("a cluster read with a data source gives the nodes a control plane: what the node SG's rules decide stays unknown by flow", () => {
    const report = check(["nodes-data-source/plan.json"]);
    expect(verdicts(report)).toEqual(
      [
        "unknown apiserver-to-kubelet aws_eks_node_group.workers",
        "unknown apiserver-to-webhooks aws_eks_node_group.workers",
        "unknown node-dns aws_eks_node_group.workers",
        "unknown node-to-apiserver aws_eks_node_group.workers",
        "unknown node-to-node aws_eks_node_group.workers",
        // Which SGs the nodes carry is known now: the launch template's, not the read cluster's SG.
        "fail cluster-sg-detached aws_eks_node_group.workers",
      ].sort(),
    );
    const kubelet = report.findings.find((f) => f.policy === "apiserver-to-kubelet")!;
    expect(kubelet.message).toMatch(/the control plane of data\.aws_eks_cluster\.this → aws_eks_node_group\.workers/);
    expect(kubelet.message).toMatch(/the rules of sg-083b31506360829e8 \(not in this plan\) are not in this plan/);
    expect(report.findings.some((f) => f.message.includes("is not in this plan (") || f.message.includes('cluster "split-demo" is not'))).toBe(false);
  });

  test("joined with the cluster's state, the read is that cluster: one control plane, the verdicts of literal ids", () => {
    const read = check(["nodes-data-source/plan.json"], ["cluster/state.json"]);
    const literal = check(["nodes-tfvars/plan.json"], ["cluster/state.json"]);
    expect(read.findings.map((f) => `${f.status} ${f.policy} ${f.address}: ${f.message}`).sort()).toEqual(literal.findings.map((f) => `${f.status} ${f.policy} ${f.address}: ${f.message}`).sort());
    expect(read.summary).toEqual(literal.summary);
  });
});

describe("the stacks of a CDKTF app, planned one after the other", () => {
  const single = check(["cdktf/single/plan.json"]);

  test("the one-stack plan decides the scenario", () => {
    expect(verdicts(single)).toEqual(expect.arrayContaining(["fail node-dns aws_eks_node_group.workers", "fail node-to-node aws_eks_node_group.workers"]));
    expect(single.summary.unknown).toBe(0);
  });

  test("the three stacks' plans together get the one-stack verdicts, each on its stack's plan", () => {
    const joined = check(["cdktf/cluster/plan.json", "cdktf/nodes/plan.json", "cdktf/addons/plan.json"]);
    expect(verdicts(joined)).toEqual(verdicts(single));
    expect(joined.summary).toEqual(single.summary);
    expect(verdicts(joined, "cdktf/nodes/plan.json")).toEqual(verdicts(single).filter((v) => v.endsWith("aws_eks_node_group.workers")));
  });

  test("the nodes stack with the applied cluster stack's state and the add-ons plan as context", () => {
    const report = check(["cdktf/nodes/plan.json"], ["cdktf/cluster/state.json", "cdktf/addons/plan.json"]);
    expect(verdicts(report)).toEqual(verdicts(single).filter((v) => v.endsWith("aws_eks_node_group.workers")));
  });

  test("without the add-ons stack, the cluster SG's rule for the nodes is missing: node-to-apiserver fails", () => {
    const report = check(["cdktf/nodes/plan.json"], ["cdktf/cluster/state.json"]);
    expect(verdicts(report)).toContain("fail node-to-apiserver aws_eks_node_group.workers");
  });

  describe('a nodes stack of another app that reads the cluster with DataAwsEksCluster, at synth time', () => {
    // Nothing is read at synth time; the data source's name is what it looks the cluster up by.
    const app = new App();
    const stack = new TerraformStack(app, "nodes-by-name");
    new AwsProvider(stack, "aws", { region: "eu-west-1" });
    const cluster = new DataAwsEksCluster(stack, "cluster", { name: "split-app" });
    new EksNodeGroup(stack, "workers", {
      clusterName: cluster.name,
      nodeGroupName: "workers",
      nodeRoleArn: "arn:aws:iam::111122223333:role/node",
      subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"],
      scalingConfig: { desiredSize: 2, maxSize: 3, minSize: 1 },
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-data-cluster-"));
    const synthesized = path.join(dir, "cdk.tf.json");
    fs.writeFileSync(synthesized, Testing.synth(stack));

    test("alone, its node group names the cluster by that name", () => {
      const report = check([synthesized]);
      expect(report.findings.filter((f) => f.status === "unknown").map((f) => f.message)).toContain('cannot check DNS (TCP and UDP 53) to the CoreDNS hosts: cluster "split-app" is not in this plan');
    });

    test("with the cluster stack's state as context, the node group is on that cluster: its flows are decided", () => {
      const report = check([synthesized], ["cdktf/cluster/state.json"]);
      // No launch template: the nodes carry the cluster SG, whose own rules open every flow.
      expect(report.findings).toEqual([]);
      expect(report.summary).toMatchObject({ unknown: 0, failed: 0 });
      expect(report.summary.passed).toBeGreaterThanOrEqual(5);
    });
  });
});
