import policy from "../../policies/apiserver-to-webhooks";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  // The Fargate pods of SecurityGroupPolicies are their workloads, not webhooks.
  { fixture: "topo-fargate-pod-sg", expected: { "aws_eks_fargate_profile.apps": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  // Default ports (443, 4443, 6443, 8443, 9443, 10251).
  { fixture: "topo-mng-no-lt", expected: { "aws_eks_node_group.default": "pass" } },
  { fixture: "topo-cluster-sg-plus-tagged-node-sg", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-fargate", expected: { "aws_eks_fargate_profile.default": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  { fixture: "topo-lt-node-sg-correct", expected: { "aws_eks_node_group.workers": "pass" } },
  // 443 plus 1025-65535 from the cluster SG cover every webhook port.
  { fixture: "topo-egress-narrow", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-node-sg-no-egress", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-self-managed-asg", expected: { "aws_autoscaling_group.workers": "pass" } },
  { fixture: "topo-mixed-fargate-ec2", expected: { "aws_eks_node_group.apps": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  {
    fixture: "topo-modules-count-foreach",
    expected: { 'module.nodes["apps"].aws_eks_node_group.this': "pass", 'module.nodes["system"].aws_eks_node_group.this': "pass" },
  },
  {
    // Node SGs admit only 10250 from a CIDR and self rules: nothing admits the control plane on a webhook port.
    fixture: "topo-cidr-rules",
    expected: { "aws_eks_node_group.a": "fail", "aws_eks_node_group.b": "fail", "aws_eks_node_group.c": "fail" },
    facts: {
      "aws_eks_node_group.a": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.a)", to: "managed(aws_eks_node_group.a)", ports: ["TCP 443", "TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.a"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node_a", addIngressFrom: "aws_eks_cluster.a.vpc_config[0].cluster_security_group_id" } },
      "aws_eks_node_group.b": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.b)", to: "managed(aws_eks_node_group.b)", ports: ["TCP 443", "TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.b"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node_b", addIngressFrom: "aws_eks_cluster.b.vpc_config[0].cluster_security_group_id" } },
      "aws_eks_node_group.c": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.c)", to: "managed(aws_eks_node_group.c)", ports: ["TCP 443", "TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.c"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node_c", addIngressFrom: "aws_eks_cluster.c.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    fixture: "topo-lt-by-name",
    expected: { "aws_eks_node_group.general": "fail", "aws_eks_node_group.batch": "fail" },
    facts: {
      "aws_eks_node_group.general": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.general)", ports: ["TCP 443", "TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
      "aws_eks_node_group.batch": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.batch)", ports: ["TCP 443", "TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    fixture: "topo-lt-network-interfaces",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 443", "TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    fixture: "topo-lt-node-sg-no-rules",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 443", "TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    // 443 from the cluster SG only; the 9443 rule sits on the cluster SG, which the nodes do not carry.
    fixture: "topo-vpc-rule-resources",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    // The plan deletes the 9443 rule; the stale inline 9443 entry in after.ingress must not keep it open.
    fixture: "topo-existing-sg-inline-and-rule",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    fixture: "topo-state-delete-rule",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 4443", "TCP 6443", "TCP 8443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    fixture: "topo-state-replace-cluster",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 4443", "TCP 6443", "TCP 8443", "TCP 10251"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    fixture: "topo-rules-through-local",
    expected: { "aws_eks_node_group.workers": "unknown" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-unknown", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 443", "TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], undecided: ["ingress"], reasons: ["aws_security_group_rule.cluster_api_from_nodes may be on these SGs: its security_group_id is decided at apply time (local.cluster_sg_id (locals are not in plan JSON))", "aws_security_group_rule.node_from_cluster[\"webhook_443\"] may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))"] } },
    },
  },
  {
    fixture: "p-self-managed-asg",
    expected: { "aws_autoscaling_group.workers": "unknown", "aws_autoscaling_group.spot": "unknown" },
    facts: {
      "aws_autoscaling_group.spot": { messageId: "flow-unknown", data: { from: "control-plane(aws_eks_cluster.demo)", to: "self-managed(aws_autoscaling_group.spot)", ports: ["TCP 443", "TCP 4443", "TCP 6443", "TCP 8443", "TCP 9443", "TCP 10251"], undecided: ["ingress"], reasons: ["the rules of sg-0f1e2d3c4b5a69788 (not in this plan) are not in this plan"] } },
    },
  },
  { fixture: "p-cluster-defaults", expected: {} },
  {
    // Custom networking: webhooks listen on the pod ENIs, whose SG does not admit the control plane;
    // the node groups' own SGs serve no pods, and are not judged. search's ENIConfigs are decided at apply time.
    fixture: "topo-custom-networking",
    expected: { 'kubernetes_manifest.payments_eni_config["us-west-2a"]': "fail", 'kubernetes_manifest.payments_eni_config["us-west-2b"]': "fail", 'kubectl_manifest.search_eni_config["us-west-2a"]': "unknown", 'kubectl_manifest.search_eni_config["us-west-2b"]': "unknown" },
  },
  {
    // Custom networking from the vpc-cni add-on's eniConfig (aws_eks_addon.vpc_cni#<zone>): the pod SG admits nothing from the cluster SG; general's pods are on the pod ENIs, so it is not judged.
    fixture: "topo-custom-networking-addon",
    expected: { "aws_eks_addon.vpc_cni": "fail" },
  },
];

/** The `ports` option narrows the check to the webhooks a team runs. */
const byPorts: VerdictCase[] = [
  // Only 443 (e.g. a team whose only webhook is served on 443).
  { fixture: "topo-existing-sg-inline-and-rule", options: { ports: [443] }, expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-vpc-rule-resources", options: { ports: [443] }, expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-delete-rule", options: { ports: [443] }, expected: { "aws_eks_node_group.workers": "pass" } },
  {
    fixture: "topo-lt-network-interfaces",
    options: { ports: [443] },
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 443"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },

  // Only 9443 (the AWS Load Balancer Controller webhook).
  { fixture: "topo-state-delete-rule", options: { ports: [9443] }, expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-replace-cluster", options: { ports: [9443] }, expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-egress-narrow", options: { ports: [9443] }, expected: { "aws_eks_node_group.workers": "pass" } },
  {
    // The plan deletes node_from_cluster["webhook_9443"]: 9443 is closed after it, whatever the stale inline copy says.
    fixture: "topo-existing-sg-inline-and-rule",
    options: { ports: [9443] },
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 9443"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    // The 9443 rule was put on the cluster SG, which the LT-defined nodes do not carry.
    fixture: "topo-vpc-rule-resources",
    options: { ports: [9443] },
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 9443"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  { fixture: "topo-mng-no-lt", options: { ports: [9443] }, expected: { "aws_eks_node_group.default": "pass" } },
];

describe("apiserver-to-webhooks", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
  test.each(byPorts)("$fixture, ports $options.ports", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-lt-node-sg-no-rules", "aws_eks_node_group.workers")).toEqual([
    "API server → webhooks on the nodes (the control plane of aws_eks_cluster.this → aws_eks_node_group.workers) is blocked on TCP 443, TCP 4443, TCP 6443, TCP 8443, TCP 9443, TCP 10251: egress allowed by the built-in rules of the SG EKS made for aws_eks_cluster.this; ingress side missing: no ingress rule on aws_security_group.node allows TCP 443 from control-plane(aws_eks_cluster.this). Webhooks served here time out, and creating the objects they guard fails. Fix: add an ingress rule on aws_security_group.node for TCP 443, TCP 4443, TCP 6443, TCP 8443, TCP 9443, TCP 10251 from aws_eks_cluster.this.vpc_config[0].cluster_security_group_id",
  ]);
});
