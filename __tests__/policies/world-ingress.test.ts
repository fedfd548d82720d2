import policy from "../../policies/world-ingress";
import { wordingOf, expectVerdicts, fixturePlan, verdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  {
    // Inline rules are reported on their SG, rule resources on themselves, EKS's own rules on the cluster.
    fixture: "topo-cidr-rules",
    expected: {
      "aws_eks_cluster.a": "pass",
      "aws_security_group_rule.cluster_a_api": "pass",
      "aws_security_group.node_a": "pass",
      "aws_eks_cluster.b": "pass",
      "aws_security_group_rule.cluster_b_api": "pass",
      "aws_security_group.node_b": "pass",
      "aws_eks_cluster.c": "pass",
      "aws_security_group_rule.cluster_c_api": "pass",
      "aws_security_group.node_c": "pass",
    },
  },
  {
    // aws_security_group.alb admits 0.0.0.0/0 on 443 but is on no EKS ENI: not judged.
    fixture: "topo-cluster-sg-plus-tagged-node-sg",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_security_group.cluster_additional": "pass",
      "aws_security_group.node": "pass",
    },
  },
  {
    // 0.0.0.0/0 only in the egress rule.
    fixture: "topo-egress-narrow",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_security_group_rule.cluster_api_from_nodes": "pass",
      'aws_security_group_rule.node_from_cluster["high"]': "pass",
      'aws_security_group_rule.node_from_cluster["kubelet"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_443"]': "pass",
      'aws_security_group_rule.node_self["dns_tcp"]': "pass",
      'aws_security_group_rule.node_self["dns_udp"]': "pass",
      'aws_security_group_rule.node_self["high"]': "pass",
    },
  },
  {
    // The inline copies of the managed rules are not judged twice; the deleted 9443 rule is gone.
    fixture: "topo-existing-sg-inline-and-rule",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_security_group_rule.cluster_api_from_nodes": "pass",
      'aws_security_group_rule.node_from_cluster["kubelet"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_443"]': "pass",
      'aws_security_group_rule.node_self["dns_tcp"]': "pass",
      'aws_security_group_rule.node_self["dns_udp"]': "pass",
      'aws_security_group_rule.node_self["high"]': "pass",
    },
  },
  {
    // A leftover rule opens the API (443) on the control plane's additional SG to the internet.
    fixture: "topo-fargate",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_vpc_security_group_ingress_rule.api_from_anywhere": "fail",
    },
    facts: {
      "aws_vpc_security_group_ingress_rule.api_from_anywhere": { messageId: "open-to-world", data: { sg: "aws_security_group.api_access", classes: ["control-plane(aws_eks_cluster.this)"], rules: "ingress tcp/443 from 0.0.0.0/0" } },
    },
  },
  {
    fixture: "topo-lt-by-name",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_vpc_security_group_ingress_rule.cluster_api_from_nodes": "pass",
      "aws_vpc_security_group_ingress_rule.node_dns_tcp": "pass",
      "aws_vpc_security_group_ingress_rule.node_dns_udp": "pass",
      "aws_vpc_security_group_ingress_rule.node_ephemeral": "pass",
    },
  },
  {
    fixture: "topo-lt-network-interfaces",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_security_group.node": "pass",
    },
  },
  {
    fixture: "topo-lt-node-sg-correct",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_security_group_rule.cluster_api_from_nodes": "pass",
      'aws_security_group_rule.node_from_cluster["dns_tcp"]': "pass",
      'aws_security_group_rule.node_from_cluster["dns_udp"]': "pass",
      'aws_security_group_rule.node_from_cluster["ephemeral"]': "pass",
      'aws_security_group_rule.node_from_cluster["kubelet"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_10251"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_443"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_4443"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_6443"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_8443"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_9443"]': "pass",
      'aws_security_group_rule.node_from_self["dns_tcp"]': "pass",
      'aws_security_group_rule.node_from_self["dns_udp"]': "pass",
      'aws_security_group_rule.node_from_self["ephemeral"]': "pass",
    },
  },
  {
    // A node SG with no rules at all.
    fixture: "topo-lt-node-sg-no-rules",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_security_group.node": "pass",
    },
  },
  {
    fixture: "topo-mixed-fargate-ec2",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_security_group_rule.cluster_api_from_nodes": "pass",
      "aws_security_group_rule.node_from_cluster_ephemeral": "pass",
      "aws_security_group_rule.node_kubelet": "pass",
      'aws_security_group_rule.node_self_dns["tcp"]': "pass",
      'aws_security_group_rule.node_self_dns["udp"]': "pass",
      "aws_security_group_rule.node_self_ephemeral": "pass",
      "aws_security_group_rule.node_webhook_443": "pass",
    },
  },
  {
    fixture: "topo-mng-no-lt",
    expected: {
      "aws_eks_cluster.this": "pass",
    },
  },
  {
    fixture: "topo-modules-count-foreach",
    expected: {
      "aws_eks_cluster.this": "pass",
      'module.nodes["apps"].aws_vpc_security_group_ingress_rule.cluster_api': "pass",
      'module.nodes["system"].aws_vpc_security_group_ingress_rule.cluster_api': "pass",
      'module.nodes["apps"].aws_security_group_rule.from_cluster["high"]': "pass",
      'module.nodes["apps"].aws_security_group_rule.from_cluster["kubelet"]': "pass",
      'module.nodes["apps"].aws_security_group_rule.from_cluster["webhook_443"]': "pass",
      'module.nodes["apps"].aws_security_group_rule.self["dns_tcp"]': "pass",
      'module.nodes["apps"].aws_security_group_rule.self["dns_udp"]': "pass",
      'module.nodes["apps"].aws_security_group_rule.self["high"]': "pass",
      'module.apps_to_system[0].aws_security_group_rule.ingress["dns_tcp"]': "pass",
      'module.apps_to_system[0].aws_security_group_rule.ingress["dns_udp"]': "pass",
      'module.apps_to_system[0].aws_security_group_rule.ingress["high"]': "pass",
      'module.nodes["system"].aws_security_group_rule.from_cluster["high"]': "pass",
      'module.nodes["system"].aws_security_group_rule.from_cluster["kubelet"]': "pass",
      'module.nodes["system"].aws_security_group_rule.from_cluster["webhook_443"]': "pass",
      'module.nodes["system"].aws_security_group_rule.self["dns_tcp"]': "pass",
      'module.nodes["system"].aws_security_group_rule.self["dns_udp"]': "pass",
      'module.nodes["system"].aws_security_group_rule.self["high"]': "pass",
    },
  },
  {
    fixture: "topo-node-sg-no-egress",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_vpc_security_group_ingress_rule.cluster_api_from_nodes": "pass",
      "aws_security_group.node": "pass",
    },
  },
  {
    // The rules' SGs come from locals; none of them has a world CIDR.
    fixture: "topo-rules-through-local",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_security_group.node": "pass",
    },
  },
  {
    // SSH from ::/0 on the node SG of the self-managed nodes.
    fixture: "topo-self-managed-asg",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_security_group_rule.cluster_api_from_nodes": "pass",
      'aws_security_group_rule.node_from_cluster["ephemeral"]': "pass",
      'aws_security_group_rule.node_from_cluster["https"]': "pass",
      'aws_security_group_rule.node_from_cluster["kubelet"]': "pass",
      "aws_security_group_rule.node_self": "pass",
      "aws_security_group_rule.node_ssh": "fail",
    },
    facts: {
      "aws_security_group_rule.node_ssh": { messageId: "open-to-world", data: { sg: "aws_security_group.node", classes: ["self-managed(aws_autoscaling_group.workers)"], rules: "ingress tcp/22 from ::/0" } },
    },
  },
  {
    // The deleted aws_security_group_rule.cluster_api_from_nodes is not in the world after the plan.
    fixture: "topo-state-delete-rule",
    expected: {
      "aws_eks_cluster.this": "pass",
      'aws_security_group_rule.node_from_cluster["kubelet"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_443"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_9443"]': "pass",
      'aws_security_group_rule.node_self["dns_tcp"]': "pass",
      'aws_security_group_rule.node_self["dns_udp"]': "pass",
      'aws_security_group_rule.node_self["high"]': "pass",
    },
  },
  {
    fixture: "topo-state-replace-cluster",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_security_group_rule.cluster_api_from_nodes": "pass",
      'aws_security_group_rule.node_from_cluster["kubelet"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_443"]': "pass",
      'aws_security_group_rule.node_from_cluster["webhook_9443"]': "pass",
      'aws_security_group_rule.node_self["dns_tcp"]': "pass",
      'aws_security_group_rule.node_self["dns_udp"]': "pass",
      'aws_security_group_rule.node_self["high"]': "pass",
    },
  },
  {
    // ::/0 and 0.0.0.0/0 only on egress.
    fixture: "topo-vpc-rule-resources",
    expected: {
      "aws_eks_cluster.this": "pass",
      "aws_vpc_security_group_ingress_rule.cluster_api_from_nodes": "pass",
      "aws_vpc_security_group_ingress_rule.cluster_webhook_9443": "pass",
      "aws_vpc_security_group_ingress_rule.node_dns_tcp": "pass",
      "aws_vpc_security_group_ingress_rule.node_dns_udp": "pass",
      "aws_vpc_security_group_ingress_rule.node_ephemeral": "pass",
      "aws_vpc_security_group_ingress_rule.node_kubelet": "pass",
      "aws_vpc_security_group_ingress_rule.node_webhook_443": "pass",
    },
  },
  {
    // remote_access without source SGs: EKS opens 22 to 0.0.0.0/0 on the SG it makes; with a bastion SG it does not.
    fixture: "p-nodegroups-remote-access",
    expected: {
      "aws_eks_cluster.main": "pass",
      "aws_eks_node_group.ssh_from_bastion": "pass",
      "aws_eks_node_group.ssh_open": "fail",
    },
    facts: {
      "aws_eks_node_group.ssh_open": { messageId: "open-to-world", data: { sg: "the remote-access SG EKS makes for aws_eks_node_group.ssh_open", classes: ["managed(aws_eks_node_group.ssh_open)"], rules: "ingress tcp/22 from 0.0.0.0/0" } },
    },
  },
  {
    // The deleted cluster is not in the world after the plan.
    fixture: "p-plan-actions",
    expected: {
      "aws_eks_cluster.logging": "pass",
      "aws_eks_cluster.payments": "pass",
      "aws_eks_cluster.steady": "pass",
    },
  },
  {
    fixture: "p-self-managed-asg",
    expected: {
      "aws_eks_cluster.demo": "pass",
    },
  },
  {
    // The SSH key name is sensitive; the missing source SGs still open 22 to the world.
    fixture: "p-sensitive",
    expected: {
      "aws_eks_cluster.ops": "pass",
      "aws_eks_node_group.ops": "fail",
      "aws_eks_cluster.partner": "pass",
    },
    facts: {
      "aws_eks_node_group.ops": { messageId: "open-to-world", data: { sg: "the remote-access SG EKS makes for aws_eks_node_group.ops", classes: ["managed(aws_eks_node_group.ops)"], rules: "ingress tcp/22 from 0.0.0.0/0" } },
    },
  },
];

/** address → severity of every fail in a plan. */
function severities(fixture: string): Record<string, string | undefined> {
  return Object.fromEntries(
    verdicts(policy, fixturePlan(fixture))
      .filter((r) => r.status === "fail")
      .map((r) => [r.address, r.severity]),
  );
}

describe("world-ingress", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));

  // "error" for all ports, 22 and 3389; "warning" for any other port.
  test.each([
    // TCP 443 on the control plane: a warning.
    ["topo-fargate", { "aws_vpc_security_group_ingress_rule.api_from_anywhere": "warning" }],
    // TCP 22 from ::/0 on the nodes: an error.
    ["topo-self-managed-asg", { "aws_security_group_rule.node_ssh": "error" }],
    // TCP 22 from 0.0.0.0/0 on the remote-access SG EKS makes: an error.
    ["p-nodegroups-remote-access", { "aws_eks_node_group.ssh_open": "error" }],
    ["p-sensitive", { "aws_eks_node_group.ops": "error" }],
    // No finding, no severity.
    ["topo-lt-node-sg-correct", {}],
  ])("%s: severity of each finding", (fixture, expected) => {
    expect(severities(fixture)).toEqual(expected);
  });

  test("p-sensitive: no message prints a sensitive value", () => {
    const text = verdicts(policy, fixturePlan("p-sensitive"))
      .map((r) => r.message)
      .join("\n");
    for (const secret of ["ops-breakglass", "198.51.100.7/32", "192.0.2.0/28"]) expect(text).not.toContain(secret);
  });
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-fargate", "aws_vpc_security_group_ingress_rule.api_from_anywhere")).toEqual([
    "ingress tcp/443 from 0.0.0.0/0 on aws_security_group.api_access, which is on control-plane(aws_eks_cluster.this): anyone on the internet can reach these ports; allow only the SGs or CIDRs that need them",
  ]);
});
