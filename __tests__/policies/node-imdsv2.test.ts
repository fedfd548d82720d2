import policy from "../../policies/node-imdsv2";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  // Node instances: the gpu nodes' own metadata_options; the batch node's template has none; scratch
  // starts without a template or metadata_options.
  { fixture: "topo-self-managed-instances", expected: { 'aws_instance.gpu["a"]': "pass", 'aws_instance.gpu["c"]': "pass", "aws_launch_template.batch": "fail", "aws_instance.scratch": "fail" } },
  {
    // aws_launch_template.bastion is used only by an aws_instance: not an EKS node template, not judged.
    fixture: "p-launch-templates",
    expected: {
      "aws_launch_template.no_metadata": "fail",
      "aws_launch_template.imdsv2": "pass",
      "aws_launch_template.hop_limit_3": "fail",
      "aws_launch_template.tokens_optional": "fail",
      "aws_launch_template.gpu_by_name": "fail",
    },
    facts: {
      "aws_launch_template.no_metadata": { messageId: "no-metadata-options", data: { users: ["aws_eks_node_group.legacy"] } },
      "aws_launch_template.hop_limit_3": { messageId: "weak", data: { users: ["aws_eks_node_group.proxy"], hopLimit: "3", maxHopLimit: 2 } },
      "aws_launch_template.gpu_by_name": { messageId: "weak", data: { users: ["aws_eks_node_group.gpu"], tokens: "\"optional\"", imdsv1Allowed: true } },
    },
  },
  {
    // Hop limit 3 passes when the option allows it; "optional" tokens still fail.
    fixture: "p-launch-templates",
    options: { maxHopLimit: 3 },
    expected: {
      "aws_launch_template.no_metadata": "fail",
      "aws_launch_template.imdsv2": "pass",
      "aws_launch_template.hop_limit_3": "pass",
      "aws_launch_template.tokens_optional": "fail",
      "aws_launch_template.gpu_by_name": "fail",
    },
  },
  {
    // Self-managed nodes: ASGs tagged kubernetes.io/cluster/<name>, through launch_template,
    // mixed_instances_policy and its per-type overrides; the untagged CI ASG is not EKS.
    fixture: "p-self-managed-asg",
    expected: {
      "aws_launch_template.workers_optional": "fail",
      "aws_launch_template.spot_required": "pass",
      "aws_launch_template.spot_arm": "pass",
    },
    facts: {
      "aws_launch_template.workers_optional": { messageId: "weak", data: { users: ["aws_autoscaling_group.workers"], tokens: "\"optional\"", imdsv1Allowed: true } },
    },
  },
  {
    fixture: "p-modules-count-foreach",
    expected: {
      'module.clusters["a"].module.nodes[0].aws_launch_template.this': "pass",
      'module.clusters["b"].module.nodes[0].aws_launch_template.this': "fail",
      'module.clusters["b"].module.nodes[1].aws_launch_template.this': "fail",
      'module.system_pool["a"].aws_launch_template.this': "pass",
      'module.system_pool["b"].aws_launch_template.this': "fail",
    },
  },
  {
    fixture: "p-sensitive",
    expected: { "aws_launch_template.ops_nodes": "fail" },
    facts: {
      "aws_launch_template.ops_nodes": { messageId: "weak", data: { users: ["aws_eks_node_group.ops_lt"], hopLimit: "(sensitive value)", maxHopLimit: 2 } },
    },
  },
  { fixture: "p-nodegroups-remote-access", expected: { "aws_launch_template.workers": "pass" } },
];

describe("node-imdsv2", () => {
  test.each(cases)("$fixture $options", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "p-launch-templates", "aws_launch_template.hop_limit_3")).toEqual([
    "used by aws_eks_node_group.proxy: http_put_response_hop_limit is 3, above 2, so pods can reach the node's credentials through extra hops; lower it to 2",
  ]);
});
