import policy from "../../policies/node-dns";
import { expectVerdicts, fixturePlan, verdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  // The cluster SG's self rule carries DNS between every class that has it.
  { fixture: "topo-mng-no-lt", expected: { "aws_eks_node_group.default": "pass" } },
  { fixture: "topo-cluster-sg-plus-tagged-node-sg", expected: { "aws_eks_node_group.workers": "pass" } },
  // CoreDNS can run only on the kube-system profile: default → kube_system and kube_system → itself.
  { fixture: "topo-fargate", expected: { "aws_eks_fargate_profile.default": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  // Node SG with 53 TCP+UDP from self (rule resources, inline blocks, "6" for TCP, all protocols).
  { fixture: "topo-lt-node-sg-correct", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-lt-network-interfaces", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-vpc-rule-resources", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-self-managed-asg", expected: { "aws_autoscaling_group.workers": "pass" } },
  { fixture: "topo-cidr-rules", expected: { "aws_eks_node_group.a": "pass", "aws_eks_node_group.b": "pass", "aws_eks_node_group.c": "pass" } },
  // Two groups on one node SG (LT by name): all four pairs pass.
  { fixture: "topo-lt-by-name", expected: { "aws_eks_node_group.general": "pass", "aws_eks_node_group.batch": "pass" } },
  { fixture: "topo-existing-sg-inline-and-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-delete-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-replace-cluster", expected: { "aws_eks_node_group.workers": "pass" } },
  {
    // Egress narrowed to TCP 443.
    fixture: "topo-egress-narrow",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: {
      "aws_eks_node_group.workers":
        /is blocked on UDP 53, TCP 53: egress side missing: no egress rule on aws_security_group\.node allows UDP 53 to managed\(aws_eks_node_group\.workers\); ingress allowed by aws_security_group_rule\.node_self\["dns_udp"\]\..*Fix: add an egress rule on aws_security_group\.node for UDP 53, TCP 53 to aws_security_group\.node \(or to 0\.0\.0\.0\/0\)$/,
    },
  },
  {
    // No egress block: the provider removes AWS's default allow-all egress.
    fixture: "topo-node-sg-no-egress",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: {
      "aws_eks_node_group.workers":
        /is blocked on UDP 53, TCP 53: egress side missing: no egress rule on aws_security_group\.node allows UDP 53 to managed\(aws_eks_node_group\.workers\); ingress allowed by aws_security_group\.node\./,
    },
  },
  {
    fixture: "topo-lt-node-sg-no-rules",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: {
      "aws_eks_node_group.workers":
        /egress side missing: no egress rule on aws_security_group\.node allows UDP 53 .*; ingress side missing: no ingress rule on aws_security_group\.node allows UDP 53 from managed\(aws_eks_node_group\.workers\)\..*Fix: add an ingress rule on aws_security_group\.node for UDP 53, TCP 53 from aws_security_group\.node; and add an egress rule on aws_security_group\.node for UDP 53, TCP 53/,
    },
  },
  {
    // CoreDNS on Fargate (cluster SG) and on the apps node group (node SG): neither side admits the other on 53.
    fixture: "topo-mixed-fargate-ec2",
    expected: { "aws_eks_node_group.apps": "fail+pass", "aws_eks_fargate_profile.kube_system": "fail+pass" },
    messages: {
      "aws_eks_node_group.apps":
        /^DNS to CoreDNS hosts in aws_eks_fargate_profile\.kube_system .* is blocked on UDP 53, TCP 53: egress allowed by aws_security_group_rule\.node_egress; ingress side missing: no ingress rule on the cluster SG of aws_eks_cluster\.this allows UDP 53 from managed\(aws_eks_node_group\.apps\)\..*Fix: add an ingress rule on aws_eks_cluster\.this\.vpc_config\[0\]\.cluster_security_group_id for UDP 53, TCP 53 from aws_security_group\.node$/,
      "aws_eks_fargate_profile.kube_system":
        /^DNS to CoreDNS hosts in aws_eks_node_group\.apps .* is blocked on UDP 53, TCP 53: egress allowed by the built-in rules of the SG EKS made for aws_eks_cluster\.this; ingress side missing: no ingress rule on aws_security_group\.node allows UDP 53 from fargate\(aws_eks_fargate_profile\.kube_system\)\..*Fix: add an ingress rule on aws_security_group\.node for UDP 53, TCP 53 from aws_eks_cluster\.this\.vpc_config\[0\]\.cluster_security_group_id$/,
    },
  },
  {
    // apps → system is opened by module.apps_to_system[0]; system → apps is not.
    fixture: "topo-modules-count-foreach",
    expected: { 'module.nodes["apps"].aws_eks_node_group.this': "pass", 'module.nodes["system"].aws_eks_node_group.this': "fail+pass" },
    messages: {
      'module.nodes["system"].aws_eks_node_group.this':
        /^DNS to CoreDNS hosts in module\.nodes\["apps"\]\.aws_eks_node_group\.this .* egress allowed by module\.nodes\["system"\]\.aws_vpc_security_group_egress_rule\.all; ingress side missing: no ingress rule on module\.nodes\["apps"\]\.aws_security_group\.this allows UDP 53 from managed\(module\.nodes\["system"\]\.aws_eks_node_group\.this\)\..*Fix: add an ingress rule on module\.nodes\["apps"\]\.aws_security_group\.this for UDP 53, TCP 53 from module\.nodes\["system"\]\.aws_security_group\.this$/,
    },
  },
  {
    fixture: "topo-rules-through-local",
    expected: { "aws_eks_node_group.workers": "unknown" },
    messages: {
      "aws_eks_node_group.workers":
        /egress side unknown: aws_security_group_rule\.node_egress may be on these SGs: its security_group_id is decided at apply time \(local\.node_sg_id \(locals are not in plan JSON\)\); ingress side unknown: aws_security_group_rule\.node_self\["dns_udp"\] may be on these SGs/,
    },
  },
  {
    // Two self-managed groups on one SG that the plan does not hold.
    fixture: "p-self-managed-asg",
    expected: { "aws_autoscaling_group.workers": "unknown", "aws_autoscaling_group.spot": "unknown" },
    messages: {
      "aws_autoscaling_group.workers":
        /egress side unknown: the rules of sg-0f1e2d3c4b5a69788 \(not in this plan\) are not in this plan; ingress side unknown: the rules of sg-0f1e2d3c4b5a69788/,
    },
  },
  { fixture: "p-sensitive", expected: { "aws_eks_node_group.ops": "pass", "aws_eks_node_group.ops_lt": "pass" } },
  { fixture: "p-cluster-defaults", expected: {} },
];

/** Each (client, CoreDNS host) pair on its own: `client → host` → status. */
function byPair(fixture: string): Record<string, string> {
  return Object.fromEntries(verdicts(policy, fixturePlan(fixture)).map((r) => [`${r.address} → ${r.key!.split(">")[1]}`, r.status]));
}

describe("node-dns", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));

  test.each([
    [
      "topo-mixed-fargate-ec2",
      {
        "aws_eks_node_group.apps → managed(aws_eks_node_group.apps)": "pass",
        "aws_eks_node_group.apps → fargate(aws_eks_fargate_profile.kube_system)": "fail",
        "aws_eks_fargate_profile.kube_system → managed(aws_eks_node_group.apps)": "fail",
        "aws_eks_fargate_profile.kube_system → fargate(aws_eks_fargate_profile.kube_system)": "pass",
      },
    ],
    [
      "topo-modules-count-foreach",
      {
        'module.nodes["system"].aws_eks_node_group.this → managed(module.nodes["system"].aws_eks_node_group.this)': "pass",
        'module.nodes["apps"].aws_eks_node_group.this → managed(module.nodes["apps"].aws_eks_node_group.this)': "pass",
        'module.nodes["apps"].aws_eks_node_group.this → managed(module.nodes["system"].aws_eks_node_group.this)': "pass",
        'module.nodes["system"].aws_eks_node_group.this → managed(module.nodes["apps"].aws_eks_node_group.this)': "fail",
      },
    ],
    [
      // The default profile does not select kube-system, so CoreDNS never runs there.
      "topo-fargate",
      {
        "aws_eks_fargate_profile.default → fargate(aws_eks_fargate_profile.kube_system)": "pass",
        "aws_eks_fargate_profile.kube_system → fargate(aws_eks_fargate_profile.kube_system)": "pass",
      },
    ],
  ])("%s: the verdict of each pair", (fixture, expected) => {
    expect(byPair(fixture)).toEqual(expected);
  });
});
