import policy from "../../policies/public-endpoint";
import { expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    fixture: "p-cluster-defaults",
    expected: { "aws_eks_cluster.main": "fail" },
    messages: { "aws_eks_cluster.main": /public_access_cidrs is not set, so AWS opens the API endpoint to 0\.0\.0\.0\/0/ },
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
    messages: {
      "aws_eks_cluster.world_in_list": /public to \["0\.0\.0\.0\/0"\], the whole internet/,
      "aws_eks_cluster.nat_only": /decided at apply time .*from aws_eip\.nat\.public_ip/,
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
    messages: { "aws_eks_cluster.via_local": /local\.bastion_cidrs \(locals are not in plan JSON\)/ },
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
