import policy from "../../policies/node-to-node";
import { wordingOf, expectVerdicts, fixturePlan, verdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  // The Fargate pods of SecurityGroupPolicies keep to what their SGs allow: not judged here, nor as peers.
  { fixture: "topo-fargate-pod-sg", expected: { "aws_eks_fargate_profile.apps": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  { fixture: "topo-mng-no-lt", expected: { "aws_eks_node_group.default": "pass" } },
  { fixture: "topo-cluster-sg-plus-tagged-node-sg", expected: { "aws_eks_node_group.workers": "pass" } },
  // Fargate profiles all carry the cluster SG: every pair passes.
  { fixture: "topo-fargate", expected: { "aws_eks_fargate_profile.default": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  { fixture: "topo-lt-node-sg-correct", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-lt-network-interfaces", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-vpc-rule-resources", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-self-managed-asg", expected: { "aws_autoscaling_group.workers": "pass" } },
  { fixture: "topo-cidr-rules", expected: { "aws_eks_node_group.a": "pass", "aws_eks_node_group.b": "pass", "aws_eks_node_group.c": "pass" } },
  { fixture: "topo-lt-by-name", expected: { "aws_eks_node_group.general": "pass", "aws_eks_node_group.batch": "pass" } },
  { fixture: "topo-existing-sg-inline-and-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-delete-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-replace-cluster", expected: { "aws_eks_node_group.workers": "pass" } },
  {
    fixture: "topo-egress-narrow",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.workers)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 1025-65535"], missing: ["egress"], egressAllowedBy: [], ingressAllowedBy: ["aws_security_group_rule.node_self[\"high\"]"], addEgressOn: "aws_security_group.node", addEgressTo: "aws_security_group.node" } },
    },
  },
  {
    fixture: "topo-node-sg-no-egress",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.workers)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 1025-65535"], missing: ["egress"], egressAllowedBy: [], ingressAllowedBy: ["aws_security_group.node"], addEgressOn: "aws_security_group.node", addEgressTo: "aws_security_group.node" } },
    },
  },
  {
    fixture: "topo-lt-node-sg-no-rules",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.workers)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 1025-65535"], missing: ["egress", "ingress"], egressAllowedBy: [], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_security_group.node", addEgressOn: "aws_security_group.node", addEgressTo: "aws_security_group.node" } },
    },
  },
  {
    // apps → Fargate: the cluster SG admits only itself; Fargate → apps: 1025-65535 from the cluster SG.
    fixture: "topo-mixed-fargate-ec2",
    expected: { "aws_eks_node_group.apps": "fail+pass", "aws_eks_fargate_profile.kube_system": "pass" },
    facts: {
      "aws_eks_node_group.apps": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.apps)", to: "fargate(aws_eks_fargate_profile.kube_system)", ports: ["TCP 1025-65535"], missing: ["ingress"], egressAllowedBy: ["aws_security_group_rule.node_egress"], ingressAllowedBy: [], addIngressOn: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id", addIngressFrom: "aws_security_group.node" } },
    },
  },
  {
    // apps → system opened by module.apps_to_system[0]; system → apps not.
    fixture: "topo-modules-count-foreach",
    expected: { 'module.nodes["apps"].aws_eks_node_group.this': "pass", 'module.nodes["system"].aws_eks_node_group.this': "fail+pass" },
    facts: {
      "module.nodes[\"system\"].aws_eks_node_group.this": {"messageId": "flow-blocked", "data": {"from": "managed(module.nodes[\"system\"].aws_eks_node_group.this)", "to": "managed(module.nodes[\"apps\"].aws_eks_node_group.this)", "ports": ["TCP 1025-65535"], "missing": ["ingress"], "egressAllowedBy": ["module.nodes[\"system\"].aws_vpc_security_group_egress_rule.all"], "ingressAllowedBy": [], "addIngressOn": "module.nodes[\"apps\"].aws_security_group.this", "addIngressFrom": "module.nodes[\"system\"].aws_security_group.this"}},
    },
  },
  {
    fixture: "topo-rules-through-local",
    expected: { "aws_eks_node_group.workers": "unknown" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-unknown", data: { from: "managed(aws_eks_node_group.workers)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 1025-65535"], undecided: ["egress", "ingress"], reasons: ["aws_security_group_rule.node_egress may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))", "aws_security_group_rule.node_from_cluster[\"high\"] may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))", "aws_security_group_rule.node_from_cluster[\"kubelet\"] may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))", "aws_security_group_rule.node_self[\"high\"] may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))"] } },
    },
  },
  {
    fixture: "p-self-managed-asg",
    expected: { "aws_autoscaling_group.workers": "unknown", "aws_autoscaling_group.spot": "unknown" },
    facts: {
      "aws_autoscaling_group.spot": [{ messageId: "flow-unknown", data: { from: "self-managed(aws_autoscaling_group.spot)", to: "self-managed(aws_autoscaling_group.spot)", ports: ["TCP 1025-65535"], undecided: ["egress", "ingress"], reasons: ["the rules of sg-0f1e2d3c4b5a69788 (not in this plan) are not in this plan", "the rules of sg-0f1e2d3c4b5a69788 (not in this plan) are not in this plan"] } }, { messageId: "flow-unknown", data: { from: "self-managed(aws_autoscaling_group.spot)", to: "self-managed(aws_autoscaling_group.workers)", ports: ["TCP 1025-65535"], undecided: ["egress", "ingress"], reasons: ["the rules of sg-0f1e2d3c4b5a69788 (not in this plan) are not in this plan", "the rules of sg-0f1e2d3c4b5a69788 (not in this plan) are not in this plan"] } }],
    },
  },
  {
    // The remote-access SG EKS adds (ssh_*) does not get in the way of the cluster SG.
    fixture: "p-nodegroups-remote-access",
    expected: {
      "aws_eks_node_group.no_ssh": "pass",
      "aws_eks_node_group.ssh_from_bastion": "pass",
      "aws_eks_node_group.ssh_open": "pass",
      "aws_eks_node_group.ssh_with_launch_template": "pass",
    },
  },
  { fixture: "p-cluster-defaults", expected: {} },
  {
    // Custom networking: the pod SG and the node SG do not admit each other (kubelet probes, host-network pods).
    fixture: "topo-custom-networking",
    expected: { 'kubernetes_manifest.payments_eni_config["us-west-2a"]': "fail+pass", 'kubernetes_manifest.payments_eni_config["us-west-2b"]': "fail+pass", "module.payments.aws_eks_node_group.default": "fail+pass", "module.search.aws_eks_node_group.default": "pass", 'kubectl_manifest.search_eni_config["us-west-2a"]': "unknown", 'kubectl_manifest.search_eni_config["us-west-2b"]': "unknown" },
  },
  {
    // Custom networking from the vpc-cni add-on's eniConfig (aws_eks_addon.vpc_cni#<zone>): the node SG admits nothing from the pod SG.
    fixture: "topo-custom-networking-addon",
    expected: { "aws_eks_addon.vpc_cni": "fail+pass", "aws_eks_node_group.general": "pass" },
  },
];

/** Each ordered pair on its own: `from → to-class` → status. */
function byPair(fixture: string): Record<string, string> {
  return Object.fromEntries(verdicts(policy, fixturePlan(fixture)).map((r) => [`${r.address} → ${r.key!.split(">")[1]}`, r.status]));
}

describe("node-to-node", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));

  test.each([
    [
      "topo-mixed-fargate-ec2",
      {
        "aws_eks_node_group.apps → managed(aws_eks_node_group.apps)": "pass",
        "aws_eks_node_group.apps → fargate(aws_eks_fargate_profile.kube_system)": "fail",
        "aws_eks_fargate_profile.kube_system → managed(aws_eks_node_group.apps)": "pass",
        "aws_eks_fargate_profile.kube_system → fargate(aws_eks_fargate_profile.kube_system)": "pass",
      },
    ],
    [
      "topo-modules-count-foreach",
      {
        'module.nodes["system"].aws_eks_node_group.this → managed(module.nodes["system"].aws_eks_node_group.this)': "pass",
        'module.nodes["apps"].aws_eks_node_group.this → managed(module.nodes["apps"].aws_eks_node_group.this)': "pass",
        'module.nodes["apps"].aws_eks_node_group.this → managed(module.nodes["system"].aws_eks_node_group.this)': "pass",
        'module.nodes["system"].aws_eks_node_group.this → managed(module.nodes["apps"].aws_eks_node_group.this)': "fail",
      },
    ],
  ])("%s: the verdict of each pair", (fixture, expected) => {
    expect(byPair(fixture)).toEqual(expected);
  });
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-mixed-fargate-ec2", "aws_eks_node_group.apps")).toEqual([
    "traffic to aws_eks_fargate_profile.kube_system (aws_eks_node_group.apps → aws_eks_fargate_profile.kube_system) is blocked on TCP 1025-65535: egress allowed by aws_security_group_rule.node_egress; ingress side missing: no ingress rule on the cluster SG of aws_eks_cluster.this allows TCP 1025-65535 from managed(aws_eks_node_group.apps). Pods cannot reach pods and services there. Fix: add an ingress rule on aws_eks_cluster.this.vpc_config[0].cluster_security_group_id for TCP 1025-65535 from aws_security_group.node",
  ]);
});
