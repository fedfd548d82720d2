/** CDKTF output as input: a cdktf.out folder (every stack), a single cdk.tf.json, and tokens. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { ExampleClusterStack } from "../../main";
import { formatRef, isUnknown, valueAt } from "../../checker/model/value";
import { cli, graphOf, statusByAddress, verdicts } from "../helpers/fixtures";
import * as nodeImdsv2 from "../../policies/node-imdsv2";
import * as publicEndpoint from "../../policies/public-endpoint";

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-synth-"));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** A stack with settings the pack rejects, including an escape-hatch override. */
class BrokenStack extends TerraformStack {
  constructor(scope: App, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "ap-northeast-1" });
    const cluster = new EksCluster(this, "open", {
      name: "open",
      roleArn: "arn:aws:iam::111122223333:role/eks",
      vpcConfig: { subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"], endpointPublicAccess: false },
    });
    // An escape hatch turns the endpoint public again: the checker must see it.
    cluster.addOverride("vpc_config.endpoint_public_access", true);
    const template = new LaunchTemplate(this, "nodes", { namePrefix: "nodes-", metadataOptions: { httpTokens: "optional" } });
    new EksNodeGroup(this, "workers", {
      clusterName: cluster.name,
      nodeGroupName: "workers",
      nodeRoleArn: "arn:aws:iam::111122223333:role/node",
      subnetIds: ["subnet-0a1b2c3d4e5f60718"],
      scalingConfig: { desiredSize: 1, maxSize: 1, minSize: 1 },
      launchTemplate: { id: template.id, version: template.latestVersion.toString() },
    });
  }
}

const app = new App({ outdir });
new ExampleClusterStack(app, "example");
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
