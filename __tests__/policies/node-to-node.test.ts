import policy from "../../policies/node-to-node";
import { expectVerdicts, fixturePlan, verdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  { fixture: "topo-mng-no-lt", expected: { "aws_eks_node_group.default": "pass" } },
  { fixture: "topo-cluster-sg-plus-tagged-node-sg", expected: { "aws_eks_node_group.workers": "pass" } },
  // Fargate profiles all carry the cluster SG: every pair passes.
  { fixture: "topo-fargate", expected: { "aws_eks_fargate_profile.default": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  { fixture: "topo-lt-node-sg-correct", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-lt-network-interfaces", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-vpc-rule-resources", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-self-managed-asg", expected: { "aws_autoscaling_group.workers": "pass" } },
  { fixture: "topo-cidr-rules", expected: { "aws_eks_node_group.a": "pass", "aws_eks_node_group.b": "pass", "aws_eks_node_group.c": "pass" } },
  { fixture: "topo-lt-by-name", expected: { "aws_eks_node_group.general": "pass", "aws_eks_node_group.batch": "pass" } },
  { fixture: "topo-existing-sg-inline-and-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-delete-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-replace-cluster", expected: { "aws_eks_node_group.workers": "pass" } },
  {
    fixture: "topo-egress-narrow",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: {
      "aws_eks_node_group.workers":
        /^traffic between nodes of this class .* is blocked on TCP 1025-65535: egress side missing: no egress rule on aws_security_group\.node allows TCP 1025-65535 to managed\(aws_eks_node_group\.workers\); ingress allowed by aws_security_group_rule\.node_self\["high"\]\..*Fix: add an egress rule on aws_security_group\.node for TCP 1025-65535 to aws_security_group\.node \(or to 0\.0\.0\.0\/0\)$/,
    },
  },
  {
    fixture: "topo-node-sg-no-egress",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: {
      "aws_eks_node_group.workers":
        /egress side missing: no egress rule on aws_security_group\.node allows TCP 1025-65535 to managed\(aws_eks_node_group\.workers\); ingress allowed by aws_security_group\.node\./,
    },
  },
  {
    fixture: "topo-lt-node-sg-no-rules",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: {
      "aws_eks_node_group.workers":
        /egress side missing: .*; ingress side missing: no ingress rule on aws_security_group\.node allows TCP 1025-65535 from managed\(aws_eks_node_group\.workers\)\..*Fix: add an ingress rule on aws_security_group\.node for TCP 1025-65535 from aws_security_group\.node; and add an egress rule on aws_security_group\.node for TCP 1025-65535/,
    },
  },
  {
    // apps → Fargate: the cluster SG admits only itself; Fargate → apps: 1025-65535 from the cluster SG.
    fixture: "topo-mixed-fargate-ec2",
    expected: { "aws_eks_node_group.apps": "fail+pass", "aws_eks_fargate_profile.kube_system": "pass" },
    messages: {
      "aws_eks_node_group.apps":
        /^traffic to aws_eks_fargate_profile\.kube_system .* is blocked on TCP 1025-65535: egress allowed by aws_security_group_rule\.node_egress; ingress side missing: no ingress rule on the cluster SG of aws_eks_cluster\.this allows TCP 1025-65535 from managed\(aws_eks_node_group\.apps\)\..*Fix: add an ingress rule on aws_eks_cluster\.this\.vpc_config\[0\]\.cluster_security_group_id for TCP 1025-65535 from aws_security_group\.node$/,
    },
  },
  {
    // apps → system opened by module.apps_to_system[0]; system → apps not.
    fixture: "topo-modules-count-foreach",
    expected: { 'module.nodes["apps"].aws_eks_node_group.this': "pass", 'module.nodes["system"].aws_eks_node_group.this': "fail+pass" },
    messages: {
      'module.nodes["system"].aws_eks_node_group.this':
        /^traffic to module\.nodes\["apps"\]\.aws_eks_node_group\.this .* ingress side missing: no ingress rule on module\.nodes\["apps"\]\.aws_security_group\.this allows TCP 1025-65535 from managed\(module\.nodes\["system"\]\.aws_eks_node_group\.this\)\..*Fix: add an ingress rule on module\.nodes\["apps"\]\.aws_security_group\.this for TCP 1025-65535 from module\.nodes\["system"\]\.aws_security_group\.this$/,
    },
  },
  {
    fixture: "topo-rules-through-local",
    expected: { "aws_eks_node_group.workers": "unknown" },
    messages: {
      "aws_eks_node_group.workers":
        /egress side unknown: aws_security_group_rule\.node_egress may be on these SGs: its security_group_id is decided at apply time \(local\.node_sg_id \(locals are not in plan JSON\)\); ingress side unknown: .*aws_security_group_rule\.node_self\["high"\] may be on these SGs/,
    },
  },
  {
    fixture: "p-self-managed-asg",
    expected: { "aws_autoscaling_group.workers": "unknown", "aws_autoscaling_group.spot": "unknown" },
    messages: { "aws_autoscaling_group.spot": /egress side unknown: the rules of sg-0f1e2d3c4b5a69788 \(not in this plan\) are not in this plan/ },
  },
  {
    // The remote-access SG EKS adds (ssh_*) does not get in the way of the cluster SG.
    fixture: "p-nodegroups-remote-access",
    expected: {
      "aws_eks_node_group.no_ssh": "pass",
      "aws_eks_node_group.ssh_from_bastion": "pass",
      "aws_eks_node_group.ssh_open": "pass",
      "aws_eks_node_group.ssh_with_launch_template": "pass",
    },
  },
  { fixture: "p-cluster-defaults", expected: {} },
];

/** Each ordered pair on its own: `from → to-class` → status. */
function byPair(fixture: string): Record<string, string> {
  return Object.fromEntries(verdicts(policy, fixturePlan(fixture)).map((r) => [`${r.address} → ${r.key!.split(">")[1]}`, r.status]));
}

describe("node-to-node", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));

  test.each([
    [
      "topo-mixed-fargate-ec2",
      {
        "aws_eks_node_group.apps → managed(aws_eks_node_group.apps)": "pass",
        "aws_eks_node_group.apps → fargate(aws_eks_fargate_profile.kube_system)": "fail",
        "aws_eks_fargate_profile.kube_system → managed(aws_eks_node_group.apps)": "pass",
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
  ])("%s: the verdict of each pair", (fixture, expected) => {
    expect(byPair(fixture)).toEqual(expected);
  });
});
