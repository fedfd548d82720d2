import policy from "../../policies/cluster-sg-detached";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  // No launch template: EKS puts the cluster SG on the nodes.
  { fixture: "topo-mng-no-lt", expected: { "aws_eks_node_group.default": "pass" } },
  // The LT lists the cluster SG itself (with a node SG).
  { fixture: "topo-cluster-sg-plus-tagged-node-sg", expected: { "aws_eks_node_group.workers": "pass" } },
  // LTs that name no SG keep the cluster SG.
  {
    fixture: "p-launch-templates",
    expected: {
      "aws_eks_node_group.legacy": "pass",
      "aws_eks_node_group.general": "pass",
      "aws_eks_node_group.proxy": "pass",
      "aws_eks_node_group.batch": "pass",
      "aws_eks_node_group.gpu": "pass",
    },
  },
  {
    fixture: "p-nodegroups-remote-access",
    expected: {
      "aws_eks_node_group.no_ssh": "pass",
      "aws_eks_node_group.ssh_from_bastion": "pass",
      "aws_eks_node_group.ssh_open": "pass",
      "aws_eks_node_group.ssh_with_launch_template": "pass",
    },
  },
  // Only managed node groups are judged: Fargate and self-managed nodes are not.
  { fixture: "topo-fargate", expected: {} },
  { fixture: "topo-self-managed-asg", expected: {} },
  { fixture: "p-self-managed-asg", expected: {} },
  {
    fixture: "topo-mixed-fargate-ec2",
    expected: { "aws_eks_node_group.apps": "fail" },
    facts: {
      "aws_eks_node_group.apps": { messageId: "detached", data: { templates: ["aws_launch_template.apps"], sgs: ["aws_security_group.node"], cluster: "aws_eks_cluster.this" } },
    },
  },
  // The LT names only a node SG (vpc_security_group_ids, network_interfaces, by name, in modules).
  {
    fixture: "topo-lt-node-sg-correct",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "detached", data: { templates: ["aws_launch_template.workers"], sgs: ["aws_security_group.node"], cluster: "aws_eks_cluster.this" } },
    },
  },
  {
    // batch's nodes keep launch template version 1, which lists the old SG; general's launch the new one.
    fixture: "topo-lt-version-pinned",
    expected: { 'module.pool["general"].aws_eks_node_group.this': "fail", 'module.pool["batch"].aws_eks_node_group.this': "fail" },
    facts: {
      'module.pool["general"].aws_eks_node_group.this': { messageId: "detached", data: { sgs: ["aws_security_group.node"] } },
      'module.pool["batch"].aws_eks_node_group.this': {
        messageId: "detached-kept-version",
        data: { sgs: ["aws_security_group.legacy"], kept: 'the nodes launch version 1 of module.pool["batch"].aws_launch_template.this, the one from before this plan, not the version the plan makes' },
      },
    },
  },
  {
    fixture: "topo-lt-node-sg-no-rules",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "detached", data: { templates: ["aws_launch_template.workers"], sgs: ["aws_security_group.node"], cluster: "aws_eks_cluster.this" } },
    },
  },
  {
    fixture: "topo-lt-network-interfaces",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "detached", data: { templates: ["aws_launch_template.workers"], sgs: ["aws_security_group.node"], cluster: "aws_eks_cluster.this" } },
    },
  },
  {
    fixture: "topo-lt-by-name",
    expected: { "aws_eks_node_group.general": "fail", "aws_eks_node_group.batch": "fail" },
    facts: {
      "aws_eks_node_group.general": { messageId: "detached", data: { templates: ["aws_launch_template.workers"], sgs: ["aws_security_group.node"], cluster: "aws_eks_cluster.this" } },
      "aws_eks_node_group.batch": { messageId: "detached", data: { templates: ["aws_launch_template.workers"], sgs: ["aws_security_group.node"], cluster: "aws_eks_cluster.this" } },
    },
  },
  {
    fixture: "topo-cidr-rules",
    expected: { "aws_eks_node_group.a": "fail", "aws_eks_node_group.b": "fail", "aws_eks_node_group.c": "fail" },
    facts: {
      "aws_eks_node_group.a": { messageId: "detached", data: { templates: ["aws_launch_template.a"], sgs: ["aws_security_group.node_a"], cluster: "aws_eks_cluster.a" } },
      "aws_eks_node_group.b": { messageId: "detached", data: { templates: ["aws_launch_template.b"], sgs: ["aws_security_group.node_b"], cluster: "aws_eks_cluster.b" } },
      "aws_eks_node_group.c": { messageId: "detached", data: { templates: ["aws_launch_template.c"], sgs: ["aws_security_group.node_c"], cluster: "aws_eks_cluster.c" } },
    },
  },
  {
    fixture: "topo-modules-count-foreach",
    expected: { 'module.nodes["system"].aws_eks_node_group.this': "fail", 'module.nodes["apps"].aws_eks_node_group.this': "fail" },
    facts: {
      "module.nodes[\"apps\"].aws_eks_node_group.this": {"messageId": "detached", "data": {"templates": ["module.nodes[\"apps\"].aws_launch_template.this"], "sgs": ["module.nodes[\"apps\"].aws_security_group.this"], "cluster": "aws_eks_cluster.this"}},
    },
  },
  { fixture: "topo-egress-narrow", expected: { "aws_eks_node_group.workers": "fail" } },
  { fixture: "topo-node-sg-no-egress", expected: { "aws_eks_node_group.workers": "fail" } },
  { fixture: "topo-vpc-rule-resources", expected: { "aws_eks_node_group.workers": "fail" } },
  { fixture: "topo-rules-through-local", expected: { "aws_eks_node_group.workers": "fail" } },
  {
    // Existing node SG sg-0123456789abcdef0, known by id in the plan.
    fixture: "topo-existing-sg-inline-and-rule",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "detached", data: { templates: ["aws_launch_template.workers"], sgs: ["aws_security_group.node"], cluster: "aws_eks_cluster.this" } },
    },
  },
  { fixture: "topo-state-delete-rule", expected: { "aws_eks_node_group.workers": "fail" } },
  { fixture: "topo-state-replace-cluster", expected: { "aws_eks_node_group.workers": "fail" } },
];

describe("cluster-sg-detached", () => {
  test("its findings are informational", () => expect(policy.meta.severity).toBe("info"));
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-mixed-fargate-ec2", "aws_eks_node_group.apps")).toEqual([
    "the launch template aws_launch_template.apps lists aws_security_group.node, so EKS does not put the cluster SG of aws_eks_cluster.this on these nodes; traffic to and from the control plane, Fargate pods and nodes that carry the cluster SG now depends on the rules of aws_security_group.node alone",
  ]);
});
