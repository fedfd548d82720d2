import policy from "../../policies/connectivity-regression";
import { wordingOf, expectVerdicts, fixturePlan, verdicts, type VerdictCase } from "../helpers/fixtures";

const WORKERS = "managed(aws_eks_node_group.workers)";

const cases: VerdictCase[] = [
  {
    // The plan deletes aws_security_group_rule.cluster_api_from_nodes, the only rule that let the
    // node SG into the cluster SG on 443. Kubelet and DNS flows stay open.
    fixture: "topo-state-delete-rule",
    expected: { "aws_eks_node_group.workers": "fail+pass" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "regressed", data: { flow: "nodes → API server", ports: "TCP 443", after: "blocked", lostRules: ["aws_security_group_rule.cluster_api_from_nodes"] } },
    },
  },
  // The replaced rules follow the new cluster SG through their references: every flow stays open.
  { fixture: "topo-state-replace-cluster", expected: { "aws_eks_node_group.workers": "pass" } },
  // Only the recommended 9443 webhook flow is lost; no required flow regresses, and the SG's inline
  // copies of the managed rules are not counted twice.
  { fixture: "topo-existing-sg-inline-and-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  // No prior state: nothing worked before, so nothing can regress.
  { fixture: "topo-mng-no-lt", expected: {} },
  { fixture: "topo-lt-node-sg-no-rules", expected: {} },
  { fixture: "topo-mixed-fargate-ec2", expected: {} },
  // Prior state without node classes: no required flows.
  { fixture: "p-plan-actions", expected: {} },
];

/** Each required flow on its own: `address flow-key` → status. */
function byFlow(fixture: string): Record<string, string> {
  return Object.fromEntries(verdicts(policy, fixturePlan(fixture)).map((r) => [`${r.address} ${r.key}`, r.status]));
}

const flows = (api: string) => ({
  [`aws_eks_node_group.workers ${WORKERS} api`]: api,
  [`aws_eks_node_group.workers ${WORKERS} kubelet`]: "pass",
  [`aws_eks_node_group.workers ${WORKERS} dns ${WORKERS} udp`]: "pass",
  [`aws_eks_node_group.workers ${WORKERS} dns ${WORKERS} tcp`]: "pass",
});

describe("connectivity-regression", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));

  test.each([
    ["topo-state-delete-rule", flows("fail")],
    ["topo-state-replace-cluster", flows("pass")],
    ["topo-existing-sg-inline-and-rule", flows("pass")],
  ])("%s: the verdict of each required flow", (fixture, expected) => {
    expect(byFlow(fixture)).toEqual(expected);
  });
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-state-delete-rule", "aws_eks_node_group.workers")).toEqual([
    "nodes → API server (TCP 443) is open before this plan and blocked after it: ingress side missing: no ingress rule on the cluster SG of aws_eks_cluster.this allows TCP 443 from managed(aws_eks_node_group.workers). The plan deletes or replaces aws_security_group_rule.cluster_api_from_nodes, which allowed it. Fix: keep the rule, or add its replacement in the same plan",
  ]);
});
