/** Which SGs end up on which ENI class, built from real plans. */
import * as fs from "node:fs";
import { topologyOf, type EniClass, type Topology } from "../../checker/eks/topology";
import { vpcCniSettings } from "../../checker/eks/vpc-cni";
import { loadText } from "../../checker/load/load-inputs";
import { buildGraph } from "../../checker/model/resource-graph";
import { fixturePlan, graphOf } from "../helpers/fixtures";

const CLUSTER_SG = "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id";

function topology(name: string, side: "before" | "after" = "after"): Topology {
  return topologyOf(graphOf(fixturePlan(name)), side);
}

function classes(t: Topology): Record<string, { sgs: string[]; unknown?: boolean }> {
  const out: Record<string, { sgs: string[]; unknown?: boolean }> = {};
  for (const cluster of t.clusters) {
    for (const c of [cluster.controlPlane, ...cluster.nodes] as EniClass[]) {
      out[c.id] = { sgs: [...c.sgs.members].sort(), ...(c.sgs.unknown ? { unknown: true } : {}) };
    }
  }
  return out;
}

test.each([
  [
    "topo-mng-no-lt",
    { "control-plane(aws_eks_cluster.this)": { sgs: [CLUSTER_SG] }, "managed(aws_eks_node_group.default)": { sgs: [CLUSTER_SG] } },
  ],
  [
    // A launch template that names SGs replaces the cluster SG on the nodes.
    "topo-lt-node-sg-no-rules",
    { "control-plane(aws_eks_cluster.this)": { sgs: [CLUSTER_SG] }, "managed(aws_eks_node_group.workers)": { sgs: ["aws_security_group.node"] } },
  ],
  ["topo-lt-network-interfaces", { "control-plane(aws_eks_cluster.this)": { sgs: [CLUSTER_SG] }, "managed(aws_eks_node_group.workers)": { sgs: ["aws_security_group.node"] } }],
  [
    // One launch template found by reference and by a literal name.
    "topo-lt-by-name",
    {
      "control-plane(aws_eks_cluster.this)": { sgs: [CLUSTER_SG] },
      "managed(aws_eks_node_group.batch)": { sgs: ["aws_security_group.node"] },
      "managed(aws_eks_node_group.general)": { sgs: ["aws_security_group.node"] },
    },
  ],
  [
    // Additional SGs sit on the control plane only; a launch template can list the cluster SG next to its own.
    "topo-cluster-sg-plus-tagged-node-sg",
    {
      "control-plane(aws_eks_cluster.this)": { sgs: ["aws_security_group.cluster_additional", CLUSTER_SG] },
      "managed(aws_eks_node_group.workers)": { sgs: ["aws_security_group.node", CLUSTER_SG] },
    },
  ],
  [
    "topo-fargate",
    {
      "control-plane(aws_eks_cluster.this)": { sgs: ["aws_security_group.api_access", CLUSTER_SG] },
      "fargate(aws_eks_fargate_profile.default)": { sgs: [CLUSTER_SG] },
      "fargate(aws_eks_fargate_profile.kube_system)": { sgs: [CLUSTER_SG] },
    },
  ],
  ["topo-self-managed-asg", { "control-plane(aws_eks_cluster.this)": { sgs: [CLUSTER_SG] }, "self-managed(aws_autoscaling_group.workers)": { sgs: ["aws_security_group.node"] } }],
  [
    "topo-modules-count-foreach",
    {
      "control-plane(aws_eks_cluster.this)": { sgs: [CLUSTER_SG] },
      'managed(module.nodes["apps"].aws_eks_node_group.this)': { sgs: ['module.nodes["apps"].aws_security_group.this'] },
      'managed(module.nodes["system"].aws_eks_node_group.this)': { sgs: ['module.nodes["system"].aws_security_group.this'] },
    },
  ],
])("%s: effective SG sets", (name, expected: Record<string, { sgs: string[] }>) => {
  const sorted = Object.fromEntries(Object.entries(expected).map(([id, c]) => [id, { ...c, sgs: [...c.sgs].sort() }]));
  expect(classes(topology(name))).toEqual(sorted);
});

test("a managed node group with remote_access and no launch template also carries the EKS-made remote-access SG", () => {
  const t = topology("p-nodegroups-remote-access");
  const open = t.classById("managed(aws_eks_node_group.ssh_open)")!;
  expect(open.sgs.members).toHaveLength(2);
  const remote = open.sgs.members.map((k) => t.sgs.get(k)!).find((sg) => sg.kind === "remote-access")!;
  const rules = t.rules.of(remote.key, "ingress");
  expect(rules.map((r) => [r.protocol, r.fromPort, r.peer.kind === "cidr" ? r.peer.cidr.text : r.peer.kind])).toEqual([["tcp", 22, "0.0.0.0/0"]]);
});

test("only Fargate profiles that select kube-system host CoreDNS; every EC2 class does", () => {
  const t = topology("topo-mixed-fargate-ec2");
  const hosts = t.clusters[0].nodes.filter((n) => n.hostsCoreDns).map((n) => n.id).sort();
  expect(hosts).toEqual(["fargate(aws_eks_fargate_profile.kube_system)", "managed(aws_eks_node_group.apps)"]);
  const fargate = topology("topo-fargate").clusters[0].nodes.filter((n) => n.hostsCoreDns).map((n) => n.id);
  expect(fargate).toEqual(["fargate(aws_eks_fargate_profile.kube_system)"]);
});

test("classes know their subnets' CIDRs when the plan makes the subnets, and say unknown otherwise", () => {
  const t = topology("topo-cidr-rules");
  expect(t.classById("managed(aws_eks_node_group.a)")!.subnets.ipv4.map((c) => c.text)).toEqual(["10.100.0.0/24", "10.100.1.0/24"]);
  expect(t.classById("managed(aws_eks_node_group.c)")!.subnets.unknown).toMatch(/subnet-0c1c1c1c1c1c1c1c1 is not in this plan/);
});

test("the cluster SG has EKS's own rules: all in from itself, all out", () => {
  const t = topology("topo-mng-no-lt");
  const ingress = t.rules.of(CLUSTER_SG, "ingress");
  expect(ingress.filter((r) => r.origin === "eks").map((r) => [r.protocol, r.peer.kind === "sg" ? r.peer.sg : r.peer.kind])).toEqual([["all", CLUSTER_SG]]);
  const egress = t.rules.of(CLUSTER_SG, "egress").filter((r) => r.origin === "eks").map((r) => (r.peer.kind === "cidr" ? r.peer.cidr.text : r.peer.kind === "sg" ? r.peer.sg : "?"));
  expect(egress.sort()).toEqual(["0.0.0.0/0", "::/0", CLUSTER_SG].sort());
});

test("a new SG without egress blocks has no egress rule", () => {
  const t = topology("topo-node-sg-no-egress");
  expect(t.rules.of("aws_security_group.node", "egress")).toEqual([]);
  expect(t.rules.of("aws_security_group.node", "ingress").length).toBeGreaterThan(0);
});

test("numeric and -1 protocols are normalised", () => {
  const t = topology("topo-vpc-rule-resources");
  const protocols = new Set([...t.rules.of("aws_security_group.node", "ingress"), ...t.rules.of("aws_security_group.node", "egress")].map((r) => r.protocol));
  expect(protocols.has("all")).toBe(true);
  expect(protocols.has("tcp")).toBe(true);
  expect(protocols.has("udp")).toBe(true);
  expect([...protocols].some((p) => p?.startsWith("proto-"))).toBe(false);
});

describe("an existing SG that lists, inline, rules that rule resources also manage", () => {
  const key = "aws_security_group.node";
  const signature = (t: Topology) =>
    t.rules
      .of(key, "ingress")
      .map((r) => `${r.protocol}/${r.fromPort}-${r.toPort}/${r.peer.kind === "sg" ? r.peer.sg : r.peer.kind === "cidr" ? r.peer.cidr.text : r.peer.kind}`)
      .sort();

  test("counts each rule once, on both sides of the plan", () => {
    for (const side of ["before", "after"] as const) {
      const list = signature(topology("topo-existing-sg-inline-and-rule", side));
      expect(new Set(list).size).toBe(list.length);
    }
  });

  test("a rule resource the plan deletes is gone after it, even though the SG's stale inline list still shows it", () => {
    const before = signature(topology("topo-existing-sg-inline-and-rule", "before"));
    const after = signature(topology("topo-existing-sg-inline-and-rule", "after"));
    expect(before.length).toBe(after.length + 1);
    expect(before.filter((r) => !after.includes(r))).toEqual([expect.stringMatching(/^tcp\/9443-9443\//)]);
  });
});

test("rules whose SG is set through a local are kept aside as rules with an unknown SG", () => {
  const t = topology("topo-rules-through-local");
  expect(t.rules.withUnknownSg.length).toBeGreaterThan(0);
  expect(t.rules.withUnknownSg[0].sgUnknown?.reason).toMatch(/locals are not in plan JSON/);
});

test("the topology is built once per graph and shared by policies", () => {
  const graph = graphOf(fixturePlan("topo-mng-no-lt"));
  expect(topologyOf(graph)).toBe(topologyOf(graph));
});

test("an unknown SG list keeps the known ids its expression uses (a variable's value)", () => {
  const plan = {
    format_version: "1.2",
    variables: { baseline: { value: "sg-0f3e2d1c0b9a87654" } },
    resource_changes: [
      { address: "aws_eks_cluster.c", mode: "managed", type: "aws_eks_cluster", name: "c", change: { actions: ["create"], before: null, after: { name: "c" }, after_unknown: { vpc_config: [{ cluster_security_group_id: true }] } } },
      { address: "aws_security_group.node", mode: "managed", type: "aws_security_group", name: "node", change: { actions: ["create"], before: null, after: { name: "node" }, after_unknown: { id: true } } },
      { address: "aws_launch_template.lt", mode: "managed", type: "aws_launch_template", name: "lt", change: { actions: ["create"], before: null, after: {}, after_unknown: { id: true, vpc_security_group_ids: true } } },
      { address: "aws_eks_node_group.ng", mode: "managed", type: "aws_eks_node_group", name: "ng", change: { actions: ["create"], before: null, after: { cluster_name: "c", launch_template: [{}] }, after_unknown: { launch_template: [{ id: true }] } } },
    ],
    configuration: {
      root_module: {
        resources: [
          { address: "aws_launch_template.lt", type: "aws_launch_template", name: "lt", expressions: { vpc_security_group_ids: { references: ["var.baseline", "aws_security_group.node.id", "aws_security_group.node"] } } },
          { address: "aws_eks_node_group.ng", type: "aws_eks_node_group", name: "ng", expressions: { launch_template: [{ id: { references: ["aws_launch_template.lt.id", "aws_launch_template.lt"] } }] } },
        ],
      },
    },
  };
  const [input] = loadText(JSON.stringify(plan), "synthetic.json");
  const t = topologyOf(buildGraph(input));
  expect([...t.classById("managed(aws_eks_node_group.ng)")!.sgs.members].sort()).toEqual(["aws_security_group.node", "sg-0f3e2d1c0b9a87654"]);
});

describe("two regions' clusters of one name (a module per region)", () => {
  const t = topology("topo-same-name-two-regions");
  const cluster = (region: string) => t.clusters.find((c) => c.address === `module.${region}.aws_eks_cluster.this`)!;

  test("each module's node groups and NodeClass join the cluster made beside them; a root node group the one of its region", () => {
    expect(t.clusters.map((c) => c.nodes.map((n) => n.address).sort())).toEqual([
      ["module.eu.aws_eks_node_group.by_name", "module.eu.aws_eks_node_group.workers", "module.eu.kubernetes_manifest.node_class"],
      ["aws_eks_node_group.batch", "module.us.aws_eks_node_group.by_name", "module.us.aws_eks_node_group.workers", "module.us.kubernetes_manifest.node_class"],
    ]);
  });

  test("each instance has its provider configuration's region, when the plan holds it", () => {
    const regionOf = (address: string) => t.world.get(address)?.region;
    expect(regionOf("module.eu.aws_security_group.node")).toBe("eu-west-1");
    expect(regionOf("module.us.aws_eks_cluster.this")).toBe("us-east-1");
    expect(regionOf("aws_eks_node_group.batch")).toBe("us-east-1");
    expect(regionOf("aws_eks_node_group.sydney")).toBe("ap-southeast-2");
    // Read from a file: the plan holds the expression's references, not its value.
    expect(regionOf("aws_eks_node_group.spare")).toBeUndefined();
    expect(regionOf("module.eu.kubernetes_manifest.node_class")).toBeUndefined();
  });

  test("a launch template named, not referenced, is the one made beside the node group", () => {
    for (const region of ["eu", "us"]) {
      const byName = t.classById(`managed(module.${region}.aws_eks_node_group.by_name)`)!;
      expect(byName.launchTemplates).toEqual([`module.${region}.aws_launch_template.workers`]);
      expect(byName.sgs).toEqual({ members: [`module.${region}.aws_security_group.node`] });
    }
  });

  test("a NodeClass's tag term picks the SGs of its cluster's region only", () => {
    for (const region of ["eu", "us"]) {
      expect(t.classById(`karpenter(module.${region}.kubernetes_manifest.node_class)`)!.sgs.members).toEqual([`module.${region}.aws_security_group.node`]);
    }
  });

  test("a node group whose region the plan does not hold, or that no cluster of its name shares, is not placed", () => {
    expect(t.orphans).toEqual([
      {
        address: "aws_eks_node_group.spare",
        reason: '2 clusters are named "prod" (module.eu.aws_eks_cluster.this, module.us.aws_eks_cluster.this), in different regions or accounts, and the plan does not say which one is meant',
      },
      {
        address: "aws_eks_node_group.sydney",
        reason: 'cluster "prod" in ap-southeast-2 is not in this plan; module.eu.aws_eks_cluster.this, module.us.aws_eks_cluster.this of that name are in eu-west-1, us-east-1',
      },
    ]);
  });

  test("two clusters of one name in one region (two accounts) are not told apart by the region", () => {
    const change = (address: string, type: string, after: object) => ({
      address,
      ...(address.startsWith("module.") ? { module_address: address.split(".").slice(0, 2).join(".") } : {}),
      mode: "managed",
      type,
      name: address.split(".").pop(),
      change: { actions: ["create"], before: null, after, after_unknown: {} },
    });
    const config = (type: string, name: string, key: string) => ({ address: `${type}.${name}`, type, name, provider_config_key: key });
    const region = { region: { constant_value: "us-east-1" } };
    const plan = {
      format_version: "1.2",
      resource_changes: [
        change("module.a.aws_eks_cluster.this", "aws_eks_cluster", { name: "prod" }),
        change("module.b.aws_eks_cluster.this", "aws_eks_cluster", { name: "prod" }),
        change("aws_eks_node_group.ng", "aws_eks_node_group", { cluster_name: "prod" }),
      ],
      configuration: {
        provider_config: { "aws.a": { name: "aws", alias: "a", expressions: region }, "aws.b": { name: "aws", alias: "b", expressions: region }, aws: { name: "aws", expressions: region } },
        root_module: {
          resources: [config("aws_eks_node_group", "ng", "aws")],
          module_calls: {
            a: { module: { resources: [config("aws_eks_cluster", "this", "aws.a")] } },
            b: { module: { resources: [config("aws_eks_cluster", "this", "aws.b")] } },
          },
        },
      },
    };
    const [input] = loadText(JSON.stringify(plan), "synthetic.json");
    expect(topologyOf(buildGraph(input)).orphans).toEqual([
      {
        address: "aws_eks_node_group.ng",
        reason: '2 clusters are named "prod" (module.a.aws_eks_cluster.this, module.b.aws_eks_cluster.this), which us-east-1 does not tell apart (other accounts, or regions the plan does not hold), and the plan does not say which one is meant',
      },
    ]);
  });

  test("each cluster's vpc-cni add-on is its own", () => {
    for (const region of ["eu", "us"]) {
      const settings = vpcCniSettings(t.world, cluster(region), t.clusters);
      expect(settings).toMatchObject({ state: "configured", address: `module.${region}.aws_eks_addon.vpc_cni` });
      expect(settings.state === "configured" && settings.env.get("ENABLE_POD_ENI")).toBe(region === "eu" ? "true" : "false");
    }
  });
});

test("a planned configuration with a kubectl and a kubernetes provider per cluster: each manifest is on the cluster its provider's host names", () => {
  const t = topology("topo-kubectl-provider-per-cluster");
  expect(t.clusters.map((c) => [c.address, c.nodes.map((n) => n.id), c.pods.map((p) => p.address)])).toEqual([
    ['module.cluster["blue"].aws_eks_cluster.this', ["karpenter(module.karpenter_blue.kubectl_manifest.node_class)"], []],
    ['module.cluster["green"].aws_eks_cluster.this', ["karpenter(module.karpenter_green.kubectl_manifest.node_class)"], ["kubernetes_manifest.db_clients"]],
  ]);
  for (const color of ["blue", "green"]) {
    expect(t.classById(`karpenter(module.karpenter_${color}.kubectl_manifest.node_class)`)!.sgs).toEqual({ members: [`module.cluster["${color}"].aws_security_group.node`] });
  }
  // The default kubernetes provider is configured from the environment: the plan names no cluster.
  expect(t.orphans.map((o) => o.address)).toEqual(["kubernetes_manifest.from_environment"]);
});

test("of two clusters, a manifest belongs to the one its Kubernetes provider connects to", () => {
  const create = (address: string, type: string, after: object) => ({ address, mode: "managed", type, name: address.split(".")[1], change: { actions: ["create"], before: null, after, after_unknown: {} } });
  const policy = {
    apiVersion: "vpcresources.k8s.aws/v1beta1",
    kind: "SecurityGroupPolicy",
    metadata: { name: "db-clients", namespace: "apps" },
    spec: { podSelector: { matchLabels: { role: "db-client" } }, securityGroups: { groupIds: ["sg-0a1b2c3d4e5f60718"] } },
  };
  const endpointOf = (cluster: string) => ({ host: { references: [`aws_eks_cluster.${cluster}.endpoint`, `aws_eks_cluster.${cluster}`] } });
  const plan = {
    format_version: "1.2",
    resource_changes: [
      create("aws_eks_cluster.blue", "aws_eks_cluster", { name: "blue" }),
      create("aws_eks_cluster.green", "aws_eks_cluster", { name: "green" }),
      create("kubernetes_manifest.db_clients", "kubernetes_manifest", { manifest: policy }),
      create("kubernetes_manifest.unplaced", "kubernetes_manifest", { manifest: policy }),
    ],
    configuration: {
      provider_config: {
        "kubernetes.blue": { name: "kubernetes", full_name: "registry.terraform.io/hashicorp/kubernetes", alias: "blue", expressions: endpointOf("blue") },
        "kubernetes.green": { name: "kubernetes", full_name: "registry.terraform.io/hashicorp/kubernetes", alias: "green", expressions: endpointOf("green") },
        kubernetes: { name: "kubernetes", full_name: "registry.terraform.io/hashicorp/kubernetes" },
      },
      root_module: {
        resources: [
          { address: "kubernetes_manifest.db_clients", type: "kubernetes_manifest", name: "db_clients", provider_config_key: "kubernetes.green" },
          // The default provider, configured from the environment (KUBE_HOST): it names no cluster.
          { address: "kubernetes_manifest.unplaced", type: "kubernetes_manifest", name: "unplaced", provider_config_key: "kubernetes" },
        ],
      },
    },
  };
  const [input] = loadText(JSON.stringify(plan), "synthetic.json");
  const t = topologyOf(buildGraph(input));
  expect(t.clusters.map((c) => [c.name, c.pods.map((p) => p.address)])).toEqual([
    ["blue", []],
    ["green", ["kubernetes_manifest.db_clients"]],
  ]);
  expect(t.orphans.map((o) => o.address)).toEqual(["kubernetes_manifest.unplaced"]);
});

describe('a cluster made elsewhere, read with data "aws_eks_cluster" (a node stack)', () => {
  const file = fixturePlan("topo-cluster-by-data-source");
  const t = topology("topo-cluster-by-data-source");
  const READ_SG = "data.aws_eks_cluster.this.vpc_config[0].cluster_security_group_id";
  const node = (pool: string) => `module.pool["${pool}"].aws_security_group.node`;

  test("the four reads of it (at the root and in each pool module, one ARN) are one cluster, with the SGs and subnets read", () => {
    expect(t.clusters.map((c) => [c.address, c.name, c.madeElsewhere])).toEqual([["data.aws_eks_cluster.this", "platform", true]]);
    expect(classes(t)).toEqual({
      "control-plane(data.aws_eks_cluster.this)": { sgs: [READ_SG, "sg-0e1d2c3b4a5960a22"] },
      "managed(aws_eks_node_group.general)": { sgs: [READ_SG] },
      [`managed(${'module.pool["batch"]'}.aws_eks_node_group.this)`]: { sgs: [node("batch")] },
      [`managed(${'module.pool["gpu"]'}.aws_eks_node_group.this)`]: { sgs: [node("gpu")] },
      "karpenter(kubectl_manifest.batch_spot)": { sgs: [node("batch")] },
    });
    expect(t.clusters[0].controlPlane.subnets.ipv4.map((c) => c.text)).toEqual(["10.80.0.0/19", "10.80.32.0/19"]);
    expect(t.orphans).toEqual([]);
  });

  test("the cluster SG has EKS's own rules and those this plan adds; others may exist, so it says so", () => {
    const addresses = t.rules.of(READ_SG, "ingress").map((r) => r.address);
    expect(addresses).toEqual(["data.aws_eks_cluster.this", 'module.pool["batch"].aws_vpc_security_group_ingress_rule.api_from_nodes[0]']);
    expect(t.sgs.get(READ_SG)!.rulesElsewhere).toBe("the rules of the cluster SG of data.aws_eks_cluster.this beyond EKS's own are not in this plan (the cluster is made elsewhere)");
    expect(t.sgs.get("sg-0e1d2c3b4a5960a22")!.kind).toBe("external");
  });

  test("Auto Mode's built-in pools and hybrid nodes of a read cluster are the business of the stack that makes it", () => {
    const document = JSON.parse(fs.readFileSync(file, "utf8"));
    const read = document.prior_state.values.root_module.resources.find((r: { address: string }) => r.address === "data.aws_eks_cluster.this").values;
    read.compute_config = [{ enabled: true, node_pools: ["general-purpose"], node_role_arn: "arn:aws:iam::111122223333:role/auto" }];
    read.remote_network_config = [{ remote_node_networks: [{ cidrs: ["192.168.0.0/16"] }], remote_pod_networks: [] }];
    const [input] = loadText(JSON.stringify(document), "read-auto-mode.json");
    const changed = topologyOf(buildGraph(input));
    expect(changed.clusters[0].nodes.map((n) => n.kind).sort()).toEqual(["karpenter", "managed", "managed", "managed"]);
    expect(changed.capacityElsewhere).toEqual([]);
  });

  test.each([
    ["kept", "after", ["no-op"]],
    // Before the plan, the cluster it deletes is the one of that name.
    ["deleted", "before", ["delete"]],
  ] as const)("a cluster the plan makes is not also a read one: a read of its name is that cluster (%s, %s the plan)", (_, side, actions) => {
    const document = JSON.parse(fs.readFileSync(file, "utf8"));
    const read = document.prior_state.values.root_module.resources.find((r: { address: string }) => r.address === "data.aws_eks_cluster.this").values;
    document.resource_changes.push({
      address: "aws_eks_cluster.platform",
      mode: "managed",
      type: "aws_eks_cluster",
      name: "platform",
      change: { actions, before: read, after: actions[0] === "delete" ? null : read, after_unknown: {} },
    });
    const [input] = loadText(JSON.stringify(document), "made-here.json");
    const joined = topologyOf(buildGraph(input), side);
    expect(joined.clusters.map((c) => [c.address, c.madeElsewhere])).toEqual([["aws_eks_cluster.platform", false]]);
  });
});
