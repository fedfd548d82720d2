import policy from "../../policies/remote-access";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    fixture: "p-nodegroups-remote-access",
    expected: {
      "aws_eks_node_group.ssh_open": "fail",
      "aws_eks_node_group.ssh_from_bastion": "pass",
      "aws_eks_node_group.ssh_with_launch_template": "fail",
      "aws_eks_node_group.no_ssh": "pass",
    },
    facts: {
      "aws_eks_node_group.ssh_open": { messageId: "ssh-from-anywhere", data: { key: "\"ops-keypair\"" } },
      "aws_eks_node_group.ssh_with_launch_template": { messageId: "with-launch-template", data: {} },
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
    facts: {
      "aws_eks_node_group.ops": { messageId: "ssh-from-anywhere", data: { key: "(sensitive value)" } },
    },
  },
];

describe("remote-access", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "p-nodegroups-remote-access", "aws_eks_node_group.ssh_open")).toEqual([
    "remote_access gives SSH key \"ops-keypair\" but no source_security_group_ids, so EKS opens port 22 to 0.0.0.0/0; list the security groups allowed to SSH, or use SSM Session Manager",
  ]);
});
