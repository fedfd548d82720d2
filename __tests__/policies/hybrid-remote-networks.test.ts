import { App } from "cdktf";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import policy from "../../policies/hybrid-remote-networks";
import { check, TestStack } from "../modules/synth-check";
import { expectVerdicts, wordingOf, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    // Clusters without remote_network_config (cloud_only) are not judged.
    fixture: "p-hybrid-remote-networks",
    expected: {
      'module.hybrid["good"].aws_eks_cluster.this': "pass",
      'module.hybrid["in_vpc"].aws_eks_cluster.this': "fail",
      'module.hybrid["in_secondary"].aws_eks_cluster.this': "fail",
      'module.hybrid["service_given"].aws_eks_cluster.this': "fail",
      "module.defaults.aws_eks_cluster.this": "unknown",
      "module.dc.aws_eks_cluster.this": "fail",
      "module.elsewhere.aws_eks_cluster.this": "unknown",
    },
    facts: {
      'module.hybrid["in_vpc"].aws_eks_cluster.this': { messageId: "rejected", data: { problems: "remote_node_networks 10.80.200.0/24 overlaps 10.80.0.0/16 of the cluster's VPC aws_vpc.main" } },
      // A secondary block associated by a resource of its own.
      'module.hybrid["in_secondary"].aws_eks_cluster.this': { messageId: "rejected", data: { problems: "remote_pod_networks 10.81.32.0/20 overlaps 10.81.0.0/16 of the cluster's VPC aws_vpc.main" } },
      'module.hybrid["service_given"].aws_eks_cluster.this': { messageId: "rejected", data: { problems: "remote_pod_networks 10.200.8.0/21 overlaps the service range 10.200.0.0/16" } },
      // Never a fail on a guess: EKS picks one of two service ranges, and this overlaps only one.
      "module.defaults.aws_eks_cluster.this": {
        messageId: "undecided",
        data: { unknown: "remote_node_networks 172.20.4.0/24 overlaps 172.20.0.0/16, one of the two ranges EKS picks the service range from when service_ipv4_cidr is not set" },
      },
      // The VPC read by a data source, with the secondary block its read returned.
      "module.dc.aws_eks_cluster.this": { messageId: "rejected", data: { problems: "remote_pod_networks 10.41.128.0/17 overlaps 10.41.0.0/16 of the cluster's VPC data.aws_vpc.dc" } },
      "module.elsewhere.aws_eks_cluster.this": {
        messageId: "undecided",
        data: { unknown: 'the cluster\'s VPC is not in this plan, so whether the remote networks overlap its CIDRs is not known (a data "aws_vpc" source would read it)' },
      },
    },
  },
  // Remote networks 172.16.0.0/16 and 172.17.0.0/16 beside a VPC of 10.28.0.0/16, services left to EKS.
  { fixture: "blind-hybrid-correct", expected: { "aws_eks_cluster.this": "pass" } },
  { fixture: "blind-hybrid-wrong-sg", expected: { "aws_eks_cluster.this": "pass" } },
];

describe("hybrid-remote-networks", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "p-hybrid-remote-networks", 'module.hybrid["in_vpc"].aws_eks_cluster.this')).toEqual([
    "EKS rejects the remote networks: remote_node_networks 10.80.200.0/24 overlaps 10.80.0.0/16 of the cluster's VPC aws_vpc.main; give remote_node_networks and remote_pod_networks private (RFC 1918) blocks of /8 or smaller that lie outside the VPC's CIDRs and the service range (set service_ipv4_cidr to keep it known)",
  ]);
});

// The AWS provider refuses a block outside RFC 1918 while planning, so no plan holds one: at synth
// time, before terraform runs, the policy says so.
describe("at synth time, a CDKTF stack with hybrid nodes' remote networks", () => {
  function stack(nodeCidr: string) {
    const s = new TestStack(new App({ stackTraces: false }), `hybrid-${nodeCidr.replace(/[./]/g, "-")}`);
    const vpc = new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true });
    const subnets = ["a", "c"].map((zone, i) => new Subnet(s, `subnet-${zone}`, { vpcId: vpc.id, availabilityZone: `ap-northeast-1${zone}`, cidrBlock: `10.0.${i * 16}.0/20` }));
    new EksCluster(s, "cluster", {
      name: "edge",
      roleArn: "arn:aws:iam::111122223333:role/eks-cluster",
      accessConfig: { authenticationMode: "API" },
      vpcConfig: { subnetIds: subnets.map((subnet) => subnet.id), endpointPrivateAccess: true, endpointPublicAccess: false },
      kubernetesNetworkConfig: { serviceIpv4Cidr: "172.31.0.0/16" },
      remoteNetworkConfig: { remoteNodeNetworks: { cidrs: [nodeCidr] } },
    });
    return check(s).findings.filter((f) => f.policy === "hybrid-remote-networks").map((f) => `${f.status} ${f.message.split(";")[0]}`);
  }

  test.each([
    ["203.0.113.0/24", ["fail EKS rejects the remote networks: remote_node_networks 203.0.113.0/24 is not within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"]],
    ["10.0.64.0/20", ["fail EKS rejects the remote networks: remote_node_networks 10.0.64.0/20 overlaps 10.0.0.0/16 of the cluster's VPC aws_vpc.vpc"]],
    ["192.168.0.0/22", []],
  ])("remote nodes in %s", (cidr, findings) => {
    expect(stack(cidr)).toEqual(findings);
  });
});
