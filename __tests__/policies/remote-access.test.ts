import policy from "../../policies/remote-access";
import { expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    fixture: "p-nodegroups-remote-access",
    expected: {
      "aws_eks_node_group.ssh_open": "fail",
      "aws_eks_node_group.ssh_from_bastion": "pass",
      "aws_eks_node_group.ssh_with_launch_template": "fail",
      "aws_eks_node_group.no_ssh": "pass",
    },
    messages: {
      "aws_eks_node_group.ssh_open": /no source_security_group_ids, so EKS opens port 22 to 0\.0\.0\.0\/0/,
      "aws_eks_node_group.ssh_with_launch_template": /together with launch_template, which the EKS API rejects/,
    },
  },
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
    fixture: "p-sensitive",
    expected: { "aws_eks_node_group.ops": "fail", "aws_eks_node_group.ops_lt": "pass" },
    // The key name comes from a sensitive variable: the message must not print it.
    messages: { "aws_eks_node_group.ops": /SSH key \(sensitive value\) but no source_security_group_ids/ },
  },
];

describe("remote-access", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});
