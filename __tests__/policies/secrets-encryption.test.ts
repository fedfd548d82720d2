import policy from "../../policies/secrets-encryption";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    fixture: "p-cluster-defaults",
    expected: { "aws_eks_cluster.main": "fail" },
    facts: {
      "aws_eks_cluster.main": { messageId: "not-encrypted", data: {} },
    },
  },
  // The key is made in the same plan: its ARN is unknown but it is a customer-managed key.
  { fixture: "p-cluster-hardened", expected: { "aws_eks_cluster.hardened": "pass" } },
  {
    fixture: "p-cluster-endpoint-variants",
    expected: {
      "aws_eks_cluster.restricted": "fail",
      "aws_eks_cluster.world_in_list": "fail",
      "aws_eks_cluster.explicit_public": "fail",
      "aws_eks_cluster.nat_only": "fail",
      "aws_eks_cluster.private_only": "fail",
      "aws_eks_cluster.api_log_only": "fail",
      "aws_eks_cluster.all_logs": "pass",
    },
  },
  {
    // Cluster "a" gets encryption_config from a dynamic block, which configuration does not render.
    fixture: "p-modules-count-foreach",
    expected: { 'module.clusters["a"].aws_eks_cluster.this': "pass", 'module.clusters["b"].aws_eks_cluster.this': "fail" },
  },
  {
    fixture: "p-plan-actions",
    expected: { "aws_eks_cluster.steady": "fail", "aws_eks_cluster.logging": "pass", "aws_eks_cluster.payments": "pass" },
  },
  { fixture: "p-sensitive", expected: { "aws_eks_cluster.ops": "pass", "aws_eks_cluster.partner": "pass" } },
];

describe("secrets-encryption", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "p-cluster-defaults", "aws_eks_cluster.main")).toEqual([
    "no encryption_config encrypts \"secrets\" with a customer-managed KMS key; add encryption_config { resources = [\"secrets\"], provider { key_arn = aws_kms_key.<name>.arn } }",
  ]);
});
