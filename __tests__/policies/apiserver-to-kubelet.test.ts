import policy from "../../policies/apiserver-to-kubelet";
import { wordingOf, expectVerdicts, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  // Self-managed nodes launched one at a time (aws_instance tagged for the cluster): the gpu nodes'
  // own SG has the rules; the batch node's template names an SG with egress only; scratch names no
  // SG, so it gets the VPC's default SG, which is not in the plan.
  {
    fixture: "topo-self-managed-instances",
    expected: { 'aws_instance.gpu["a"]': "pass", 'aws_instance.gpu["c"]': "pass", "aws_instance.batch": "fail", "aws_instance.scratch": "unknown" },
    facts: { "aws_instance.batch": { messageId: "flow-blocked", data: { to: "self-managed(aws_instance.batch)", missing: ["ingress"], addIngressOn: "aws_security_group.batch" } } },
  },
  // A Fargate-only cluster whose SecurityGroupPolicies give pods their SGs: payments' SG alone,
  // without the cluster SG or rules to it; orders lists the cluster SG, as AWS advises.
  {
    fixture: "topo-fargate-pod-sg",
    expected: { "aws_eks_fargate_profile.apps": "pass", "aws_eks_fargate_profile.kube_system": "pass", "kubernetes_manifest.orders_sgp": "pass", "kubernetes_manifest.payments_sgp": "fail" },
    facts: { "kubernetes_manifest.payments_sgp": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "fargate(aws_eks_fargate_profile.apps, kubernetes_manifest.payments_sgp)", missing: ["ingress"], addIngressOn: "aws_security_group.payments_pods" } } },
  },
  // The cluster SG on both ends: its built-in rules (all in from itself, all out) carry 10250.
  { fixture: "topo-mng-no-lt", expected: { "aws_eks_node_group.default": "pass" } },
  { fixture: "topo-cluster-sg-plus-tagged-node-sg", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-fargate", expected: { "aws_eks_fargate_profile.default": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  // Launch-template node SGs that admit 10250 from the cluster SG, written every way the plan allows.
  { fixture: "topo-lt-node-sg-correct", expected: { "aws_eks_node_group.workers": "pass" } },
  // Inline 10250 entry whose security_groups is unknown and only referenced by the whole ingress set.
  { fixture: "topo-lt-network-interfaces", expected: { "aws_eks_node_group.workers": "pass" } },
  // Node SG without egress: the flow starts at the control plane, and return traffic is implicit.
  { fixture: "topo-node-sg-no-egress", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-egress-narrow", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-vpc-rule-resources", expected: { "aws_eks_node_group.workers": "pass" } },
  // A Karpenter NodeClass applied through a raw Helm chart's `resources`; its SG admits nothing from
  // the control plane. Two more releases are read only at apply time.
  { fixture: "topo-raw-chart-manifests", expected: { "helm_release.karpenter_resources": "fail", "helm_release.pod_policies": "unknown", "helm_release.gpu_classes": "unknown" } },
  // Two clusters, a raw release each through its own Helm provider, both NodeClasses named "default":
  // each is on the cluster its provider's host names; only blue's SG admits its control plane.
  { fixture: "topo-raw-chart-per-cluster", expected: { "helm_release.node_classes_blue": "pass", "helm_release.node_classes_green": "fail" } },
  { fixture: "topo-mixed-fargate-ec2", expected: { "aws_eks_node_group.apps": "pass", "aws_eks_fargate_profile.kube_system": "pass" } },
  {
    fixture: "topo-modules-count-foreach",
    expected: { 'module.nodes["apps"].aws_eks_node_group.this': "pass", 'module.nodes["system"].aws_eks_node_group.this': "pass" },
  },
  { fixture: "topo-self-managed-asg", expected: { "aws_autoscaling_group.workers": "pass" } },
  // The node SG admits the cluster's subnets' CIDRs, read by data sources at plan time: the
  // control-plane ENIs are in those subnets.
  { fixture: "topo-network-by-data-sources", expected: { "aws_eks_node_group.platform": "pass" } },
  {
    // A node stack beside a cluster made elsewhere, read with data "aws_eks_cluster": EKS's own
    // rules carry the cluster SG's nodes; a node SG is judged by its rules in this plan.
    fixture: "topo-cluster-by-data-source",
    expected: {
      "aws_eks_node_group.general": "pass",
      'module.pool["batch"].aws_eks_node_group.this': "pass",
      'module.pool["gpu"].aws_eks_node_group.this': "fail",
      "kubectl_manifest.batch_spot": "pass",
    },
  },
  {
    // Two regions' clusters named "prod": each node group and NodeClass is judged against the
    // control plane of its region, or of its module where the region does not tell.
    fixture: "topo-same-name-two-regions",
    expected: {
      "module.eu.aws_eks_node_group.workers": "pass",
      "module.eu.aws_eks_node_group.by_name": "pass",
      "module.us.aws_eks_node_group.workers": "fail",
      "module.us.aws_eks_node_group.by_name": "fail",
      // The NodeClass selects its module's node SG and SGs decided at apply time: more SGs only open more.
      "module.eu.kubernetes_manifest.node_class": "pass",
      // Its module's node SG, without a 10250 rule (the manifest's other reference, a subnet's id,
      // is no SG id); not module.eu's node SG, whose rule from 10.0.0.0/8 would open it: that SG is
      // in eu-west-1.
      "module.us.kubernetes_manifest.node_class": "fail",
      // At the root, with provider aws.us: the cluster SG of the us cluster.
      "aws_eks_node_group.batch": "pass",
      "aws_eks_node_group.spare": "unknown",
      "aws_eks_node_group.sydney": "unknown",
    },
    facts: { "module.us.aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(module.us.aws_eks_cluster.this)" } } },
  },
  {
    // Two clusters whose NodeClasses name neither: each is judged against the control plane its
    // kubectl provider's host connects to. Green's node SG has no 10250 rule.
    fixture: "topo-kubectl-provider-per-cluster",
    expected: {
      "module.karpenter_blue.kubectl_manifest.node_class": "pass",
      "module.karpenter_green.kubectl_manifest.node_class": "fail",
      "kubernetes_manifest.from_environment": "unknown",
    },
    facts: { "module.karpenter_green.kubectl_manifest.node_class": { messageId: "flow-blocked", data: { from: 'control-plane(module.cluster["green"].aws_eks_cluster.this)' } } },
  },
  {
    // Karpenter runs in "apps" (the Pod Identity association of its service account) with no
    // EC2NodeClass in the plan: its nodes are not judged, and the association says so. "batch" has
    // one. "edge" runs Auto Mode without built-in pools and no NodeClass in the plan.
    fixture: "topo-nodeclasses-elsewhere",
    expected: {
      "aws_eks_cluster.edge": "unknown",
      'module.eks["apps"].aws_eks_node_group.system': "pass",
      'module.eks["batch"].aws_eks_node_group.system': "pass",
      "kubectl_manifest.batch_node_class": "pass",
      'module.karpenter["apps"].aws_eks_pod_identity_association.karpenter': "unknown",
    },
    facts: { 'module.karpenter["apps"].aws_eks_pod_identity_association.karpenter': { messageId: "nodes-elsewhere", data: { what: "TCP 10250 from the control plane" } } },
  },
  {
    // Node access entries: Karpenter's node role in "irsa" (on IRSA, so no Pod Identity
    // association) and a Windows node role in "self" are used by nothing in the plan; the entries
    // of the node groups' roles, of the self-managed nodes' role and of Auto Mode's node role are.
    fixture: "topo-node-access-entries",
    expected: {
      "module.karpenter.aws_eks_access_entry.node": "unknown",
      'aws_eks_access_entry.this["windows"]': "unknown",
      'module.eks["irsa"].aws_eks_node_group.system': "pass",
      'module.eks["self"].aws_eks_node_group.system': "pass",
      // Its node SG has no rules (not this fixture's subject).
      "aws_autoscaling_group.self_nodes": "fail",
      "aws_eks_cluster.auto": "pass",
    },
    facts: { 'aws_eks_access_entry.this["windows"]': { messageId: "nodes-elsewhere", data: { what: "TCP 10250 from the control plane" } } },
  },
  {
    // A cluster on the aws-auth ConfigMap, which puts Karpenter's node role in system:nodes with no
    // EC2NodeClass in the plan; the node group's and the Fargate profile's roles are used.
    fixture: "topo-aws-auth-node-roles",
    expected: { "kubectl_manifest.aws_auth": "unknown", "aws_eks_node_group.system": "pass", "aws_eks_fargate_profile.kube_system": "pass" },
    facts: { "kubectl_manifest.aws_auth": { messageId: "nodes-elsewhere", data: { what: "TCP 10250 from the control plane" } } },
  },
  // Existing SG whose refreshed inline rules repeat the rule resources; one rule decides the ingress.
  { fixture: "topo-existing-sg-inline-and-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  { fixture: "topo-state-delete-rule", expected: { "aws_eks_node_group.workers": "pass" } },
  // The replaced rules follow the new cluster SG through their references.
  { fixture: "topo-state-replace-cluster", expected: { "aws_eks_node_group.workers": "pass" } },
  {
    // a: 10.100.0.0/16 covers the control-plane subnets; b: 10.100.0.0/23 covers neither 10.100.4.0/24 nor
    // 10.100.5.0/24; c: the control-plane subnets are existing ones whose CIDRs the plan does not hold.
    fixture: "topo-cidr-rules",
    expected: { "aws_eks_node_group.a": "pass", "aws_eks_node_group.b": "fail", "aws_eks_node_group.c": "unknown" },
    facts: {
      "aws_eks_node_group.b": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.b)", to: "managed(aws_eks_node_group.b)", ports: ["TCP 10250"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.b"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node_b", addIngressFrom: "aws_eks_cluster.b.vpc_config[0].cluster_security_group_id" } },
      "aws_eks_node_group.c": { messageId: "flow-unknown", data: { from: "control-plane(aws_eks_cluster.c)", to: "managed(aws_eks_node_group.c)", ports: ["TCP 10250"], undecided: ["ingress"], reasons: ["aws_security_group.node_c: ingress tcp/10250 from 10.101.0.0/16 (whether it covers control-plane(aws_eks_cluster.c) is not known: subnet subnet-0c1c1c1c1c1c1c1c1 is not in this plan; subnet subnet-0c2c2c2c2c2c2c2c2 is not in this plan)"] } },
    },
  },
  {
    // The control plane's subnet c is carved from an IPAM range decided at apply time: 10.0.0.0/8
    // holds its known subnets and may or may not hold c (unknown, not a failure); 10.20.0.0/24
    // misses its known subnet b (a failure whatever c is).
    fixture: "topo-cidr-partly-known",
    expected: { 'aws_eks_node_group.this["wide"]': "unknown", 'aws_eks_node_group.this["narrow"]': "fail" },
    facts: {
      'aws_eks_node_group.this["wide"]': { messageId: "flow-unknown", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.this[\"wide\"])", ports: ["TCP 10250"], undecided: ["ingress"], reasons: ['the subnets of control-plane(aws_eks_cluster.this) that the plan knows are all within ingress tcp/10250 from 10.0.0.0/8; whether the rest are is not known: the CIDR of aws_subnet.this["c"] is decided at apply time'] } },
      'aws_eks_node_group.this["narrow"]': { messageId: "flow-blocked", data: { missing: ["ingress"] } },
    },
  },
  // Rules, launch templates and node groups chained by for_each, each reading `each.value.id` of its
  // own collection: each node SG's kubelet rule is its own, not the extra SG's of the same key.
  { fixture: "topo-foreach-chained", expected: { 'aws_eks_node_group.this["general"]': "pass", 'aws_eks_node_group.this["batch"]': "pass" } },
  {
    // Node SGs from a child module's map of ids, picked with module.node_sgs.ids[each.key]: only
    // general's SG has the 10250 rule. Read as the whole map, batch carried general's SG and passed.
    fixture: "topo-module-output-map",
    expected: { 'aws_eks_node_group.this["general"]': "pass", 'aws_eks_node_group.this["batch"]': "fail" },
    facts: { 'aws_eks_node_group.this["batch"]': { messageId: "flow-blocked", data: { missing: ["ingress"], addIngressOn: 'module.node_sgs.aws_security_group.this["batch"]' } } },
  },
  {
    // The kubelet rule's source is `var.kubelet_from_cluster_sg ? <cluster SG> : bastion`: one of the
    // two, and the plan does not show which. Read as both at once, it passed.
    fixture: "topo-conditional-peers",
    expected: { "aws_eks_node_group.this": "unknown" },
    facts: {
      "aws_eks_node_group.this": { messageId: "flow-unknown", data: { undecided: ["ingress"], reasons: ["aws_vpc_security_group_ingress_rule.kubelet: ingress tcp/10250 from a peer decided at apply time (referenced_security_group_id is one of aws_eks_cluster.this.vpc_config[0].cluster_security_group_id, aws_security_group.bastion, chosen by an expression the plan does not show)"] } },
    },
  },
  {
    // An IPv6 cluster: the /56 holds the IPv6 CIDRs of subnets a and b; c's comes from a block Amazon
    // assigns at apply time (its IPv4 CIDR is known). Counted as known, the flow passed.
    fixture: "topo-ipv6-partly-known",
    expected: { "aws_eks_node_group.this": "unknown" },
    facts: {
      "aws_eks_node_group.this": { messageId: "flow-unknown", data: { undecided: ["ingress"], reasons: ['the subnets of control-plane(aws_eks_cluster.this) that the plan knows are all within ingress tcp/10250 from 2600:1f14:abc:de00::/56; whether the rest are is not known: the IPv6 CIDR of aws_subnet.private["c"] is decided at apply time'] } },
    },
  },
  {
    // The launch templates move the nodes to a new SG and the old SG loses its rules. The new version
    // reaches general's nodes (update_default_version), not batch's (the default stays version 1)
    // nor the ASG's (no version: $Default). Judged by the new version, all three passed.
    fixture: "topo-lt-version-pinned",
    expected: { 'module.pool["general"].aws_eks_node_group.this': "pass", 'module.pool["batch"].aws_eks_node_group.this': "fail", "aws_autoscaling_group.system": "fail" },
    facts: {
      'module.pool["batch"].aws_eks_node_group.this': {
        messageId: "flow-blocked",
        data: {
          missing: ["ingress"],
          addIngressOn: "aws_security_group.legacy",
          ingress: 'ingress side missing: no ingress rule on aws_security_group.legacy (the nodes launch version 1 of module.pool["batch"].aws_launch_template.this, the one from before this plan, not the version the plan makes) allows TCP 10250 from control-plane(aws_eks_cluster.this)',
        },
      },
      "aws_autoscaling_group.system": {
        messageId: "flow-blocked",
        data: {
          addIngressOn: "aws_security_group.legacy",
          ingress: "ingress side missing: no ingress rule on aws_security_group.legacy (the nodes launch the default version of aws_launch_template.system, still version 1 from before this plan, since update_default_version is not true) allows TCP 10250 from control-plane(aws_eks_cluster.this)",
        },
      },
    },
  },
  // The kubelet and API rules are forgotten (`removed`, destroy = false), not deleted: they stay in AWS.
  { fixture: "topo-state-forget-rules", expected: { "aws_eks_node_group.workers": "pass" } },
  // Applied with -target (an incomplete plan): module.node_sg_rules' rules are left out and stay as
  // they are in the state; the gpu SG's rules are not applied yet.
  {
    fixture: "topo-state-targeted-pool",
    expected: { 'module.pool["general"].aws_eks_node_group.this': "pass", "module.gpu_pool.aws_eks_node_group.this": "fail" },
    facts: { "module.gpu_pool.aws_eks_node_group.this": { messageId: "flow-blocked", data: { missing: ["ingress"], addIngressOn: "aws_security_group.gpu" } } },
  },
  {
    // Both node groups reach the same LT by name (reference and literal); it names only the node SG,
    // which has no 10250 rule. Unresolved, the groups would look like cluster-SG groups and pass.
    fixture: "topo-lt-by-name",
    expected: { "aws_eks_node_group.general": "fail", "aws_eks_node_group.batch": "fail" },
    facts: {
      "aws_eks_node_group.general": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.general)", ports: ["TCP 10250"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
      "aws_eks_node_group.batch": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.batch)", ports: ["TCP 10250"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    fixture: "topo-lt-node-sg-no-rules",
    expected: { "aws_eks_node_group.workers": "fail" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-blocked", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 10250"], missing: ["ingress"], egressAllowedBy: ["the built-in rules of the SG EKS made for aws_eks_cluster.this"], ingressAllowedBy: [], addIngressOn: "aws_security_group.node", addIngressFrom: "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id" } },
    },
  },
  {
    // Every rule names its SG through a local, which plan JSON does not carry.
    fixture: "topo-rules-through-local",
    expected: { "aws_eks_node_group.workers": "unknown" },
    facts: {
      "aws_eks_node_group.workers": { messageId: "flow-unknown", data: { from: "control-plane(aws_eks_cluster.this)", to: "managed(aws_eks_node_group.workers)", ports: ["TCP 10250"], undecided: ["ingress"], reasons: ["aws_security_group_rule.node_from_cluster[\"high\"] may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))", "aws_security_group_rule.node_from_cluster[\"kubelet\"] may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))", "aws_security_group_rule.node_self[\"high\"] may be on these SGs: its security_group_id is decided at apply time (local.node_sg_id (locals are not in plan JSON))"] } },
    },
  },
  // p-* fixtures: node groups on the cluster SG pass; self-managed nodes on an SG the plan does not hold are unknown.
  {
    fixture: "p-nodegroups-remote-access",
    expected: {
      "aws_eks_node_group.no_ssh": "pass",
      "aws_eks_node_group.ssh_from_bastion": "pass",
      "aws_eks_node_group.ssh_open": "pass",
      "aws_eks_node_group.ssh_with_launch_template": "pass",
    },
  },
  {
    fixture: "p-self-managed-asg",
    expected: { "aws_autoscaling_group.workers": "unknown", "aws_autoscaling_group.spot": "unknown" },
    facts: {
      "aws_autoscaling_group.workers": { messageId: "flow-unknown", data: { from: "control-plane(aws_eks_cluster.demo)", to: "self-managed(aws_autoscaling_group.workers)", ports: ["TCP 10250"], undecided: ["ingress"], reasons: ["the rules of sg-0f1e2d3c4b5a69788 (not in this plan) are not in this plan"] } },
    },
  },
  // Clusters without nodes: nothing to judge.
  { fixture: "p-cluster-defaults", expected: {} },
  {
    // Custom networking moves pods, not the kubelet, off the node's primary ENI.
    fixture: "topo-custom-networking",
    expected: { "module.payments.aws_eks_node_group.default": "pass", "module.search.aws_eks_node_group.default": "pass", 'kubectl_manifest.search_eni_config["us-west-2a"]': "unknown", 'kubectl_manifest.search_eni_config["us-west-2b"]': "unknown" },
  },
  {
    // Custom networking from the vpc-cni add-on's eniConfig (aws_eks_addon.vpc_cni#<zone>): the kubelet stays on the node SG.
    fixture: "topo-custom-networking-addon",
    expected: { "aws_eks_node_group.general": "pass" },
  },
];

describe("apiserver-to-kubelet", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));

  // An unknown names what is unknown: here the CIDRs of the control-plane subnets (existing
  // subnet-0c1c…/subnet-0c2c…, not in the plan).
  test("topo-cidr-rules: the unknown for cluster c names the control-plane subnets whose CIDRs are not in the plan", () =>
    expectVerdicts(policy, {
      fixture: "topo-cidr-rules",
      expected: { "aws_eks_node_group.a": "pass", "aws_eks_node_group.b": "fail", "aws_eks_node_group.c": "unknown" },
      facts: {
      "aws_eks_node_group.c": { messageId: "flow-unknown", data: { from: "control-plane(aws_eks_cluster.c)", to: "managed(aws_eks_node_group.c)", ports: ["TCP 10250"], undecided: ["ingress"], reasons: ["aws_security_group.node_c: ingress tcp/10250 from 10.101.0.0/16 (whether it covers control-plane(aws_eks_cluster.c) is not known: subnet subnet-0c1c1c1c1c1c1c1c1 is not in this plan; subnet subnet-0c2c2c2c2c2c2c2c2 is not in this plan)"] } },
    },
    }),
  );
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-lt-node-sg-no-rules", "aws_eks_node_group.workers")).toEqual([
    "API server → kubelet (the control plane of aws_eks_cluster.this → aws_eks_node_group.workers) is blocked on TCP 10250: egress allowed by the built-in rules of the SG EKS made for aws_eks_cluster.this; ingress side missing: no ingress rule on aws_security_group.node allows TCP 10250 from control-plane(aws_eks_cluster.this). kubectl logs, exec and port-forward time out. Fix: add an ingress rule on aws_security_group.node for TCP 10250 from aws_eks_cluster.this.vpc_config[0].cluster_security_group_id",
  ]);
});
