import policy from "../../policies/control-plane-sg-misuse";
import { expectVerdicts, wordingOf, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  // The node SG in vpc_config.security_group_ids, and on the nodes through the launch template.
  {
    fixture: "blind-cp-sg-misuse",
    expected: { "aws_security_group.eks": "fail" },
    facts: { "aws_security_group.eks": { messageId: "on-nodes", data: { cluster: "aws_eks_cluster.main", classes: ["managed(aws_eks_node_group.workers)"] } } },
  },
  // A selector picks it: Karpenter's discovery tag comes from default_tags, and the control-plane SG has it too.
  {
    fixture: "blind-karpenter-default-tags",
    expected: { "aws_security_group.control_plane": "fail" },
    facts: { "aws_security_group.control_plane": { messageId: "on-nodes", data: { classes: ["karpenter(kubectl_manifest.karpenter_node_class)"] } } },
  },
  // A dedicated control-plane SG open to 0.0.0.0/0 and ::/0 on 443.
  {
    fixture: "blind-cp-sg-world",
    expected: { "aws_security_group.control_plane": "fail" },
    facts: {
      "aws_security_group.control_plane": {
        messageId: "open-to-world",
        data: { ruleAddresses: ['aws_vpc_security_group_ingress_rule.control_plane_https_world["ipv4"]', 'aws_vpc_security_group_ingress_rule.control_plane_https_world["ipv6"]'] },
      },
    },
  },
  // Dedicated SGs that admit the bastion and the nodes on 443: fine.
  { fixture: "blind-cp-sg-dedicated", expected: { "aws_security_group.control_plane": "pass" } },
  { fixture: "user-private-endpoint-bastion", expected: { "aws_security_group.control_plane": "pass" } },
  // terraform-aws-eks's "cluster" SG (the additional one), known ids after apply.
  { fixture: "user-eks-module-style-existing", expected: { "aws_security_group.cluster[0]": "pass" } },
  // No additional SG: nothing to judge (the cluster SG is EKS's own).
  { fixture: "topo-mng-no-lt", expected: {} },
];

describe("control-plane-sg-misuse", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "blind-cp-sg-misuse", "aws_security_group.eks")).toEqual([
    "aws_security_group.eks is a control-plane SG of aws_eks_cluster.main (it is in vpc_config.security_group_ids, so EKS puts it on the control-plane ENIs) and is also on managed(aws_eks_node_group.workers); its rules then serve both roles, and traffic between nodes and the control plane passes through rules meant for one of them. Fix: give the control plane a dedicated SG that admits TCP 443 from the node SG, and keep node rules on the node SG",
  ]);
});
