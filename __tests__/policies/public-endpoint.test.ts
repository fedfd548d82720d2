import policy from "../../policies/public-endpoint";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    fixture: "p-cluster-defaults",
    expected: { "aws_eks_cluster.main": "fail" },
    facts: {
      "aws_eks_cluster.main": { messageId: "open-by-default", data: {} },
    },
  },
  { fixture: "p-cluster-hardened", expected: { "aws_eks_cluster.hardened": "pass" } },
  {
    fixture: "p-cluster-endpoint-variants",
    expected: {
      "aws_eks_cluster.restricted": "pass",
      "aws_eks_cluster.world_in_list": "fail",
      "aws_eks_cluster.explicit_public": "fail",
      "aws_eks_cluster.nat_only": "unknown",
      "aws_eks_cluster.private_only": "pass",
      "aws_eks_cluster.api_log_only": "pass",
      "aws_eks_cluster.all_logs": "pass",
    },
    facts: {
      "aws_eks_cluster.world_in_list": { messageId: "open-to-world", data: { open: "[\"0.0.0.0/0\"]" } },
      "aws_eks_cluster.nat_only": { messageId: "cidrs-unknown", data: { unknown: "known only after apply; from aws_eip.nat.public_ip" } },
    },
  },
  {
    fixture: "p-cluster-endpoint-local",
    expected: {
      "aws_eks_cluster.via_local": "unknown",
      "aws_eks_cluster.via_local_concat": "unknown",
      "aws_eks_cluster.via_variable_open": "fail",
      "aws_eks_cluster.via_variable_office": "pass",
    },
    facts: {
      "aws_eks_cluster.via_local": { messageId: "cidrs-unknown", data: { unknown: "known only after apply; unresolved: local.bastion_cidrs (locals are not in plan JSON)" } },
    },
  },
  {
    fixture: "p-modules-count-foreach",
    expected: { 'module.clusters["a"].aws_eks_cluster.this': "fail", 'module.clusters["b"].aws_eks_cluster.this': "pass" },
  },
  {
    // The deleted cluster is not in the world after the plan; the no-op one still is.
    fixture: "p-plan-actions",
    expected: { "aws_eks_cluster.steady": "fail", "aws_eks_cluster.logging": "pass", "aws_eks_cluster.payments": "pass" },
  },
  {
    fixture: "p-sensitive",
    expected: { "aws_eks_cluster.ops": "fail", "aws_eks_cluster.partner": "pass" },
  },
];

describe("public-endpoint", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "p-cluster-defaults", "aws_eks_cluster.main")).toEqual([
    "endpoint_public_access is unset or true and public_access_cidrs is not set, so AWS opens the API endpoint to 0.0.0.0/0; set endpoint_public_access = false, or list the CIDRs that may reach it",
  ]);
});
