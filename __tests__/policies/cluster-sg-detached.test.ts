import policy from "../../policies/cluster-sg-detached";
import { expectVerdicts, type VerdictCase } from "../helpers/fixtures";

/** The info finding: which LT lists which SGs, so that the cluster SG of which cluster is not on the nodes. */
const detached = (template: string, sgs: string, cluster: string) =>
  new RegExp(`^the launch template ${template} lists ${sgs}, so EKS does not put the cluster SG of ${cluster} on these nodes; .*depends on the rules of ${sgs} alone$`);

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
    messages: { "aws_eks_node_group.apps": detached("aws_launch_template\\.apps", "aws_security_group\\.node", "aws_eks_cluster\\.this") },
  },
  // The LT names only a node SG (vpc_security_group_ids, network_interfaces, by name, in modules).
  {
    fixture: "topo-lt-node-sg-correct",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: { "aws_eks_node_group.workers": detached("aws_launch_template\\.workers", "aws_security_group\\.node", "aws_eks_cluster\\.this") },
  },
  {
    fixture: "topo-lt-node-sg-no-rules",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: { "aws_eks_node_group.workers": detached("aws_launch_template\\.workers", "aws_security_group\\.node", "aws_eks_cluster\\.this") },
  },
  {
    fixture: "topo-lt-network-interfaces",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: { "aws_eks_node_group.workers": detached("aws_launch_template\\.workers", "aws_security_group\\.node", "aws_eks_cluster\\.this") },
  },
  {
    fixture: "topo-lt-by-name",
    expected: { "aws_eks_node_group.general": "fail", "aws_eks_node_group.batch": "fail" },
    messages: {
      "aws_eks_node_group.general": detached("aws_launch_template\\.workers", "aws_security_group\\.node", "aws_eks_cluster\\.this"),
      "aws_eks_node_group.batch": detached("aws_launch_template\\.workers", "aws_security_group\\.node", "aws_eks_cluster\\.this"),
    },
  },
  {
    fixture: "topo-cidr-rules",
    expected: { "aws_eks_node_group.a": "fail", "aws_eks_node_group.b": "fail", "aws_eks_node_group.c": "fail" },
    messages: {
      "aws_eks_node_group.a": detached("aws_launch_template\\.a", "aws_security_group\\.node_a", "aws_eks_cluster\\.a"),
      "aws_eks_node_group.b": detached("aws_launch_template\\.b", "aws_security_group\\.node_b", "aws_eks_cluster\\.b"),
      "aws_eks_node_group.c": detached("aws_launch_template\\.c", "aws_security_group\\.node_c", "aws_eks_cluster\\.c"),
    },
  },
  {
    fixture: "topo-modules-count-foreach",
    expected: { 'module.nodes["system"].aws_eks_node_group.this': "fail", 'module.nodes["apps"].aws_eks_node_group.this': "fail" },
    messages: {
      'module.nodes["apps"].aws_eks_node_group.this': detached(
        'module\\.nodes\\["apps"\\]\\.aws_launch_template\\.this',
        'module\\.nodes\\["apps"\\]\\.aws_security_group\\.this',
        "aws_eks_cluster\\.this",
      ),
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
    messages: { "aws_eks_node_group.workers": detached("aws_launch_template\\.workers", "aws_security_group\\.node", "aws_eks_cluster\\.this") },
  },
  { fixture: "topo-state-delete-rule", expected: { "aws_eks_node_group.workers": "fail" } },
  { fixture: "topo-state-replace-cluster", expected: { "aws_eks_node_group.workers": "fail" } },
];

describe("cluster-sg-detached", () => {
  test("its findings are informational", () => expect(policy.meta.severity).toBe("info"));
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});
