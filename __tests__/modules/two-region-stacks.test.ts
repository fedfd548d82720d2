/**
 * A CDKTF app with a stack per region, as multi-region CDKTF apps are written: each stack its own
 * AwsProvider, a cluster called "prod", a node SG carrying Karpenter's discovery tag and an
 * EC2NodeClass (a `kubectl_manifest`) that selects SGs by that tag. Checked together (one world, as
 * `check cdktf.out` does), each NodeClass picks the SGs of its own region only: the provider block
 * of each stack says the region. The eu node SG admits TCP 10250 from 10.0.0.0/8, which would open
 * the us nodes too if that SG could be on them.
 */
import { App, TerraformResource, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { stringify } from "yaml";
import { checkPlan } from "../../checker";
import { topologyOf } from "../../checker/eks/topology";
import type { LoadedInput } from "../../checker/load/plan-document";
import { modelInputs } from "../../checker/model/join-inputs";
import { EksCluster } from "../../modules";
import { KubectlProvider } from "../../modules/kubectl-provider";

function regionStack(app: App, id: string, region: string, cidr: string, kubeletFromPlatform: boolean): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AwsProvider(stack, "aws", { region });
  const vpc = new Vpc(stack, "vpc", { cidrBlock: cidr });
  const subnets = [0, 1].map((i) => new Subnet(stack, `private-${i}`, { vpcId: vpc.id, cidrBlock: `${cidr.split(".").slice(0, 2).join(".")}.${i * 16}.0/20`, availabilityZone: `${region}${"ab"[i]}` }));
  const cluster = new EksCluster(stack, "cluster", { name: "prod", subnetIds: subnets.map((s) => s.id) });
  const node = new SecurityGroup(stack, "node", { name: "prod-node", vpcId: vpc.id, tags: { "karpenter.sh/discovery": "prod" } });
  new VpcSecurityGroupEgressRule(stack, "node-egress", { securityGroupId: node.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1" });
  if (kubeletFromPlatform) new VpcSecurityGroupIngressRule(stack, "kubelet", { securityGroupId: node.id, cidrIpv4: "10.0.0.0/8", ipProtocol: "tcp", fromPort: 10250, toPort: 10250 });
  const nodeClass = new TerraformResource(stack, "node-class", { terraformResourceType: "kubectl_manifest", provider: new KubectlProvider(stack, "kubectl", cluster) });
  nodeClass.addOverride(
    "yaml_body",
    stringify({
      apiVersion: "karpenter.k8s.aws/v1",
      kind: "EC2NodeClass",
      metadata: { name: "default" },
      spec: {
        role: "KarpenterNodeRole-prod",
        amiSelectorTerms: [{ alias: "al2023@latest" }],
        subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "prod" } }],
        securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "prod" } }],
      },
    }),
  );
  return stack;
}

const app = Testing.app();
const inputs: LoadedInput[] = [regionStack(app, "eu", "eu-west-1", "10.150.0.0/16", true), regionStack(app, "us", "us-east-1", "10.151.0.0/16", false)].map((stack) => ({
  kind: "synth",
  path: `cdktf.out/stacks/${stack.node.id}/cdk.tf.json`,
  stack: stack.node.id,
  document: JSON.parse(Testing.synth(stack)),
}));

test("each stack's NodeClass picks the discovery-tagged SG of its own region", () => {
  const graph = modelInputs(inputs);
  const nodeClasses = topologyOf(graph).clusters.flatMap((c) => c.nodes.filter((n) => n.kind === "karpenter"));
  expect(nodeClasses.map((n) => [n.address, n.sgs.members])).toEqual([
    ["eu::kubectl_manifest.node-class", ["eu::aws_security_group.node"]],
    ["us::kubectl_manifest.node-class", ["us::aws_security_group.node"]],
  ]);
});

test("the us NodeClass is not passed by the eu SG's rule", () => {
  const kubelet = checkPlan(inputs).findings.filter((f) => f.policy === "apiserver-to-kubelet" && f.address === "kubectl_manifest.node-class");
  expect(kubelet.map((f) => [f.stack, f.status])).toEqual([["us", expect.stringMatching(/^(fail|unknown)$/)]]);
});
