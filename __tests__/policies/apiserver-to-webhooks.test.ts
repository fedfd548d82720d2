import policy from "../../policies/apiserver-to-webhooks";
import { expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const esc = (s: string) => s.replace(/[.[\]"()]/g, "\\$&");

/** The evidence of a blocked webhook flow: egress from the control plane is fine, no rule on `sg` admits it, and where to add one. */
const missingIngress = (sg: string, cluster: string, blocked: string, first: string) =>
  new RegExp(
    `is blocked on ${blocked}: egress allowed by the built-in rules of the SG EKS made for ${esc(cluster)}; ingress side missing: no ingress rule on ${esc(sg)} allows ${first} from control-plane\\(${esc(cluster)}\\)\\..*Fix: add an ingress rule on ${esc(sg)} for ${blocked} from ${esc(cluster)}\\.vpc_config\\[0\\]\\.cluster_security_group_id`,
  );
const ALL = "TCP 443, TCP 4443, TCP 6443, TCP 8443, TCP 9443, TCP 10251";
const ALL_BUT_443 = "TCP 4443, TCP 6443, TCP 8443, TCP 9443, TCP 10251";
const ALL_BUT_443_9443 = "TCP 4443, TCP 6443, TCP 8443, TCP 10251";

const cases: VerdictCase[] = [
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
    messages: {
      "aws_eks_node_group.a": missingIngress("aws_security_group.node_a", "aws_eks_cluster.a", ALL, "TCP 443"),
      "aws_eks_node_group.b": missingIngress("aws_security_group.node_b", "aws_eks_cluster.b", ALL, "TCP 443"),
      "aws_eks_node_group.c": missingIngress("aws_security_group.node_c", "aws_eks_cluster.c", ALL, "TCP 443"),
    },
  },
  {
    fixture: "topo-lt-by-name",
    expected: { "aws_eks_node_group.general": "fail", "aws_eks_node_group.batch": "fail" },
    messages: {
      "aws_eks_node_group.general": missingIngress("aws_security_group.node", "aws_eks_cluster.this", ALL, "TCP 443"),
      "aws_eks_node_group.batch": missingIngress("aws_security_group.node", "aws_eks_cluster.this", ALL, "TCP 443"),
    },
  },
  {
    fixture: "topo-lt-network-interfaces",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: { "aws_eks_node_group.workers": missingIngress("aws_security_group.node", "aws_eks_cluster.this", ALL, "TCP 443") },
  },
  {
    fixture: "topo-lt-node-sg-no-rules",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: { "aws_eks_node_group.workers": missingIngress("aws_security_group.node", "aws_eks_cluster.this", ALL, "TCP 443") },
  },
  {
    // 443 from the cluster SG only; the 9443 rule sits on the cluster SG, which the nodes do not carry.
    fixture: "topo-vpc-rule-resources",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: { "aws_eks_node_group.workers": missingIngress("aws_security_group.node", "aws_eks_cluster.this", ALL_BUT_443, "TCP 4443") },
  },
  {
    // The plan deletes the 9443 rule; the stale inline 9443 entry in after.ingress must not keep it open.
    fixture: "topo-existing-sg-inline-and-rule",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: { "aws_eks_node_group.workers": missingIngress("aws_security_group.node", "aws_eks_cluster.this", ALL_BUT_443, "TCP 4443") },
  },
  {
    fixture: "topo-state-delete-rule",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: { "aws_eks_node_group.workers": missingIngress("aws_security_group.node", "aws_eks_cluster.this", ALL_BUT_443_9443, "TCP 4443") },
  },
  {
    fixture: "topo-state-replace-cluster",
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: { "aws_eks_node_group.workers": missingIngress("aws_security_group.node", "aws_eks_cluster.this", ALL_BUT_443_9443, "TCP 4443") },
  },
  {
    fixture: "topo-rules-through-local",
    expected: { "aws_eks_node_group.workers": "unknown" },
    messages: {
      "aws_eks_node_group.workers": new RegExp(
        `cannot tell whether API server → webhooks on the nodes .* is open on ${ALL}: ingress side unknown: .*${esc('aws_security_group_rule.node_from_cluster["webhook_443"]')} may be on these SGs: its security_group_id is decided at apply time \\(local\\.node_sg_id \\(locals are not in plan JSON\\)\\)`,
      ),
    },
  },
  {
    fixture: "p-self-managed-asg",
    expected: { "aws_autoscaling_group.workers": "unknown", "aws_autoscaling_group.spot": "unknown" },
    messages: { "aws_autoscaling_group.spot": /ingress side unknown: the rules of sg-0f1e2d3c4b5a69788 \(not in this plan\) are not in this plan/ },
  },
  { fixture: "p-cluster-defaults", expected: {} },
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
    messages: { "aws_eks_node_group.workers": missingIngress("aws_security_group.node", "aws_eks_cluster.this", "TCP 443", "TCP 443") },
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
    messages: { "aws_eks_node_group.workers": missingIngress("aws_security_group.node", "aws_eks_cluster.this", "TCP 9443", "TCP 9443") },
  },
  {
    // The 9443 rule was put on the cluster SG, which the LT-defined nodes do not carry.
    fixture: "topo-vpc-rule-resources",
    options: { ports: [9443] },
    expected: { "aws_eks_node_group.workers": "fail" },
    messages: { "aws_eks_node_group.workers": missingIngress("aws_security_group.node", "aws_eks_cluster.this", "TCP 9443", "TCP 9443") },
  },
  { fixture: "topo-mng-no-lt", options: { ports: [9443] }, expected: { "aws_eks_node_group.default": "pass" } },
];

describe("apiserver-to-webhooks", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
  test.each(byPorts)("$fixture, ports $options.ports", (c) => expectVerdicts(policy, c));
});
