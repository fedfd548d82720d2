import policy from "../../policies/node-to-apiserver";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  // Self-managed nodes launched one at a time (aws_instance tagged for the cluster): the gpu nodes'
  // own SG has the rules; the batch node's template names an SG with egress only; scratch names no
  // SG, so it gets the VPC's default SG, which is not in the plan.
  { fixture: "topo-self-managed-instances", expected: { 'aws_instance.gpu["a"]': "pass", 'aws_instance.gpu["c"]': "pass", "aws_instance.batch": "fail", "aws_instance.scratch": "unknown" } },
  // A Fargate-only cluster whose SecurityGroupPolicies give pods their SGs: payments' SG alone,
  // without the cluster SG or rules to it; orders lists the cluster SG, as AWS advises.
  {
    fixture: "topo-fargate-pod-sg",
    expected: { "aws_eks_fargate_profile.apps": "pass", "aws_eks_fargate_profile.kube_system": "pass", "kubernetes_manifest.orders_sgp": "pass", "kubernetes_manifest.payments_sgp": "fail" },
    facts: { "kubernetes_manifest.payments_sgp": { messageId: "flow-blocked", data: { missing: ["ingress"], egressAllowedBy: ["aws_vpc_security_group_egress_rule.payments_https"] } } },
  },
  // The kubelet and API rules are forgotten (`removed`, destroy = false), not deleted: they stay in AWS.
  { fixture: "topo-state-forget-rules", expected: { "aws_eks_node_group.workers": "pass" } },
  // Applied with -target (an incomplete plan): module.node_sg_rules' rules are left out and stay as
  // they are in the state; the gpu SG's rules are not applied yet.
  {
    fixture: "topo-state-targeted-pool",
    expected: { 'module.pool["general"].aws_eks_node_group.this': "pass", "module.gpu_pool.aws_eks_node_group.this": "fail" },
    facts: { "module.gpu_pool.aws_eks_node_group.this": { messageId: "flow-blocked", data: { missing: ["egress", "ingress"] } } },
  },
  // The cluster SG on both ends.
  { fixture: "topo-mng-no-lt", expected: { "aws_eks_node_group.default": "pass" } },
  { fixture: "topo-cluster-sg-plus-tagged-node-sg", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-fargate", expected: { "aws_eks_fargate_profile.default": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  // Node SG egress + cluster SG ingress 443 from the node SG, in every rule spelling.
  { fixture: "topo-lt-node-sg-correct", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-vpc-rule-resources", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-lt-by-name", expected: { "aws_eks_node_group.general": "pass", "aws_eks_node_group.batch": "pass" } },
  {
    // A cluster made elsewhere, read with data "aws_eks_cluster": the rule this plan adds to its
    // cluster SG admits batch; for gpu only rules made elsewhere could (the cluster SG's beyond
    // EKS's own, the additional SG's), so it is unknown, not failed.
    fixture: "topo-cluster-by-data-source",
    expected: {
      "aws_eks_node_group.general": "pass",
      'module.pool["batch"].aws_eks_node_group.this': "pass",
      'module.pool["gpu"].aws_eks_node_group.this': "unknown",
      "kubectl_manifest.batch_spot": "pass",
    },
  },
  // The cluster SG admits 10.0.0.0/8, which holds the nodes' known subnets; their subnet c comes
  // from an IPAM range decided at apply time.
  { fixture: "topo-cidr-partly-known", expected: { 'aws_eks_node_group.this["wide"]': "unknown", 'aws_eks_node_group.this["narrow"]': "unknown" } },
  { fixture: "topo-foreach-chained", expected: { 'aws_eks_node_group.this["general"]': "pass", 'aws_eks_node_group.this["batch"]': "pass" } },
  // The cluster SG's 443 rule admits one of the node SG and the shared SG (a conditional): the nodes carry both.
  { fixture: "topo-conditional-peers", expected: { "aws_eks_node_group.this": "pass" } },
  { fixture: "topo-ipv6-partly-known", expected: { "aws_eks_node_group.this": "pass" } },
  // Egress narrowed to TCP 443 to 0.0.0.0/0 is enough for this flow.
  { fixture: "topo-egress-narrow", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-self-managed-asg", expected: { "aws_autoscaling_group.workers": "pass" } },
  { fixture: "topo-mixed-fargate-ec2", expected: { "aws_eks_node_group.apps": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  {
    fixture: "topo-modules-count-foreach",
    expected: { 'module.nodes["apps"].aws_eks_node_group.this': "pass", 'module.nodes["system"].aws_eks_node_group.this': "pass" },
  },
  // a: 443 from the VPC CIDR, which covers the node subnets; b and c: 443 from the node SG.
  { fixture: "topo-cidr-rules", expected: { "aws_eks_node_group.a": "pass", "aws_eks_node_group.b": "pass", "aws_eks_node_group.c": "pass" } },
  { fixture: "topo-existing-sg-inline-and-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-replace-cluster", expected: { "aws_eks_node_group.workers": "pass" } },
  {
    // Public and private endpoint: nodes use the control-plane ENIs, and the plan deletes the only rule
    // that let the node SG into the cluster SG on 443.
    fixture: "topo-state-delete-rule",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.workers)", to: "control-plane(aws_eks_cluster.this)", ports: ["TCP 443"], missing: ["ingress"], egressAllowedBy: ["aws_security_group_rule.node_egress_all"], ingressAllowedBy: [], addIngressOn: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id", addIngressFrom: "aws_security_group.node" } },
    },
  },
  {
    // No egress at all on the node SG (the provider drops AWS's default allow-all).
    fixture: "topo-node-sg-no-egress",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.workers)", to: "public-endpoint(aws_eks_cluster.this)", ports: ["TCP 443"], missing: ["egress"], egressAllowedBy: [], ingressAllowedBy: [], addEgressOn: "aws_security_group.node", addEgressTo: "0.0.0.0/0" } },
    },
  },
  {
    // The node SG has no rules at all. The cluster is public-only, so the missing egress is what blocks the nodes.
    fixture: "topo-lt-node-sg-no-rules",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.workers)", to: "public-endpoint(aws_eks_cluster.this)", ports: ["TCP 443"], missing: ["egress"], egressAllowedBy: [], ingressAllowedBy: [], addEgressOn: "aws_security_group.node", addEgressTo: "0.0.0.0/0" } },
    },
  },
  {
    fixture: "topo-rules-through-local",
    expected: { "aws_eks_node_group.workers": "unknown" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-unknown", data: { from: "managed(aws_eks_node_group.workers)", to: "public-endpoint(aws_eks_cluster.this)", ports: ["TCP 443"], undecided: ["egress"], reasons: ["aws_security_group_rule.node_egress may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))"] } },
    },
  },
  {
    // Private-only cluster; the self-managed nodes carry an existing SG that no cluster-SG rule admits.
    fixture: "p-self-managed-asg",
    expected: { "aws_autoscaling_group.workers": "fail", "aws_autoscaling_group.spot": "fail" },
    facts: {
      "aws_autoscaling_group.workers": { messageId: "flow-blocked", data: { from: "self-managed(aws_autoscaling_group.workers)", to: "control-plane(aws_eks_cluster.demo)", ports: ["TCP 443"], missing: ["ingress"], egressAllowedBy: [], ingressAllowedBy: [], addIngressOn: "aws_eks_cluster.demo.vpc_config[0].cluster_security_group_id", addIngressFrom: "sg-0f1e2d3c4b5a69788" } },
    },
  },
  {
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
    // VPC CNI custom networking: payments' pods are on its ENIConfigs' pod SG, which the cluster SG
    // does not admit; the kubelet stays on the node SG. search's ENIConfigs are decided at apply time.
    fixture: "topo-custom-networking",
    expected: { 'kubernetes_manifest.payments_eni_config["us-west-2a"]': "fail", 'kubernetes_manifest.payments_eni_config["us-west-2b"]': "fail", "module.payments.aws_eks_node_group.default": "pass", "module.search.aws_eks_node_group.default": "pass", 'kubectl_manifest.search_eni_config["us-west-2a"]': "unknown", 'kubectl_manifest.search_eni_config["us-west-2b"]': "unknown" },
    facts: { 'kubernetes_manifest.payments_eni_config["us-west-2a"]': { messageId: "flow-blocked", data: { from: 'pod-network(kubernetes_manifest.payments_eni_config["us-west-2a"])', missing: ["ingress"], addIngressFrom: "aws_security_group.payments_pods" } } },
  },
  {
    // Custom networking from the vpc-cni add-on's eniConfig (aws_eks_addon.vpc_cni#<zone>): the plan adds 443 from the pod SG on the cluster SG.
    fixture: "topo-custom-networking-addon",
    expected: { "aws_eks_addon.vpc_cni": "pass", "aws_eks_node_group.general": "pass" },
  },
];

describe("node-to-apiserver", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));

  // Disagreement (fixture header and policy say fail). aws_eks_cluster.this has endpoint_private_access
  // = false and endpoint_public_access = true (provider defaults), public_access_cidrs unset (0.0.0.0/0).
  // With the private endpoint off, nodes reach the API server through the public endpoint, outside the
  // VPC; the control-plane ENIs and the cluster SG's ingress rules are not on that path. The node SG
  // allows all egress to 0.0.0.0/0, so no SG blocks the nodes from joining: the flow should pass, not
  // fail on a missing cluster-SG ingress rule.
  test("topo-lt-network-interfaces: public-only endpoint, so the cluster SG's ingress does not decide node → API", () =>
    expectVerdicts(policy, { fixture: "topo-lt-network-interfaces", expected: { "aws_eks_node_group.workers": "pass" } }),
  );
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-lt-node-sg-no-rules", "aws_eks_node_group.workers")).toEqual([
    "nodes → API server through its public endpoint (endpoint_private_access is off) (aws_eks_node_group.workers → the public API endpoint of aws_eks_cluster.this) is blocked on TCP 443: egress side missing: no egress rule on aws_security_group.node allows TCP 443 to public-endpoint(aws_eks_cluster.this); ingress allowed. Nodes cannot register or reach the API, so they never join the cluster. Fix: add an egress rule on aws_security_group.node for TCP 443 to 0.0.0.0/0, or turn on endpoint_private_access so nodes reach the API inside the VPC",
  ]);
});
