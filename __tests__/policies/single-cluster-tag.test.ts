import policy from "../../policies/single-cluster-tag";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    // The LT lists the cluster SG (always tagged) and a node SG someone also tagged for this cluster.
    // Only node classes are judged: the control plane (with its untagged additional SG) is not.
    fixture: "topo-cluster-sg-plus-tagged-node-sg",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "several-tagged", data: { count: 2, cluster: "topo-cluster-sg-plus-tagged-node-sg", tagged: ["the cluster SG of aws_eks_cluster.this", "aws_security_group.node"] } },
    },
  },
  // Only the cluster SG is tagged.
  { fixture: "topo-mng-no-lt", expected: { "aws_eks_node_group.default": "pass" } },
  { fixture: "topo-fargate", expected: { "aws_eks_fargate_profile.default": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  { fixture: "topo-mixed-fargate-ec2", expected: { "aws_eks_node_group.apps": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  // Self-managed nodes: the node SG is the one tagged SG.
  { fixture: "topo-self-managed-asg", expected: { "aws_autoscaling_group.workers": "pass" } },
  // One untagged node SG from the LT: the controller uses a lone SG whatever its tags.
  { fixture: "topo-lt-node-sg-correct", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-lt-node-sg-no-rules", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-lt-network-interfaces", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-lt-by-name", expected: { "aws_eks_node_group.general": "pass", "aws_eks_node_group.batch": "pass" } },
  { fixture: "topo-egress-narrow", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-node-sg-no-egress", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-vpc-rule-resources", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-rules-through-local", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-cidr-rules", expected: { "aws_eks_node_group.a": "pass", "aws_eks_node_group.b": "pass", "aws_eks_node_group.c": "pass" } },
  {
    fixture: "topo-modules-count-foreach",
    expected: { 'module.nodes["system"].aws_eks_node_group.this': "pass", 'module.nodes["apps"].aws_eks_node_group.this': "pass" },
  },
  { fixture: "topo-existing-sg-inline-and-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-delete-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-replace-cluster", expected: { "aws_eks_node_group.workers": "pass" } },
  // The remote-access SG EKS adds next to the cluster SG is not tagged for the cluster.
  {
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

describe("single-cluster-tag", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));

  // Both ASGs' launch templates list exactly one SG, the existing sg-0f1e2d3c4b5a69788, whose tags the
  // plan does not show. One SG can never make two tagged SGs, and the Load Balancer Controller uses a
  // lone SG whatever its tags: pass.
  test("p-self-managed-asg: one SG on the nodes cannot be two tagged SGs, whatever its tags", () =>
    expectVerdicts(policy, {
      fixture: "p-self-managed-asg",
      expected: { "aws_autoscaling_group.workers": "pass", "aws_autoscaling_group.spot": "pass" },
    }),
  );
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-cluster-sg-plus-tagged-node-sg", "aws_eks_node_group.workers")).toEqual([
    "the nodes carry 2 SGs tagged kubernetes.io/cluster/topo-cluster-sg-plus-tagged-node-sg: the cluster SG of aws_eks_cluster.this, aws_security_group.node; the AWS Load Balancer Controller needs exactly one; remove the tag from every SG but one (the cluster SG always has it, so untag the others)",
  ]);
});
