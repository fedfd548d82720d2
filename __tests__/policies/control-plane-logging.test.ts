import policy from "../../policies/control-plane-logging";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const variants = {
  "aws_eks_cluster.restricted": "pass",
  "aws_eks_cluster.world_in_list": "pass",
  "aws_eks_cluster.explicit_public": "pass",
  "aws_eks_cluster.nat_only": "pass",
  "aws_eks_cluster.private_only": "pass",
  "aws_eks_cluster.api_log_only": "fail",
  "aws_eks_cluster.all_logs": "pass",
};

const cases: VerdictCase[] = [
  {
    fixture: "p-cluster-defaults",
    expected: { "aws_eks_cluster.main": "fail" },
    facts: {
      "aws_eks_cluster.main": { messageId: "missing", data: { missing: ["api", "audit"] } },
    },
  },
  { fixture: "p-cluster-hardened", expected: { "aws_eks_cluster.hardened": "pass" } },
  { fixture: "p-cluster-endpoint-variants", expected: variants, facts: {
      "aws_eks_cluster.api_log_only": { messageId: "missing", data: { missing: ["audit"] } },
    } },
  {
    // The option makes every type required: only the cluster logging all five passes.
    fixture: "p-cluster-endpoint-variants",
    options: { required: ["api", "audit", "authenticator", "controllerManager", "scheduler"] },
    expected: Object.fromEntries(Object.keys(variants).map((a) => [a, a === "aws_eks_cluster.all_logs" ? "pass" : "fail"])),
  },
  {
    fixture: "p-cluster-endpoint-variants",
    options: { required: ["api"] },
    expected: Object.fromEntries(Object.keys(variants).map((a) => [a, "pass"])),
  },
  {
    fixture: "p-modules-count-foreach",
    expected: { 'module.clusters["a"].aws_eks_cluster.this': "pass", 'module.clusters["b"].aws_eks_cluster.this': "fail" },
  },
  {
    // An update in place is judged on its new value.
    fixture: "p-plan-actions",
    expected: { "aws_eks_cluster.steady": "pass", "aws_eks_cluster.logging": "pass", "aws_eks_cluster.payments": "fail" },
  },
];

describe("control-plane-logging", () => {
  test.each(cases)("$fixture $options", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "p-cluster-defaults", "aws_eks_cluster.main")).toEqual([
    "control-plane logging lacks api, audit; add them to enabled_cluster_log_types so that calls to the Kubernetes API are recorded in CloudWatch",
  ]);
});
