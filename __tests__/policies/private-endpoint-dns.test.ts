import { App } from "cdktf";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import policy from "../../policies/private-endpoint-dns";
import { check, TestStack } from "../modules/synth-check";
import { expectVerdicts, fixturePlan, verdicts, wordingOf, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    // Private access off (public_only) and subnets made outside the plan and not read (elsewhere) are not judged.
    fixture: "p-private-endpoint-dns",
    expected: {
      "aws_eks_cluster.good": "pass",
      "aws_eks_cluster.amazon_dns": "pass",
      "aws_eks_cluster.defaults": "fail",
      "aws_eks_cluster.both_public": "fail",
      "aws_eks_cluster.corp_dns": "fail",
      "aws_eks_cluster.plain": "unknown",
      "aws_eks_cluster.subnets_later": "unknown",
      'aws_eks_cluster.dhcp["corp"]': "unknown",
      'aws_eks_cluster.dhcp["amazon"]': "unknown",
    },
    facts: {
      "aws_eks_cluster.defaults": { messageId: "private-unresolvable", data: { problems: "enable_dns_hostnames is false on aws_vpc.defaults" } },
      "aws_eks_cluster.both_public": { messageId: "public-instead", data: { problems: "enable_dns_support is false on aws_vpc.no_support" } },
      "aws_eks_cluster.corp_dns": {
        messageId: "private-unresolvable",
        data: { problems: 'the DHCP options module.network["corp"].aws_vpc_dhcp_options.this[0] of module.network["corp"].aws_vpc.this list 10.20.0.2, 10.20.0.3, not AmazonProvidedDNS' },
      },
      "aws_eks_cluster.plain": {
        messageId: "vpc-undecided",
        data: { unknown: 'enable_dns_hostnames of module.network["plain"].aws_vpc.this: known only after apply; unresolved: local.networks (locals are not in plan JSON)' },
      },
      "aws_eks_cluster.subnets_later": { messageId: "vpc-undecided", data: { unknown: "subnets: known only after apply; from terraform_data.subnet_lookup.id" } },
      // Never a fail on a guess: the corporate DNS is in one of the two VPCs the subnets may be in.
      'aws_eks_cluster.dhcp["amazon"]': {
        messageId: "vpc-undecided",
        data: {
          unknown:
            'the subnets are among those of aws_vpc.dhcp["amazon"], aws_vpc.dhcp["corp"] (the plan does not say which), and the DHCP options aws_vpc_dhcp_options.dhcp["corp"] of aws_vpc.dhcp["corp"] list 10.20.0.2, 10.20.0.3, not AmazonProvidedDNS',
        },
      },
    },
  },
  {
    // The cluster stack of a network made elsewhere, read with data sources at plan time.
    fixture: "topo-network-by-data-sources",
    expected: {
      "module.platform.aws_eks_cluster.this": "fail",
      'module.clusters["services"].aws_eks_cluster.this': "fail",
      'module.clusters["apps"].aws_eks_cluster.this': "pass",
      'module.clusters["edge"].aws_eks_cluster.this': "unknown",
    },
    facts: {
      "module.platform.aws_eks_cluster.this": { messageId: "private-unresolvable", data: { problems: "enable_dns_hostnames is false on data.aws_vpc.platform" } },
      // Its VPC only through data.aws_subnets' vpc-id filter; its DHCP options through a data source of their own.
      'module.clusters["services"].aws_eks_cluster.this': {
        messageId: "public-instead",
        data: { problems: 'the DHCP options data.aws_vpc_dhcp_options.by_name["services"] of data.aws_vpc.by_name["services"] list 10.0.0.2, 10.0.0.3, not AmazonProvidedDNS' },
      },
      'module.clusters["edge"].aws_eks_cluster.this': {
        messageId: "vpc-undecided",
        data: {
          unknown:
            'the DHCP options dopt-0d4a1c9e2b7f30a44 of data.aws_vpc.by_name["edge"]: not read in this plan (a data "aws_vpc_dhcp_options" source with their id would read them)',
        },
      },
    },
  },
];

describe("private-endpoint-dns", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("with the public endpoint on, a VPC that cannot resolve the private one is a warning, not an error", () => {
  const bySeverity = verdicts(policy, fixturePlan("p-private-endpoint-dns"))
    .filter((r) => r.status === "fail")
    .map((r) => `${r.address} ${r.severity ?? policy.meta.severity}`)
    .sort();
  expect(bySeverity).toEqual(["aws_eks_cluster.both_public warning", "aws_eks_cluster.corp_dns error", "aws_eks_cluster.defaults error"]);
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "p-private-endpoint-dns", "aws_eks_cluster.defaults")).toEqual([
    "the public endpoint is off and the VPC cannot resolve the private one (enable_dns_hostnames is false on aws_vpc.defaults): nodes cannot find the API server, so they never register; set enable_dns_support = true and enable_dns_hostnames = true on the VPC, and keep AmazonProvidedDNS in its DHCP options' domain_name_servers",
  ]);
});

describe("at synth time, a CDKTF stack with its own VPC and our EksCluster (private endpoint by default)", () => {
  function stack(enableDnsHostnames: boolean | undefined) {
    const s = new TestStack(new App({ stackTraces: false }), `vpc-${String(enableDnsHostnames)}`);
    const vpc = new Vpc(s, "vpc", { cidrBlock: "10.0.0.0/16", ...(enableDnsHostnames === undefined ? {} : { enableDnsHostnames }) });
    const subnets = ["a", "c"].map((zone, i) => new Subnet(s, `subnet-${zone}`, { vpcId: vpc.id, availabilityZone: `ap-northeast-1${zone}`, cidrBlock: `10.0.${i * 16}.0/20` }));
    s.cluster({ subnetIds: subnets.map((subnet) => subnet.id) });
    return check(s).findings.filter((f) => f.policy === "private-endpoint-dns").map((f) => `${f.status} ${f.message.split(":")[0]}`);
  }

  test.each([
    [undefined, ["fail the public endpoint is off and the VPC cannot resolve the private one (enable_dns_hostnames is false on aws_vpc.vpc)"]],
    [false, ["fail the public endpoint is off and the VPC cannot resolve the private one (enable_dns_hostnames is false on aws_vpc.vpc)"]],
    [true, []],
  ])("enableDnsHostnames %s", (hostnames, findings) => {
    expect(stack(hostnames)).toEqual(findings);
  });
});
