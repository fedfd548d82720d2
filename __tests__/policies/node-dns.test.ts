import policy from "../../policies/node-dns";
import { wordingOf, expectVerdicts, fixturePlan, verdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  // CoreDNS runs on Linux nodes only: nothing is asked of the Windows group's SG on 53.
  { fixture: "topo-windows-node-group", expected: { 'aws_eks_node_group.pool["linux"]': "pass", 'aws_eks_node_group.pool["windows"]': "pass" } },
  // A Fargate-only cluster whose SecurityGroupPolicies give pods their SGs: payments' SG alone,
  // without the cluster SG or rules to it; orders lists the cluster SG, as AWS advises.
  { fixture: "topo-fargate-pod-sg", expected: { "aws_eks_fargate_profile.apps": "pass", "aws_eks_fargate_profile.kube_system": "pass", "kubernetes_manifest.orders_sgp": "pass", "kubernetes_manifest.payments_sgp": "fail" } },
  // The cluster SG's self rule carries DNS between every class that has it.
  { fixture: "topo-mng-no-lt", expected: { "aws_eks_node_group.default": "pass" } },
  { fixture: "topo-cluster-sg-plus-tagged-node-sg", expected: { "aws_eks_node_group.workers": "pass" } },
  // CoreDNS can run only on the kube-system profile: default → kube_system and kube_system → itself.
  // Each pool's node SG (a child module's map of ids, picked by each.key) admits only itself: DNS to
  // CoreDNS on its own pool passes, on the other pool it is blocked. Read as the whole map, both carried both SGs and passed.
  // Each pool's pods (SecurityGroupPolicy groupIds = [module.node_sgs.ids[each.key]]) carry their pool's SG, the same.
  {
    fixture: "topo-module-output-map",
    expected: { 'aws_eks_node_group.this["general"]': "fail+pass", 'aws_eks_node_group.this["batch"]': "fail+pass", 'kubernetes_manifest.pods["general"]': "fail+pass", 'kubernetes_manifest.pods["batch"]': "fail+pass" },
  },
  { fixture: "topo-fargate", expected: { "aws_eks_fargate_profile.default": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  // Node SG with 53 TCP+UDP from self (rule resources, inline blocks, "6" for TCP, all protocols).
  { fixture: "topo-lt-node-sg-correct", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-lt-network-interfaces", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-vpc-rule-resources", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-self-managed-asg", expected: { "aws_autoscaling_group.workers": "pass" } },
  { fixture: "topo-cidr-rules", expected: { "aws_eks_node_group.a": "pass", "aws_eks_node_group.b": "pass", "aws_eks_node_group.c": "pass" } },
  // Two groups on one node SG (LT by name): all four pairs pass.
  { fixture: "topo-lt-by-name", expected: { "aws_eks_node_group.general": "pass", "aws_eks_node_group.batch": "pass" } },
  { fixture: "topo-existing-sg-inline-and-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-delete-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-replace-cluster", expected: { "aws_eks_node_group.workers": "pass" } },
  {
    // Egress narrowed to TCP 443.
    fixture: "topo-egress-narrow",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.workers)", to: "managed(aws_eks_node_group.workers)", ports: ["UDP 53", "TCP 53"], missing: ["egress"], egressAllowedBy: [], ingressAllowedBy: ["aws_security_group_rule.node_self[\"dns_udp\"]"], addEgressOn: "aws_security_group.node", addEgressTo: "aws_security_group.node" } },
    },
  },
  {
    // No egress block: the provider removes AWS's default allow-all egress.
    fixture: "topo-node-sg-no-egress",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.workers)", to: "managed(aws_eks_node_group.workers)", ports: ["UDP 53", "TCP 53"], missing: ["egress"], egressAllowedBy: [], ingressAllowedBy: ["aws_security_group.node"], addEgressOn: "aws_security_group.node", addEgressTo: "aws_security_group.node" } },
    },
  },
  {
    fixture: "topo-lt-node-sg-no-rules",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.workers)", to: "managed(aws_eks_node_group.workers)", ports: ["UDP 53", "TCP 53"], missing: ["egress", "ingress"], egressAllowedBy: [], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_security_group.node", addEgressOn: "aws_security_group.node", addEgressTo: "aws_security_group.node" } },
    },
  },
  {
    // CoreDNS on Fargate (cluster SG) and on the apps node group (node SG): neither side admits the other on 53.
    fixture: "topo-mixed-fargate-ec2",
    expected: { "aws_eks_node_group.apps": "fail+pass", "aws_eks_fargate_profile.kube_system": "fail+pass" },
    facts: {
      "aws_eks_node_group.apps": { messageId: "flow-blocked", data: { from: "managed(aws_eks_node_group.apps)", to: "fargate(aws_eks_fargate_profile.kube_system)", ports: ["UDP 53", "TCP 53"], missing: ["ingress"], egressAllowedBy: ["aws_security_group_rule.node_egress"], ingressAllowedBy: [], addIngressOn: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id", addIngressFrom: "aws_security_group.node" } },
      "aws_eks_fargate_profile.kube_system": { messageId: "flow-blocked", data: { from: "fargate(aws_eks_fargate_profile.kube_system)", to: "managed(aws_eks_node_group.apps)", ports: ["UDP 53", "TCP 53"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    // apps → system is opened by module.apps_to_system[0]; system → apps is not.
    fixture: "topo-modules-count-foreach",
    expected: { 'module.nodes["apps"].aws_eks_node_group.this': "pass", 'module.nodes["system"].aws_eks_node_group.this': "fail+pass" },
    facts: {
      "module.nodes[\"system\"].aws_eks_node_group.this": {"messageId": "flow-blocked", "data": {"from": "managed(module.nodes[\"system\"].aws_eks_node_group.this)", "to": "managed(module.nodes[\"apps\"].aws_eks_node_group.this)", "ports": ["UDP 53", "TCP 53"], "missing": ["ingress"], "egressAllowedBy": ["module.nodes[\"system\"].aws_vpc_security_group_egress_rule.all"], "ingressAllowedBy": [], "addIngressOn": "module.nodes[\"apps\"].aws_security_group.this", "addIngressFrom": "module.nodes[\"system\"].aws_security_group.this"}},
    },
  },
  {
    fixture: "topo-rules-through-local",
    expected: { "aws_eks_node_group.workers": "unknown" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-unknown", data: { from: "managed(aws_eks_node_group.workers)", to: "managed(aws_eks_node_group.workers)", ports: ["UDP 53", "TCP 53"], undecided: ["egress", "ingress"], reasons: ["aws_security_group_rule.node_egress may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))", "aws_security_group_rule.node_self[\"dns_udp\"] may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))"] } },
    },
  },
  {
    // Two self-managed groups on one SG that the plan does not hold.
    fixture: "p-self-managed-asg",
    expected: { "aws_autoscaling_group.workers": "unknown", "aws_autoscaling_group.spot": "unknown" },
    facts: {
      "aws_autoscaling_group.workers": [{ messageId: "flow-unknown", data: { from: "self-managed(aws_autoscaling_group.workers)", to: "self-managed(aws_autoscaling_group.spot)", ports: ["UDP 53", "TCP 53"], undecided: ["egress", "ingress"], reasons: ["the rules of sg-0f1e2d3c4b5a69788 (not in this plan) are not in this plan", "the rules of sg-0f1e2d3c4b5a69788 (not in this plan) are not in this plan"] } }, { messageId: "flow-unknown", data: { from: "self-managed(aws_autoscaling_group.workers)", to: "self-managed(aws_autoscaling_group.workers)", ports: ["UDP 53", "TCP 53"], undecided: ["egress", "ingress"], reasons: ["the rules of sg-0f1e2d3c4b5a69788 (not in this plan) are not in this plan", "the rules of sg-0f1e2d3c4b5a69788 (not in this plan) are not in this plan"] } }],
    },
  },
  { fixture: "p-sensitive", expected: { "aws_eks_node_group.ops": "pass", "aws_eks_node_group.ops_lt": "pass" } },
  { fixture: "p-cluster-defaults", expected: {} },
  {
    // Custom networking: CoreDNS and the pods asking it are on the pod ENIs, whose SG admits itself;
    // the node groups are judged there. search's ENIConfigs are decided at apply time.
    fixture: "topo-custom-networking",
    expected: { 'kubernetes_manifest.payments_eni_config["us-west-2a"]': "pass", 'kubernetes_manifest.payments_eni_config["us-west-2b"]': "pass", 'kubectl_manifest.search_eni_config["us-west-2a"]': "unknown", 'kubectl_manifest.search_eni_config["us-west-2b"]': "unknown" },
  },
  {
    // Custom networking from the vpc-cni add-on's eniConfig (aws_eks_addon.vpc_cni#<zone>): CoreDNS runs on the pod ENIs, whose SG admits itself; general asks from no pod.
    fixture: "topo-custom-networking-addon",
    expected: { "aws_eks_addon.vpc_cni": "pass" },
  },
];

/** Each (client, CoreDNS host) pair on its own: `client → host` → status. */
function byPair(fixture: string): Record<string, string> {
  return Object.fromEntries(verdicts(policy, fixturePlan(fixture)).map((r) => [`${r.address} → ${r.key!.split(">")[1]}`, r.status]));
}

describe("node-dns", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));

  test.each([
    [
      "topo-mixed-fargate-ec2",
      {
        "aws_eks_node_group.apps → managed(aws_eks_node_group.apps)": "pass",
        "aws_eks_node_group.apps → fargate(aws_eks_fargate_profile.kube_system)": "fail",
        "aws_eks_fargate_profile.kube_system → managed(aws_eks_node_group.apps)": "fail",
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
    [
      // The default profile does not select kube-system, so CoreDNS never runs there.
      "topo-fargate",
      {
        "aws_eks_fargate_profile.default → fargate(aws_eks_fargate_profile.kube_system)": "pass",
        "aws_eks_fargate_profile.kube_system → fargate(aws_eks_fargate_profile.kube_system)": "pass",
      },
    ],
  ])("%s: the verdict of each pair", (fixture, expected) => {
    expect(byPair(fixture)).toEqual(expected);
  });
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-mixed-fargate-ec2", "aws_eks_node_group.apps")).toEqual([
    "DNS to CoreDNS hosts in aws_eks_fargate_profile.kube_system (aws_eks_node_group.apps → aws_eks_fargate_profile.kube_system) is blocked on UDP 53, TCP 53: egress allowed by aws_security_group_rule.node_egress; ingress side missing: no ingress rule on the cluster SG of aws_eks_cluster.this allows UDP 53 from managed(aws_eks_node_group.apps). Pods here cannot resolve names when CoreDNS runs there. Fix: add an ingress rule on aws_eks_cluster.this.vpc_config[0].cluster_security_group_id for UDP 53, TCP 53 from aws_security_group.node",
  ]);
});
