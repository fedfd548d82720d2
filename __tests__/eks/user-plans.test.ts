/**
 * Plans written as users write them — the terraform-aws-eks module's default rules spelled out,
 * a blueprint with CoreDNS on Fargate, self-managed nodes, a private endpoint with a bastion —
 * checked against the verdicts their authors expected (see each fixture's main.tf header).
 */
import { verdictLines } from "../helpers/fixtures";

const FLOW_POLICIES = new Set(["node-to-apiserver", "apiserver-to-kubelet", "node-dns", "apiserver-to-webhooks", "node-to-node", "single-cluster-tag", "world-ingress"]);
const verdicts = (name: string) => verdictLines(name, FLOW_POLICIES);

test("terraform-aws-eks style, first plan: the rules' sources come through locals, so unknown — never fail", () => {
  const found = verdicts("user-eks-module-style-create");
  expect(found.filter((v) => v.startsWith("fail"))).toEqual([]);
  for (const group of ['aws_eks_node_group.this["general"]', 'aws_eks_node_group.this["batch"]']) {
    expect(found).toContain(`unknown node-to-apiserver ${group}`);
    expect(found).toContain(`unknown apiserver-to-kubelet ${group}`);
    expect(found.filter((v) => v.includes("node-dns"))).toEqual([]);
  }
});

test("terraform-aws-eks style, applied (every id known): the required flows pass", () => {
  expect(verdicts("user-eks-module-style-existing")).toEqual([]);
});

test("CoreDNS on Fargate while nodes carry their own SG: DNS fails both ways, and the fixed cluster passes", () => {
  expect(verdicts("user-blueprint-fargate-and-nodes")).toEqual(
    [
      'fail node-dns aws_eks_fargate_profile.broken["karpenter"]',
      'fail node-dns aws_eks_fargate_profile.broken["kube_system"]',
      "fail node-dns aws_eks_node_group.broken_workers",
      'fail(warning) node-to-node aws_eks_fargate_profile.broken["karpenter"]',
      'fail(warning) node-to-node aws_eks_fargate_profile.broken["kube_system"]',
      "fail(warning) apiserver-to-webhooks aws_eks_node_group.broken_workers",
      "fail(warning) node-to-node aws_eks_node_group.broken_workers",
      "fail(warning) node-to-node aws_eks_node_group.broken_workers",
    ].sort(),
  );
});

test("self-managed nodes with the cluster SG and a tagged node SG: two tagged SGs", () => {
  expect(verdicts("user-self-managed-with-cluster-sg")).toEqual([
    "fail single-cluster-tag aws_autoscaling_group.on_demand",
    "fail single-cluster-tag aws_autoscaling_group.spot",
  ]);
});

test("private endpoint with a bastion: webhooks blocked, SSH open to the world is an error, NodePorts a warning", () => {
  expect(verdicts("user-private-endpoint-bastion")).toEqual([
    "fail world-ingress aws_security_group_rule.node_ssh",
    "fail(warning) apiserver-to-webhooks aws_eks_node_group.workers",
    "fail(warning) world-ingress aws_security_group_rule.node_nodeports",
  ]);
});
