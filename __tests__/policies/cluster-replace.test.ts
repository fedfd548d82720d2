import policy from "../../policies/cluster-replace";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    // Renaming the cluster forces a new one (actions ["delete","create"], replace_paths [["name"]]).
    fixture: "topo-state-replace-cluster",
    expected: { "aws_eks_cluster.this": "fail" },
    facts: {
      "aws_eks_cluster.this": { messageId: "replaced", data: { action: "replace", because: "a change to name forces a new cluster", forcedBy: ["name"] } },
    },
  },
  // Existing clusters left as they are (no-op) while rules change around them.
  { fixture: "topo-state-delete-rule", expected: { "aws_eks_cluster.this": "pass" } },
  { fixture: "topo-existing-sg-inline-and-rule", expected: { "aws_eks_cluster.this": "pass" } },
  // No prior state: every cluster is created.
  { fixture: "topo-mng-no-lt", expected: { "aws_eks_cluster.this": "pass" } },
  { fixture: "topo-cidr-rules", expected: { "aws_eks_cluster.a": "pass", "aws_eks_cluster.b": "pass", "aws_eks_cluster.c": "pass" } },
  {
    // Every action: no-op and update pass; replace fails; the cluster removed from the configuration
    // (delete_because_no_resource_config) fails too — it is judged from the plan, not the after-world.
    fixture: "p-plan-actions",
    expected: {
      "aws_eks_cluster.steady": "pass",
      "aws_eks_cluster.logging": "pass",
      "aws_eks_cluster.payments": "fail",
      "aws_eks_cluster.retired": "fail",
    },
    facts: {
      "aws_eks_cluster.payments": { messageId: "replaced", data: { action: "replace", because: "a change to name forces a new cluster", forcedBy: ["name"] } },
      "aws_eks_cluster.retired": { messageId: "deleted", data: { action: "delete", because: "delete_because_no_resource_config" } },
    },
  },
  {
    fixture: "p-modules-count-foreach",
    expected: { 'module.clusters["a"].aws_eks_cluster.this': "pass", 'module.clusters["b"].aws_eks_cluster.this': "pass" },
  },
];

describe("cluster-replace", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-state-replace-cluster", "aws_eks_cluster.this")).toEqual([
    "the plan replaces this cluster (a change to name forces a new cluster): the control plane and everything in it are destroyed, and the cluster SG gets a new id; change the plan so the cluster is updated in place, or use lifecycle { prevent_destroy = true }",
  ]);
});
