import policy from "../../policies/cluster-replace";
import { expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    // Renaming the cluster forces a new one (actions ["delete","create"], replace_paths [["name"]]).
    fixture: "topo-state-replace-cluster",
    expected: { "aws_eks_cluster.this": "fail" },
    messages: {
      "aws_eks_cluster.this": /the plan replaces this cluster \(a change to name forces a new cluster\): the control plane and everything in it are destroyed, and the cluster SG gets a new id/,
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
    messages: {
      "aws_eks_cluster.payments": /the plan replaces this cluster \(a change to name forces a new cluster\)/,
      "aws_eks_cluster.retired": /the plan deletes this cluster \(delete_because_no_resource_config\)/,
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
