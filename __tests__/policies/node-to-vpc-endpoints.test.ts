import policy from "../../policies/node-to-vpc-endpoints";
import { expectVerdicts, fixturePlan, verdicts, wordingOf, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    fixture: "topo-vpc-endpoints",
    expected: {
      "aws_eks_node_group.workers": "fail+pass+unknown",
      "aws_eks_node_group.later": "unknown",
      "aws_eks_node_group.spread": "unknown",
      'kubernetes_manifest.eni_config["ap-northeast-1a"]': "fail+unknown",
      'kubernetes_manifest.eni_config["ap-northeast-1c"]': "fail+unknown",
    },
    facts: {
      "aws_eks_node_group.workers": [
        {
          messageId: "flow-blocked",
          data: { what: "nodes → sts VPC endpoint aws_vpc_endpoint.sts", ingress: "ingress side missing: no ingress rule on aws_security_group.on_premises allows TCP 443 from managed(aws_eks_node_group.workers)" },
        },
        { messageId: "flow-unknown", data: { what: "nodes → ec2 VPC endpoint aws_vpc_endpoint.ec2", undecided: ["ingress"] } },
      ],
      // Pods on custom networking's ENIs in the secondary CIDR: an endpoint SG admitting the VPC's primary CIDR leaves them out.
      'kubernetes_manifest.eni_config["ap-northeast-1a"]': {
        messageId: "flow-blocked",
        data: {
          what: "pods on these ENIs → logs VPC endpoint aws_vpc_endpoint.logs",
          ingress: 'ingress side missing: no ingress rule on aws_security_group.vpc_wide allows TCP 443 from pod-network(kubernetes_manifest.eni_config["ap-northeast-1a"])',
        },
      },
      // Never a verdict on a guess: the endpoints are in one of the two VPCs the cluster may be in.
      "aws_eks_node_group.spread": {
        messageId: "endpoint-vpc-unknown",
        data: {
          unknown:
            'aws_vpc_endpoint.ec2, aws_vpc_endpoint.ecr["ecr.api"], aws_vpc_endpoint.ecr["ecr.dkr"], aws_vpc_endpoint.logs, aws_vpc_endpoint.sts are in aws_vpc.main, one of the VPCs the cluster\'s subnets may be in (the plan does not say which)',
        },
      },
      "aws_eks_node_group.later": {
        messageId: "endpoint-vpc-unknown",
        data: {
          unknown:
            'subnets: known only after apply; from terraform_data.subnet_lookup.id, terraform_data.subnet_lookup.output; so whether aws_vpc_endpoint.ec2, aws_vpc_endpoint.ecr["ecr.api"], aws_vpc_endpoint.ecr["ecr.dkr"], aws_vpc_endpoint.logs, aws_vpc_endpoint.sts serve its nodes is not known',
        },
      },
    },
  },
  // No interface endpoint with private DNS: nothing to judge.
  { fixture: "p-private-endpoint-dns", expected: {} },
  {
    // The VPC and subnets read with data sources: the nodes' subnets' CIDRs are known, and an
    // endpoint SG admitting one of the three leaves the nodes in the other two out.
    fixture: "topo-network-by-data-sources",
    expected: { "aws_eks_node_group.platform": "fail+pass" },
    facts: {
      "aws_eks_node_group.platform": {
        messageId: "flow-blocked",
        data: {
          what: "nodes → ecr.dkr VPC endpoint aws_vpc_endpoint.ecr_dkr",
          ingress:
            'ingress side missing: no ingress rule on aws_security_group.endpoints["ecr"] allows TCP 443 from managed(aws_eks_node_group.platform) (only part of it: ingress tcp/443 from 10.40.0.0/19)',
        },
      },
    },
  },
];

describe("node-to-vpc-endpoints", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("pods on SGs of their own are judged for the services they call themselves (not ECR, which the kubelet calls from the node)", () => {
  const byEndpoint = verdicts(policy, fixturePlan("topo-vpc-endpoints"))
    .filter((r) => r.address === 'kubernetes_manifest.eni_config["ap-northeast-1a"]')
    .map((r) => `${r.key?.split("→")[1]} ${r.status}${r.status === "fail" ? ` ${r.severity}` : ""}`)
    .sort();
  expect(byEndpoint).toEqual(["aws_vpc_endpoint.ec2 unknown", "aws_vpc_endpoint.logs fail warning", "aws_vpc_endpoint.sts fail error"]);
});

test("each endpoint the nodes need is judged on its own SGs, at the severity of what it serves; ssm, xray without private DNS and the S3 gateway are not", () => {
  const byEndpoint = verdicts(policy, fixturePlan("topo-vpc-endpoints"))
    .filter((r) => r.address === "aws_eks_node_group.workers")
    .map((r) => `${r.key?.split("→")[1]} ${r.status}${r.status === "fail" ? ` ${r.severity}` : ""}`)
    .sort();
  expect(byEndpoint).toEqual(["aws_vpc_endpoint.ec2 unknown", 'aws_vpc_endpoint.ecr["ecr.api"] pass', 'aws_vpc_endpoint.ecr["ecr.dkr"] pass', "aws_vpc_endpoint.logs pass", "aws_vpc_endpoint.sts fail error"]);
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-vpc-endpoints", "aws_eks_node_group.later")).toEqual([
    'cannot tell which VPC endpoints serve this cluster: subnets: known only after apply; from terraform_data.subnet_lookup.id, terraform_data.subnet_lookup.output; so whether aws_vpc_endpoint.ec2, aws_vpc_endpoint.ecr["ecr.api"], aws_vpc_endpoint.ecr["ecr.dkr"], aws_vpc_endpoint.logs, aws_vpc_endpoint.sts serve its nodes is not known',
  ]);
});
