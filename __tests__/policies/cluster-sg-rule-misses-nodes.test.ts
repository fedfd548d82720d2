import policy from "../../policies/cluster-sg-rule-misses-nodes";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

/** The clusters of topo-rules-through-local-clusters, in the order the plan lists them. */
const TEAMS = ["ads", "data", "identity", "ledger", "media", "payments", "search"];

const cases: VerdictCase[] = [
  {
    // "6" 9443 on the cluster SG, meant for the LBC webhook; the only node group uses its LT's node SG.
    fixture: "topo-vpc-rule-resources",
    expected: {
      "aws_vpc_security_group_ingress_rule.cluster_api_from_nodes": "pass",
      "aws_vpc_security_group_ingress_rule.cluster_webhook_9443": "fail",
    },
    facts: {
      "aws_vpc_security_group_ingress_rule.cluster_webhook_9443": { messageId: "reaches-no-node", data: { rule: "ingress tcp/9443 from aws_security_group.node", cluster: "aws_eks_cluster.this", nodes: ["aws_eks_node_group.workers"] } },
    },
  },
  // Rules made for_each over the node SGs land on those SGs, not on the cluster SG.
  {
    fixture: "topo-foreach-chained",
    expected: { 'aws_vpc_security_group_ingress_rule.api_from_nodes["general"]': "pass", 'aws_vpc_security_group_ingress_rule.api_from_nodes["batch"]': "pass" },
  },
  // module.node_sgs.ids["general"] is general's node SG, not the cluster SG, so webhook_general is
  // not judged (read as the map's every element, it was unknown: "if it is the cluster SG …").
  { fixture: "topo-module-output-map", expected: { 'aws_vpc_security_group_ingress_rule.api_from_nodes["general"]': "pass", 'aws_vpc_security_group_ingress_rule.api_from_nodes["batch"]': "pass" } },
  // TCP 443 on the cluster SG serves the control plane itself, so it is exempt.
  { fixture: "topo-lt-node-sg-correct", expected: { "aws_security_group_rule.cluster_api_from_nodes": "pass" } },
  { fixture: "topo-egress-narrow", expected: { "aws_security_group_rule.cluster_api_from_nodes": "pass" } },
  { fixture: "topo-node-sg-no-egress", expected: { "aws_vpc_security_group_ingress_rule.cluster_api_from_nodes": "pass" } },
  { fixture: "topo-lt-by-name", expected: { "aws_vpc_security_group_ingress_rule.cluster_api_from_nodes": "pass" } },
  { fixture: "topo-self-managed-asg", expected: { "aws_security_group_rule.cluster_api_from_nodes": "pass" } },
  { fixture: "topo-existing-sg-inline-and-rule", expected: { "aws_security_group_rule.cluster_api_from_nodes": "pass" } },
  { fixture: "topo-state-replace-cluster", expected: { "aws_security_group_rule.cluster_api_from_nodes": "pass" } },
  {
    fixture: "topo-cidr-rules",
    expected: {
      "aws_security_group_rule.cluster_a_api": "pass",
      "aws_security_group_rule.cluster_b_api": "pass",
      "aws_security_group_rule.cluster_c_api": "pass",
    },
  },
  {
    fixture: "topo-modules-count-foreach",
    expected: {
      'module.nodes["system"].aws_vpc_security_group_ingress_rule.cluster_api': "pass",
      'module.nodes["apps"].aws_vpc_security_group_ingress_rule.cluster_api': "pass",
    },
  },
  // Fargate pods carry the cluster SG, so a rule on it reaches them.
  { fixture: "topo-mixed-fargate-ec2", expected: { "aws_security_group_rule.cluster_api_from_nodes": "pass" } },
  {
    // Every rule names its SG through a local: the ingress rules on ports other than 443 might be on
    // the cluster SG, which no node class carries (the 443 rules and the egress rule are not reported).
    fixture: "topo-rules-through-local",
    expected: {
      'aws_security_group_rule.node_from_cluster["kubelet"]': "unknown",
      'aws_security_group_rule.node_from_cluster["high"]': "unknown",
      'aws_security_group_rule.node_self["dns_tcp"]': "unknown",
      'aws_security_group_rule.node_self["dns_udp"]': "unknown",
      'aws_security_group_rule.node_self["high"]': "unknown",
    },
    facts: {
      "aws_security_group_rule.node_from_cluster[\"kubelet\"]": {"messageId": "target-unknown", "data": {"unknown": "local.node_sg_id (locals are not in plan JSON)", "cluster": "aws_eks_cluster.this"}},
      "aws_security_group_rule.node_self[\"dns_udp\"]": {"messageId": "target-unknown", "data": {"unknown": "local.node_sg_id (locals are not in plan JSON)", "cluster": "aws_eks_cluster.this"}},
    },
  },
  {
    // The same rules in a module stamped out for seven clusters: each rule may be on the cluster SG
    // of any of them, and is reported once, naming five clusters and counting the rest.
    fixture: "topo-rules-through-local-clusters",
    expected: Object.fromEntries(
      TEAMS.flatMap((team) => ['node_from_cluster["kubelet"]', 'node_from_cluster["high"]', 'node_self["dns_tcp"]', 'node_self["dns_udp"]', 'node_self["high"]'].map((rule) => [`module.cluster["${team}"].aws_security_group_rule.${rule}`, "unknown"])),
    ),
    facts: {
      'module.cluster["search"].aws_security_group_rule.node_self["dns_udp"]': {
        messageId: "target-unknown-clusters",
        data: { unknown: "local.node_sg_id (locals are not in plan JSON)", count: 7, clusters: [...TEAMS.slice(0, 5).map((team) => `module.cluster["${team}"].aws_eks_cluster.this`), "and 2 more"] },
      },
    },
  },
  // The plan deletes the only rule on the cluster SG: nothing left to judge.
  { fixture: "topo-state-delete-rule", expected: {} },
  // No rule on the cluster SG.
  { fixture: "topo-mng-no-lt", expected: {} },
  { fixture: "topo-fargate", expected: {} },
  { fixture: "topo-lt-network-interfaces", expected: {} },
  { fixture: "topo-lt-node-sg-no-rules", expected: {} },
  { fixture: "topo-cluster-sg-plus-tagged-node-sg", expected: {} },
];

describe("cluster-sg-rule-misses-nodes", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-vpc-rule-resources", "aws_vpc_security_group_ingress_rule.cluster_webhook_9443")).toEqual([
    "this rule (ingress tcp/9443 from aws_security_group.node) is on the cluster SG of aws_eks_cluster.this, but no node class carries that SG (aws_eks_node_group.workers use their launch templates' SGs), so it only reaches the control-plane ENIs; put the rule on the node SG instead",
  ]);
  expect(wordingOf(policy, "topo-rules-through-local-clusters", 'module.cluster["ads"].aws_security_group_rule.node_from_cluster["kubelet"]')).toEqual([
    'this rule\'s security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON)); if it is the cluster SG of one of 7 clusters whose nodes do not carry it (module.cluster["ads"].aws_eks_cluster.this, module.cluster["data"].aws_eks_cluster.this, module.cluster["identity"].aws_eks_cluster.this, module.cluster["ledger"].aws_eks_cluster.this, module.cluster["media"].aws_eks_cluster.this, and 2 more), it reaches no node',
  ]);
});
