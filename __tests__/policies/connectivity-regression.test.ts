import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
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
  // The rules move to another root module: `removed { lifecycle { destroy = false } }` forgets them,
  // and they stay in AWS. Read as deleted, the kubelet and API flows regressed.
  { fixture: "topo-state-forget-rules", expected: { "aws_eks_node_group.workers": "pass" } },
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
  // Custom networking turned on: the pods move from the nodes' SG to the pod SG, which the plan
  // admits on the cluster SG (443) and which admits itself (DNS on the pod ENIs).
  { fixture: "topo-custom-networking-addon", expected: { "aws_eks_node_group.general": "pass", "aws_eks_addon.vpc_cni": "pass" } },
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

describe("pods that move to ENIs of their own in the plan", () => {
  const ADDON = "aws_eks_addon.vpc_cni";
  /** topo-custom-networking-addon without the rule that admits the pod SG on the cluster SG. */
  function withoutApiFromPods(): string {
    const plan = JSON.parse(fs.readFileSync(fixturePlan("topo-custom-networking-addon"), "utf8"));
    plan.resource_changes = plan.resource_changes.filter((r: { address: string }) => r.address !== "aws_vpc_security_group_ingress_rule.api_from_pods");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "regression-")), "topo-custom-networking-addon.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    return file;
  }

  test("their flows are compared with those of the nodes they ran on: 443 was open from the node SG, and is blocked from the pod SG", () => {
    const results = verdicts(policy, withoutApiFromPods()).filter((r) => r.address === ADDON);
    expect(results.map((r) => `${r.key} ${r.status}`).sort()).toEqual([
      `pod-network(${ADDON}#ap-northeast-1a) api fail`,
      `pod-network(${ADDON}#ap-northeast-1a) dns pod-network(${ADDON}#ap-northeast-1a) tcp pass`,
      `pod-network(${ADDON}#ap-northeast-1a) dns pod-network(${ADDON}#ap-northeast-1a) udp pass`,
      `pod-network(${ADDON}#ap-northeast-1a) dns pod-network(${ADDON}#ap-northeast-1c) tcp pass`,
      `pod-network(${ADDON}#ap-northeast-1a) dns pod-network(${ADDON}#ap-northeast-1c) udp pass`,
      `pod-network(${ADDON}#ap-northeast-1c) api fail`,
      `pod-network(${ADDON}#ap-northeast-1c) dns pod-network(${ADDON}#ap-northeast-1a) tcp pass`,
      `pod-network(${ADDON}#ap-northeast-1c) dns pod-network(${ADDON}#ap-northeast-1a) udp pass`,
      `pod-network(${ADDON}#ap-northeast-1c) dns pod-network(${ADDON}#ap-northeast-1c) tcp pass`,
      `pod-network(${ADDON}#ap-northeast-1c) dns pod-network(${ADDON}#ap-northeast-1c) udp pass`,
    ]);
    expect(wordingOf(policy, withoutApiFromPods(), ADDON)[0]).toBe(
      `pods → API server (TCP 443) is open before this plan from where the pods ran (aws_eks_node_group.general) and blocked after it from the ENIs of their own this plan gives them: ingress side missing: no ingress rule on the cluster SG of aws_eks_cluster.this allows TCP 443 from pod-network(${ADDON}#ap-northeast-1a). Fix: in the same plan, admit the pods' own SGs (the ENIConfig's or the NodeClass's pod SGs) wherever the nodes' SGs are admitted`,
    );
  });

  test("pods whose SGs are not known after the plan may not move at all: no regression is claimed", () => {
    const plan = JSON.parse(fs.readFileSync(withoutApiFromPods(), "utf8"));
    const addon = plan.resource_changes.find((r: { address: string }) => r.address === ADDON).change;
    addon.after.configuration_values = null;
    addon.after_unknown.configuration_values = true;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "regression-")), "undecided.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    expect(verdicts(policy, file).filter((r) => r.address === ADDON)).toEqual([]);
  });
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-state-delete-rule", "aws_eks_node_group.workers")).toEqual([
    "nodes → API server (TCP 443) is open before this plan and blocked after it: ingress side missing: no ingress rule on the cluster SG of aws_eks_cluster.this allows TCP 443 from managed(aws_eks_node_group.workers). The plan deletes or replaces aws_security_group_rule.cluster_api_from_nodes, which allowed it. Fix: keep the rule, or add its replacement in the same plan",
  ]);
});
