import policy from "../../policies/custom-networking-eniconfigs";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expectVerdicts, fixturePlan, statusByAddress, verdicts, wordingOf, type VerdictCase } from "../helpers/fixtures";

const ORDERS = 'module.orders.aws_eks_node_group.this["default"]';
const LEDGER = 'module.ledger.aws_eks_node_group.this["default"]';
const SPREAD = 'module.billing.aws_eks_node_group.this["spread"]';
const ORDERS_CLASS = "kubectl_manifest.orders_node_class";
const BILLING_CLASS = "kubectl_manifest.billing_node_class";
const LEGACY_ASG = 'aws_autoscaling_group.billing["legacy"]';
const BATCH_ASG = 'aws_autoscaling_group.billing["batch"]';

const cases: VerdictCase[] = [
  {
    // Real plan: the network read with data sources, so every zone and subnet id is known.
    fixture: "topo-custom-networking-zones",
    expected: {
      // zipmap(zones, data.aws_subnets.pods.ids): EC2 lists us-east-1b's pod subnet first.
      'kubectl_manifest.orders_eni_config["us-east-1a"]': "fail",
      'kubectl_manifest.orders_eni_config["us-east-1b"]': "fail",
      [ORDERS]: "unknown",
      // A Karpenter EC2NodeClass selecting the same subnets by id fails in the same two zones; its
      // NodePool keeps its nodes out of us-east-1c, which has no ENIConfig.
      [LEDGER]: "unknown",
      // pods-a serves spread in us-east-1a and pinned (pass), and spread in us-east-1b (fail); the
      // same for the NodePools pinned and wide of a Karpenter EC2NodeClass.
      "kubectl_manifest.billing_eni_config": "fail+pass",
      // Its NodePool mixed labels each node pods-a or pods-b.
      [BILLING_CLASS]: "unknown",
    },
    facts: {
      'kubectl_manifest.orders_eni_config["us-east-1a"]': [
        { messageId: "other-zone", data: { nodes: ORDERS, zone: "us-east-1a", eniConfig: "us-east-1a", subnetZone: "us-east-1b", subnet: 'data.aws_subnet.pods["subnet-0b8d4f02e3c5a6b22"]' } },
        { messageId: "other-zone", data: { nodes: ORDERS_CLASS, zone: "us-east-1a", subnetZone: "us-east-1b" } },
      ],
      [ORDERS]: { messageId: "missing", data: { zone: "us-east-1c", name: "us-east-1c", hint: "" } },
      [LEDGER]: [
        { messageId: "missing", data: { zone: "us-east-1a", name: "default", hint: "; the ENIConfigs here are named for zones (us-east-1a, us-east-1b), which nodes pick with ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone" } },
        { messageId: "missing", data: { zone: "us-east-1b", name: "default" } },
      ],
      "kubectl_manifest.billing_eni_config": [
        { messageId: "other-zone", data: { nodes: SPREAD, zone: "us-east-1b", eniConfig: "pods-a", subnetZone: "us-east-1a" } },
        { messageId: "other-zone", data: { nodes: BILLING_CLASS, zone: "us-east-1b", eniConfig: "pods-a", how: 'named by their label k8s.amazonaws.com/eniConfig, which NodePool wide (kubernetes_manifest.billing_node_pool["wide"]) sets' } },
        { messageId: "other-zone", data: { nodes: LEGACY_ASG, zone: "us-east-1b", how: 'named by their label k8s.amazonaws.com/eniConfig, which the user data of aws_launch_template.billing["legacy"] sets' } },
      ],
      [BILLING_CLASS]: { messageId: "undecided", data: { reason: 'NodePool mixed (kubernetes_manifest.billing_node_pool["mixed"]) labels each node k8s.amazonaws.com/eniConfig with one of pods-a, pods-b, picked when Karpenter launches it' } },
    },
  },
  {
    // New subnets through `[for az in local.azs : …]`: the zones found are where nodes may run.
    // search's ENIConfigs are YAML decided at apply time.
    fixture: "topo-custom-networking",
    expected: {
      'kubernetes_manifest.payments_eni_config["us-west-2a"]': "pass",
      'kubernetes_manifest.payments_eni_config["us-west-2b"]': "pass",
      "module.payments.aws_eks_node_group.default": "unknown",
      "module.search.aws_eks_node_group.default": "unknown",
    },
    facts: {
      "module.search.aws_eks_node_group.default": { messageId: "missing", data: { zone: "us-west-2a", hint: "; a manifest of this cluster decided at apply time may be it" } },
    },
  },
  // The add-on's own eniConfig block, pod subnets from the state: one ENIConfig per zone, each in it.
  { fixture: "topo-custom-networking-addon", expected: { "aws_eks_addon.vpc_cni": "pass" } },
  // ENIConfigs named for the zones of the nodes' subnets, each with the pod subnet of its zone.
  { fixture: "topo-vpc-endpoints", expected: { 'kubernetes_manifest.eni_config["ap-northeast-1a"]': "pass", 'kubernetes_manifest.eni_config["ap-northeast-1c"]': "pass" } },
  // No custom networking: nothing to judge.
  { fixture: "topo-network-by-data-sources", expected: {} },
];

describe("custom-networking-eniconfigs", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "topo-custom-networking-zones", "kubectl_manifest.billing_eni_config")[0]).toBe(
    `the nodes of ${SPREAD} in us-east-1b use the ENIConfig pods-a of kubectl_manifest.billing_eni_config (named by their label k8s.amazonaws.com/eniConfig, which ${SPREAD} sets), and its subnet data.aws_subnet.pods["subnet-0b8d4f02e3c5a6b21"] is in us-east-1a: an ENI attaches only to an instance in its own zone, so the VPC CNI gives their pods no addresses; give each ENIConfig a subnet in the zone of the nodes that use it`,
  );
  expect(wordingOf(policy, "topo-custom-networking-zones", LEDGER)[0]).toBe(
    `the nodes of ${LEDGER} in us-east-1a look for the ENIConfig named default (the name when no label or annotation gives one: ENI_CONFIG_LABEL_DEF is not set on module.ledger.aws_eks_addon.vpc_cni and ${LEDGER} does not set the label k8s.amazonaws.com/eniConfig; something may annotate or label the nodes at run time), and none of that name is applied to the cluster in this plan; the ENIConfigs here are named for zones (us-east-1a, us-east-1b), which nodes pick with ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone: unless one is made elsewhere, the VPC CNI finds none and their pods get no addresses; apply an ENIConfig of that name with a subnet in the zone`,
  );
});

interface Change {
  address: string;
  change: { after: Record<string, unknown>; after_unknown: Record<string, unknown> };
}

/** The zones fixture with one resource's planned values changed, written to a scratch file. */
function zonesPlanWith(address: string, change: (after: Record<string, unknown>, afterUnknown: Record<string, unknown>) => void): string {
  return zonesPlanEdited((changes) => {
    const entry = changes.find((r) => r.address === address)!;
    change(entry.change.after, entry.change.after_unknown);
  });
}

/** The zones fixture with its resource changes edited, written to a scratch file. */
function zonesPlanEdited(edit: (changes: Change[]) => void): string {
  const plan = JSON.parse(fs.readFileSync(fixturePlan("topo-custom-networking-zones"), "utf8"));
  edit(plan.resource_changes);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eniconfigs-")), "plan.json");
  fs.writeFileSync(file, JSON.stringify(plan));
  return file;
}

describe("how nodes name their ENIConfig", () => {
  test("the label vpc.amazonaws.com/externalEniConfig comes first", () => {
    const file = zonesPlanWith(LEDGER, (after) => (after.labels = { "vpc.amazonaws.com/externalEniConfig": "us-east-1b" }));
    const results = verdicts(policy, file).filter((r) => r.data?.nodes === LEDGER);
    // us-east-1b's ENIConfig has the subnet of us-east-1b: right for the nodes there, wrong in us-east-1a.
    expect(results.map((r) => [r.data?.zone, r.status])).toEqual([
      ["us-east-1a", "fail"],
      ["us-east-1b", "pass"],
    ]);
    expect(results[0].data?.how).toBe(`named by their label vpc.amazonaws.com/externalEniConfig, which ${LEDGER} sets`);
  });

  test("the deprecated zone label decides nothing", () => {
    const file = zonesPlanWith("module.orders.aws_eks_addon.vpc_cni", (after) => {
      after.configuration_values = JSON.stringify({ env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true", ENI_CONFIG_LABEL_DEF: "failure-domain.beta.kubernetes.io/zone" } });
    });
    const orders = verdicts(policy, file).filter((r) => r.address === ORDERS);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ status: "unknown", messageId: "undecided" });
    expect(orders[0].data?.reason).toContain("deprecated since Kubernetes 1.17");
  });

  test("subnets given by id and not in the plan hold no zone: not judged", () => {
    const file = zonesPlanWith(LEDGER, (after, afterUnknown) => {
      after.subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1"];
      afterUnknown.subnet_ids = [false];
    });
    expect(verdicts(policy, file).filter((r) => r.data?.nodes === LEDGER)).toEqual([]);
  });

  test("subnets decided at apply time: unknown, never skipped", () => {
    const file = zonesPlanWith(LEDGER, (after, afterUnknown) => {
      delete after.subnet_ids;
      afterUnknown.subnet_ids = true;
    });
    const ledger = verdicts(policy, file).filter((r) => r.data?.nodes === LEDGER);
    expect(ledger.map((r) => [r.status, r.messageId])).toEqual([["unknown", "undecided"]]);
    expect(ledger[0].data?.reason).toMatch(/^the zones of its subnets are not all known: subnets: /);
  });

  test("with one subnet more decided at apply time, a zone's failure is only possible", () => {
    const file = zonesPlanWith(ORDERS, (after, afterUnknown) => {
      after.subnet_ids = [...(after.subnet_ids as string[]), null];
      afterUnknown.subnet_ids = [false, false, false, true];
    });
    const orders = verdicts(policy, file).filter((r) => r.data?.nodes === ORDERS);
    expect(orders.map((r) => [r.data?.where ?? r.data?.zone, r.status])).toEqual([
      ["", "unknown"],
      [" in us-east-1a", "unknown"],
      [" in us-east-1b", "unknown"],
      ["us-east-1c", "unknown"],
    ]);
    expect(orders[1].data?.reason).toBe('if its nodes run there: they use the ENIConfig us-east-1a of kubectl_manifest.orders_eni_config["us-east-1a"], and its subnet data.aws_subnet.pods["subnet-0b8d4f02e3c5a6b22"] is in us-east-1b');
  });

  test("custom networking off: nothing to judge", () => {
    const file = zonesPlanWith("module.orders.aws_eks_addon.vpc_cni", (after) => (after.configuration_values = JSON.stringify({ env: { ENI_CONFIG_LABEL_DEF: "topology.kubernetes.io/zone" } })));
    expect(Object.keys(statusByAddress(verdicts(policy, file))).filter((a) => a.includes("orders"))).toEqual([]);
  });
});

describe("Karpenter nodes take their labels and zones from their NodePools", () => {
  const ORDERS_POOL = "kubectl_manifest.orders_node_pool";
  const BILLING_POOL = (name: string) => `kubernetes_manifest.billing_node_pool["${name}"]`;
  const zonesOf = (file: string, nodes: string) => verdicts(policy, file).filter((r) => r.data?.nodes === nodes).map((r) => [r.data?.zone ?? r.data?.where, r.status]);
  const ordersPoolZones = (requirement: string) =>
    zonesPlanWith(ORDERS_POOL, (after) => {
      after.yaml_body = (after.yaml_body as string).replace(/- key: topology\.kubernetes\.io\/zone\n.*\n.*\n/, requirement);
    });

  test("a zone requirement keeps the nodes out of the other zones", () => {
    expect(zonesOf(fixturePlan("topo-custom-networking-zones"), ORDERS_CLASS)).toEqual([
      ["us-east-1a", "fail"],
      ["us-east-1b", "fail"],
    ]);
    // Without it, Karpenter may launch nodes in every zone of the NodeClass's subnets.
    expect(zonesOf(ordersPoolZones(""), ORDERS_CLASS)).toEqual([
      ["us-east-1a", "fail"],
      ["us-east-1b", "fail"],
      ["us-east-1c", "unknown"],
    ]);
    // A second NodePool without a zone limit: the nodes of the two together may run in every zone.
    const second = zonesPlanEdited((changes) => {
      const pool = changes.find((c) => c.address === ORDERS_POOL)!;
      const copy: Change = JSON.parse(JSON.stringify(pool));
      copy.address = "kubectl_manifest.orders_node_pool_anywhere";
      copy.change.after.yaml_body = (pool.change.after.yaml_body as string).replace("name: orders-batch\nspec", "name: anywhere\nspec").replace(/- key: topology\.kubernetes\.io\/zone\n.*\n.*\n/, "");
      changes.push(Object.assign(copy, { name: "orders_node_pool_anywhere" }));
    });
    expect(zonesOf(second, ORDERS_CLASS).map(([zone]) => zone)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    const notIn = ordersPoolZones('- key: topology.kubernetes.io/zone\n          operator: NotIn\n          values: ["us-east-1a"]\n');
    expect(zonesOf(notIn, ORDERS_CLASS)).toEqual([
      ["us-east-1b", "fail"],
      ["us-east-1c", "unknown"],
    ]);
  });

  test("zones limited by zone id, or by values decided at apply time: a failure is only possible", () => {
    const byId = ordersPoolZones('- key: topology.k8s.aws/zone-id\n          operator: In\n          values: ["use1-az1"]\n');
    const results = verdicts(policy, byId).filter((r) => r.data?.nodes === ORDERS_CLASS);
    expect(results.map((r) => [r.data?.where ?? r.data?.zone, r.status])).toEqual([
      [" in us-east-1a", "unknown"],
      [" in us-east-1b", "unknown"],
      ["us-east-1c", "unknown"],
    ]);
    expect(results[0].data?.reason).toMatch(/^if its nodes run there: they use the ENIConfig us-east-1a /);
    const undecided = zonesPlanWith(BILLING_POOL("pinned"), (after, afterUnknown) => {
      const requirements = (after.manifest as { spec: { template: { spec: { requirements: { values: unknown }[] } } } }).spec.template.spec.requirements;
      requirements[0].values = null;
      ((afterUnknown.manifest as { spec: { template: { spec: { requirements: { values: unknown }[] } } } }).spec.template.spec.requirements[0]).values = true;
    });
    const pinned = verdicts(policy, undecided).filter((r) => r.key?.includes("/pinned@"));
    // pods-a is in us-east-1a: pass there; in us-east-1b only if the NodePool allows it.
    expect(pinned.map((r) => [r.key!.split("@")[1], r.status])).toEqual([
      ["us-east-1a", "pass"],
      ["us-east-1b", "unknown"],
    ]);
  });

  test("a NodePool whose NodeClass is decided at apply time may label the nodes", () => {
    const file = zonesPlanWith(BILLING_POOL("wide"), (after, afterUnknown) => {
      const spec = (m: unknown) => (m as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
      spec(after.manifest).nodeClassRef = null;
      spec(afterUnknown.manifest).nodeClassRef = true;
    });
    const billing = verdicts(policy, file).filter((r) => r.data?.nodes === BILLING_CLASS);
    expect(billing.map((r) => r.key!.replace(/^.*\//, ""))).toEqual(["mixed", "?", "pinned@us-east-1a"]);
    expect(billing[1].data?.reason).toBe(`NodePool wide (${BILLING_POOL("wide")}) may launch its nodes too (the plan does not decide which NodeClass or cluster it uses), and would label them`);
  });

  test("without a NodePool in the plan, a label-named ENIConfig is unknown; a zone-named one is judged in every zone", () => {
    const file = zonesPlanEdited((changes) => changes.splice(0, changes.length, ...changes.filter((c) => !/node_pool/.test(c.address))));
    const billing = verdicts(policy, file).filter((r) => r.data?.nodes === BILLING_CLASS);
    expect(billing.map((r) => [r.status, r.data?.reason])).toEqual([
      ["unknown", "its nodes pick their ENIConfig by the label k8s.amazonaws.com/eniConfig (ENI_CONFIG_LABEL_DEF not set on module.billing.aws_eks_addon.vpc_cni), which the NodePools that launch them set, and none of them is in this plan"],
    ]);
    expect(zonesOf(file, ORDERS_CLASS).map(([zone]) => zone)).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
  });

  test("a NodePool without the label: its nodes look for default", () => {
    const file = zonesPlanWith(BILLING_POOL("wide"), (after) => {
      (after.manifest as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec.requirements = [];
    });
    const wide = verdicts(policy, file).filter((r) => r.key?.includes("/wide@"));
    expect(wide.map((r) => [r.messageId, r.data?.name])).toEqual([
      ["missing", "default"],
      ["missing", "default"],
    ]);
    expect(wide[0].data?.how).toContain(`NodePool wide (${BILLING_POOL("wide")}) does not set the label k8s.amazonaws.com/eniConfig`);
  });
});

describe("self-managed nodes take their labels from their launch templates' user data", () => {
  const byNodes = (file: string, nodes: string) => verdicts(policy, file).filter((r) => r.data?.nodes === nodes);

  test("AL2's bootstrap.sh and AL2023's NodeConfig (MIME multi-part) both label the nodes", () => {
    const file = fixturePlan("topo-custom-networking-zones");
    expect(byNodes(file, LEGACY_ASG).map((r) => [r.data?.zone, r.status])).toEqual([
      ["us-east-1a", "pass"],
      ["us-east-1b", "fail"],
    ]);
    expect(byNodes(file, BATCH_ASG).map((r) => [r.data?.zone, r.status, r.data?.how])).toEqual([
      ["us-east-1a", "pass", 'named by their label k8s.amazonaws.com/eniConfig, which the user data of aws_launch_template.billing["batch"] sets'],
    ]);
  });

  test("user data without the label: the nodes look for default; user data decided at apply time: unknown", () => {
    const template = 'aws_launch_template.billing["legacy"]';
    const plain = zonesPlanWith(template, (after) => (after.user_data = Buffer.from("#!/bin/bash\n/etc/eks/bootstrap.sh billing\n").toString("base64")));
    expect(byNodes(plain, LEGACY_ASG).map((r) => [r.messageId, r.data?.name])).toEqual([
      ["missing", "default"],
      ["missing", "default"],
    ]);
    const undecided = zonesPlanWith(template, (after, afterUnknown) => {
      delete after.user_data;
      afterUnknown.user_data = true;
    });
    const legacy = byNodes(undecided, LEGACY_ASG);
    expect(legacy.map((r) => [r.status, r.messageId])).toEqual([["unknown", "undecided"]]);
    expect(legacy[0].data?.reason).toContain(`the user data of ${template} is decided at apply time`);
  });
});
