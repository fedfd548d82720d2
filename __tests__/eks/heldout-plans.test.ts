/**
 * Plans written blind by other people, to find what the model gets wrong (see each main.tf's
 * header for the author's reasoning): IPv6 clusters, CIDR rules that cover subnets only together,
 * EFA nodes with a second network interface, mixed-instance overrides with other SGs, wildcard
 * Fargate selectors, launch configurations, prefix lists. Every flow-policy verdict is listed.
 */
import { verdictLines } from "../helpers/fixtures";

const POLICIES = new Set(["node-to-apiserver", "apiserver-to-kubelet", "node-dns", "apiserver-to-webhooks", "node-to-node", "single-cluster-tag", "world-ingress", "cluster-sg-rule-misses-nodes", "connectivity-regression", "remote-access", "node-imdsv2"]);

const verdicts = (name: string) => verdictLines(name, POLICIES);

test.each<[string, string[]]>([
  [
    // IPv4-only egress in an IPv6 cluster: pods' DNS and pod-to-pod traffic are IPv6 and cannot leave.
    "heldout-a-ipv6-v4-egress",
    ["fail node-dns aws_eks_node_group.general", "fail(warning) node-to-node aws_eks_node_group.general"],
  ],
  [
    // Nodes in a secondary VPC CIDR that the "VPC CIDR" rules do not hold.
    "heldout-a-private-cidr-secondary",
    ["fail node-dns aws_eks_node_group.workers", "fail node-to-apiserver aws_eks_node_group.workers", "fail(warning) node-to-node aws_eks_node_group.workers"],
  ],
  [
    "heldout-a-child-module-nodegroups",
    ["fail node-dns module.ng_apps.aws_eks_node_group.this", "fail node-dns module.ng_apps.aws_eks_node_group.this", "fail node-dns module.ng_system.aws_eks_node_group.this", "fail(warning) node-to-node module.ng_apps.aws_eks_node_group.this"],
  ],
  [
    "heldout-a-two-clusters-shared-node-sg",
    ['fail apiserver-to-kubelet aws_eks_node_group.workers["green"]', 'fail(warning) apiserver-to-webhooks aws_eks_node_group.workers["green"]'],
  ],
  [
    "heldout-a-state-kubelet-port",
    ["fail apiserver-to-kubelet aws_eks_node_group.workers", "fail connectivity-regression aws_eks_node_group.workers", "fail(warning) apiserver-to-webhooks aws_eks_node_group.workers"],
  ],
  [
    // Only the primary interface's SGs are on the address the kubelet and pods use.
    "heldout-b-efa-two-enis",
    [
      "fail apiserver-to-kubelet aws_eks_node_group.train",
      "fail node-dns aws_eks_node_group.cpu",
      "fail node-dns aws_eks_node_group.train",
      "fail node-to-apiserver aws_eks_node_group.train",
      "fail(warning) apiserver-to-webhooks aws_eks_node_group.train",
      "fail(warning) node-to-node aws_eks_node_group.cpu",
      "fail(warning) node-to-node aws_eks_node_group.train",
    ],
  ],
  [
    // The GPU override's template has its own SG: those instances are a class of their own; one tagged SG each.
    "heldout-b-mixed-instances-overrides",
    [
      "fail apiserver-to-kubelet aws_autoscaling_group.ml",
      "fail node-dns aws_autoscaling_group.ml",
      "fail node-dns aws_autoscaling_group.ml",
      "fail node-imdsv2 aws_launch_template.gpu",
      "fail node-to-apiserver aws_autoscaling_group.ml",
      "fail(warning) apiserver-to-webhooks aws_autoscaling_group.ml",
      "fail(warning) node-to-node aws_autoscaling_group.ml",
      "fail(warning) node-to-node aws_autoscaling_group.ml",
    ],
  ],
  [
    // `k8s-app = "kube-*"` on namespace `kube-*` still selects CoreDNS.
    "heldout-b-fargate-wildcards",
    [
      'fail node-dns module.nodegroups["apps"].aws_eks_node_group.this[0]',
      'fail(warning) node-to-node module.nodegroups["apps"].aws_eks_node_group.this[0]',
      'fail(warning) node-to-node module.nodegroups["apps"].aws_eks_node_group.this[0]',
      'fail(warning) node-to-node module.nodegroups["apps"].aws_eks_node_group.this[0]',
    ],
  ],
  [
    // Egress to ::/0 does not carry IPv4 DNS; the launch configuration leaves IMDSv1 on.
    "heldout-b-legacy-launch-config",
    ["fail node-dns aws_autoscaling_group.legacy", "fail node-imdsv2 aws_launch_configuration.legacy", "fail(warning) node-to-node aws_autoscaling_group.legacy"],
  ],
  [
    "heldout-b-remote-access-endpoints",
    ["fail remote-access aws_eks_node_group.legacy", "fail world-ingress aws_eks_node_group.legacy", "fail world-ingress aws_security_group_rule.cluster_ssh", "fail(warning) world-ingress aws_security_group_rule.cluster_vpn"],
  ],
  [
    // The 443 rule is replaced by one for the two node subnets' CIDRs, which together hold the nodes: no regression there.
    "heldout-b-state-rule-rewrite",
    ["fail connectivity-regression aws_eks_node_group.workers", "fail node-dns aws_eks_node_group.workers"],
  ],
])("%s", (name, expected) => {
  expect(verdicts(name)).toEqual([...expected].sort());
});
