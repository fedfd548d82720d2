/** Clusters whose nodes are defined outside the plan: Auto Mode without built-in pools, Karpenter, node access entries, aws-auth (capacity-elsewhere.ts). */
import * as fs from "node:fs";
import { topologyOf } from "../../checker/eks/topology";
import { loadInputs, loadText } from "../../checker/load/load-inputs";
import { buildGraph } from "../../checker/model/resource-graph";
import { modelInputs } from "../../checker/model/join-inputs";
import { fixturePlan } from "../helpers/fixtures";

type Json = any; // plan JSON, edited as a user's plan would differ

const FIXTURE = "topo-nodeclasses-elsewhere";
const APPS = 'module.karpenter["apps"].aws_eks_pod_identity_association.karpenter';
const EDGE: [string, string] = ["aws_eks_cluster.edge", "aws_eks_cluster.edge"];
const plan: Json = JSON.parse(fs.readFileSync(fixturePlan(FIXTURE), "utf8"));

/** What is found for a copy of a fixture's plan after `edit`. */
function capacityFound(edit: (plan: Json) => void = () => undefined, planned: Json = plan, name = FIXTURE) {
  const copy = structuredClone(planned);
  edit(copy);
  const [input] = loadText(JSON.stringify(copy), `${name}.json`);
  return topologyOf(buildGraph(input)).capacityElsewhere;
}

/** The findings' resources and clusters, for a copy of a fixture's plan after `edit`. */
function capacityOf(edit: (plan: Json) => void = () => undefined, planned: Json = plan, name = FIXTURE): [string, string][] {
  return capacityFound(edit, planned, name).map((c) => [c.address, c.cluster.address]);
}

const change = (p: Json, address: string): Json => p.resource_changes.find((r: Json) => r.address === address);

/** batch's manifest as it reads when its yaml_body interpolates an SG's id; returns its configuration. */
function batchManifestDecidedAtApply(p: Json): Json {
  const manifest = change(p, "kubectl_manifest.batch_node_class").change;
  delete manifest.after.yaml_body;
  manifest.after_unknown.yaml_body = true;
  const configured = p.configuration.root_module.resources.find((r: Json) => r.address === "kubectl_manifest.batch_node_class");
  configured.expressions.yaml_body = { references: ["aws_security_group.batch_nodes.id", "aws_security_group.batch_nodes"] };
  return configured;
}

test.each<[string, (p: Json) => void, [string, string][]]>([
  // batch has its EC2NodeClass in the plan; the load balancer controller's association is not Karpenter's.
  ["as planned: Auto Mode without pools, and the Karpenter without an EC2NodeClass", () => undefined, [EDGE, [APPS, 'module.eks["apps"].aws_eks_cluster.this']]],
  [
    // A built-in pool brings the default NodeClass, whose nodes are judged (auto-mode(<cluster>)).
    "Auto Mode with a built-in pool",
    (p) => (change(p, "aws_eks_cluster.edge").change.after.compute_config[0].node_pools = ["general-purpose"]),
    [[APPS, 'module.eks["apps"].aws_eks_cluster.this']],
  ],
  [
    "batch's NodeClass gone: both clusters",
    (p) => (p.resource_changes = p.resource_changes.filter((r: Json) => r.type !== "kubectl_manifest")),
    [
      EDGE,
      [APPS, 'module.eks["apps"].aws_eks_cluster.this'],
      ['module.karpenter["batch"].aws_eks_pod_identity_association.karpenter', 'module.eks["batch"].aws_eks_cluster.this'],
    ],
  ],
  [
    // Not Karpenter's service account; its node role's access entry still says that nodes join.
    "a service account of another name: the node role's access entry",
    (p) => (change(p, APPS).change.after.service_account = "karpenter-controller"),
    [EDGE, ['module.karpenter["apps"].aws_eks_access_entry.node', 'module.eks["apps"].aws_eks_cluster.this']],
  ],
  [
    // batch's entry is for the role its EC2NodeClass names; another role there leaves it unused.
    "batch's NodeClass naming another role: batch's access entry",
    (p) => {
      const after = change(p, "kubectl_manifest.batch_node_class").change.after;
      after.yaml_body = after.yaml_body.replace("role: Karpenter-batch", "role: KarpenterNodes-shared");
    },
    [EDGE, [APPS, 'module.eks["apps"].aws_eks_cluster.this'], ['module.karpenter["batch"].aws_eks_access_entry.node', 'module.eks["batch"].aws_eks_cluster.this']],
  ],
  [
    // Its yaml_body interpolates an SG's id: its findings already say that the nodes it may define are not judged.
    "a manifest decided at apply time: nothing added",
    batchManifestDecidedAtApply,
    [],
  ],
  [
    // The same manifest through a kubectl provider whose host is batch's: only batch's nodes are covered by its finding.
    "a manifest decided at apply time on batch: the other clusters still",
    (p) => {
      batchManifestDecidedAtApply(p).provider_config_key = "kubectl.batch";
      p.configuration.provider_config["kubectl.batch"] = {
        name: "kubectl",
        full_name: "registry.terraform.io/gavinbunney/kubectl",
        alias: "batch",
        expressions: { host: { references: ['module.eks["batch"].cluster_name', 'module.eks["batch"]'] } },
      };
    },
    [EDGE, [APPS, 'module.eks["apps"].aws_eks_cluster.this']],
  ],
  [
    "a cluster outside the plan: nothing to attach it to",
    (p) => {
      change(p, APPS).change.after.cluster_name = "elsewhere";
      change(p, 'module.karpenter["apps"].aws_eks_access_entry.node').change.after.cluster_name = "elsewhere";
    },
    [EDGE],
  ],
])("%s", (_name, edit, expected) => {
  expect(capacityOf(edit)).toEqual(expected);
});

describe("node access entries whose roles no node class in the plan uses", () => {
  const ENTRIES = "topo-node-access-entries";
  const entriesPlan: Json = JSON.parse(fs.readFileSync(fixturePlan(ENTRIES), "utf8"));
  const KARPENTER: [string, string] = ["module.karpenter.aws_eks_access_entry.node", 'module.eks["irsa"].aws_eks_cluster.this'];
  const WINDOWS: [string, string] = ['aws_eks_access_entry.this["windows"]', 'module.eks["self"].aws_eks_cluster.this'];
  const WINDOWS_ENTRY = 'aws_eks_access_entry.this["windows"]';

  test.each<[string, (p: Json) => void, [string, string][]]>([
    // The node groups' own entries, the self-managed nodes' (through their launch template's
    // instance profile) and Auto Mode's (its built-in pools' node role) match nodes of the plan.
    ["as planned: Karpenter's node role and the Windows node role", () => undefined, [WINDOWS, KARPENTER]],
    ["the Windows entry made STANDARD: not a node role", (p) => (change(p, WINDOWS_ENTRY).change.after.type = "STANDARD"), [KARPENTER]],
    [
      // self_nodes is named at apply time from the prefix "self-nodes-": that may be its name.
      "a role name the self-managed nodes' role may have: not known to be unused",
      (p) => (change(p, WINDOWS_ENTRY).change.after.principal_arn = "arn:aws:iam::123456789012:role/self-nodes-windows"),
      [KARPENTER],
    ],
    [
      "the self-managed nodes gone: their role's entry",
      (p) => (p.resource_changes = p.resource_changes.filter((r: Json) => r.address !== "aws_autoscaling_group.self_nodes")),
      [["aws_eks_access_entry.self_nodes", 'module.eks["self"].aws_eks_cluster.this'], KARPENTER],
    ],
    [
      "Auto Mode's pools given another node role: the entry's role is for custom NodeClasses",
      (p) => {
        const auto = change(p, "aws_eks_cluster.auto").change;
        auto.after.compute_config[0].node_role_arn = "arn:aws:iam::123456789012:role/auto-pools";
        auto.after_unknown.compute_config[0].node_role_arn = false;
      },
      [["aws_eks_access_entry.auto_nodes", "aws_eks_cluster.auto"], WINDOWS, KARPENTER],
    ],
    [
      "an entry whose role the plan does not decide: nothing said",
      (p) => {
        const entry = change(p, WINDOWS_ENTRY).change;
        delete entry.after.principal_arn;
        entry.after_unknown.principal_arn = true;
      },
      [KARPENTER],
    ],
  ])("%s", (_name, edit, expected) => {
    expect(capacityOf(edit, entriesPlan, ENTRIES)).toEqual(expected);
  });
});

describe("the aws-auth ConfigMap: roles it puts in system:nodes that no node class in the plan uses", () => {
  const AUTH = "topo-aws-auth-node-roles";
  const authPlan: Json = JSON.parse(fs.readFileSync(fixturePlan(AUTH), "utf8"));
  const LEGACY = "aws_eks_cluster.legacy";
  const yamlBody = (p: Json) => change(p, "kubectl_manifest.aws_auth").change.after;
  /** The same ConfigMap as terraform-aws-eks v19 applies it: kubernetes_config_map_v1_data, shaped as terraform writes it. */
  const asConfigMapData = (p: Json, mapRoles: string | undefined) => {
    p.resource_changes = p.resource_changes.filter((r: Json) => r.type !== "kubectl_manifest");
    p.resource_changes.push({
      address: "kubernetes_config_map_v1_data.aws_auth",
      mode: "managed",
      type: "kubernetes_config_map_v1_data",
      name: "aws_auth",
      change: {
        actions: ["create"],
        before: null,
        after: { metadata: [{ name: "aws-auth", namespace: "kube-system" }], data: mapRoles === undefined ? {} : { mapRoles }, force: true, field_manager: "Terraform" },
        after_unknown: mapRoles === undefined ? { id: true, metadata: [{}], data: { mapRoles: true } } : { id: true, metadata: [{}], data: {} },
      },
    });
  };
  const mapRolesOf = (p: Json): string => /mapRoles": \|\n([\s\S]*?)\n"kind"/.exec(yamlBody(p).yaml_body)![1].replace(/^ {4}/gm, "");

  test.each<[string, (p: Json) => void, [string, string][]]>([
    // The node group's role (by ARN) and the Fargate profile's (a role of the plan, by name) are used; Karpenter's is not.
    ["as planned: Karpenter's node role", () => undefined, [["kubectl_manifest.aws_auth", LEGACY]]],
    ["Karpenter's entry gone: every node role is used", (p) => (yamlBody(p).yaml_body = yamlBody(p).yaml_body.replace("role/KarpenterNodes-legacy", "role/legacy-system-nodes")), []],
    ["as kubernetes_config_map_v1_data", (p) => asConfigMapData(p, mapRolesOf(p)), [["kubernetes_config_map_v1_data.aws_auth", LEGACY]]],
    ["as kubernetes_config_map_v1_data, mapRoles decided at apply time: nothing said", (p) => asConfigMapData(p, undefined), []],
  ])("%s", (_name, edit, expected) => {
    expect(capacityOf(edit, authPlan, AUTH)).toEqual(expected);
  });

  test("the finding names the role that is not used", () => {
    expect(capacityFound(undefined, authPlan, AUTH)[0].reason).toContain("maps the IAM role aws_iam_role.karpenter_nodes to the group system:nodes");
    const withoutFargate = (p: Json) => (p.resource_changes = p.resource_changes.filter((r: Json) => r.type !== "aws_eks_fargate_profile"));
    expect(capacityFound(withoutFargate, authPlan, AUTH)[0].reason).toContain("maps the IAM role aws_iam_role.fargate to");
  });
});

describe("root modules checked alone and together", () => {
  const PLATFORM = fixturePlan("split-karpenter-platform");
  const NODECLASSES = fixturePlan("split-karpenter-nodeclasses");
  // Joined as the command line joins the plans it is given: one model of all of them, where each
  // address is prefixed with its plan (`<plan>::`), left out here.
  const judged = (files: string[]) => {
    const topology = topologyOf(modelInputs(loadInputs(files)));
    const bare = (address: string) => address.replace(/[^(]*::/g, "");
    return {
      nodeClasses: topology.clusters.flatMap((c) => c.nodes.filter((n) => n.kind === "karpenter").map((n) => [bare(c.address), bare(n.id), n.sgs.members.map(bare)])),
      elsewhere: topology.capacityElsewhere.map((c) => bare(c.address)),
    };
  };

  test("the platform root alone: Karpenter's nodes are not judged, and the association says so", () => {
    expect(judged([PLATFORM])).toEqual({ nodeClasses: [], elsewhere: ["aws_eks_pod_identity_association.karpenter"] });
  });

  test("with the root that holds the EC2NodeClass: its nodes are judged, and nothing is said of the association", () => {
    expect(judged([PLATFORM, NODECLASSES])).toEqual({
      nodeClasses: [["aws_eks_cluster.this", "karpenter(kubectl_manifest.default)", ["aws_security_group.karpenter_nodes"]]],
      elsewhere: [],
    });
  });
});

describe("Karpenter installed by a helm_release of its chart (shaped as terraform writes it: the offline mirror has no Helm provider)", () => {
  const create = (address: string, type: string, after: object, afterUnknown: object = {}) => ({ address, mode: "managed", type, name: address.split(".")[1], change: { actions: ["create"], before: null, after, after_unknown: afterUnknown } });
  const endpointOf = (cluster: string) => ({ references: [`aws_eks_cluster.${cluster}.endpoint`, `aws_eks_cluster.${cluster}`] });
  /** `release`: the release's values (`set`, `values`), its unknown marks and its configured expressions. */
  const helmPlan = (clusters: string[], chart: string, helmProvider: object | undefined, extra: object[] = [], release: { after?: object; unknown?: object; expressions?: object } = {}) => ({
    format_version: "1.2",
    resource_changes: [
      ...clusters.map((name) => create(`aws_eks_cluster.${name}`, "aws_eks_cluster", { name })),
      create("helm_release.karpenter", "helm_release", { name: "karpenter", namespace: "kube-system", chart, repository: "oci://public.ecr.aws/karpenter", version: "1.8.1", ...release.after }, release.unknown),
      ...extra,
    ],
    configuration: {
      provider_config: helmProvider ? { helm: { name: "helm", full_name: "registry.terraform.io/hashicorp/helm", expressions: helmProvider } } : {},
      root_module: { resources: [{ address: "helm_release.karpenter", mode: "managed", type: "helm_release", name: "karpenter", provider_config_key: "helm", expressions: release.expressions ?? {} }] },
    },
  });
  const named = (release: { after?: object; unknown?: object; expressions?: object }) => helmPlan(["blue", "green"], "karpenter", {}, [], release);
  const setting = (name: string, value: string) => ({ name, value, type: "" });
  const capacity = (planned: object) => capacityOf(undefined, planned, "synthetic");

  test.each<[string, object, [string, string][]]>([
    // Helm provider 2: a `kubernetes {}` block; 3: a `kubernetes = {}` object, one expression for all of it.
    ["provider 2's kubernetes block names green", helmPlan(["blue", "green"], "karpenter", { kubernetes: [{ host: endpointOf("green") }] }), [["helm_release.karpenter", "aws_eks_cluster.green"]]],
    ["provider 3's kubernetes object names blue", helmPlan(["blue", "green"], "karpenter", { kubernetes: endpointOf("blue") }), [["helm_release.karpenter", "aws_eks_cluster.blue"]]],
    ["the whole OCI reference as the chart, the only cluster", helmPlan(["solo"], "oci://public.ecr.aws/karpenter/karpenter", undefined), [["helm_release.karpenter", "aws_eks_cluster.solo"]]],
    ["two clusters and a provider from the environment: which one is not known", helmPlan(["blue", "green"], "karpenter", {}), []],
    // Karpenter's chart takes the cluster's name from settings.clusterName (settings.aws.clusterName before v0.32).
    ["the same, with set settings.clusterName = green", named({ after: { set: [setting("settings.clusterName", "green")] } }), [["helm_release.karpenter", "aws_eks_cluster.green"]]],
    ["the same, with values naming blue", named({ after: { values: ["replicas: 2\nsettings:\n  clusterName: blue\n"] } }), [["helm_release.karpenter", "aws_eks_cluster.blue"]]],
    [
      "values naming green by the older key, then set naming blue: set wins, as in Helm",
      named({ after: { values: ["settings:\n  aws:\n    clusterName: green\n"], set: [setting("settings.clusterName", "blue")] } }),
      [["helm_release.karpenter", "aws_eks_cluster.blue"]],
    ],
    [
      "values decided at apply time from green's name",
      named({ after: { values: [] }, unknown: { values: [true] }, expressions: { values: { references: ["aws_eks_cluster.green.name", "aws_eks_cluster.green"] } } }),
      [["helm_release.karpenter", "aws_eks_cluster.green"]],
    ],
    ["a cluster name that is not in the plan: nothing", named({ after: { set: [setting("settings.clusterName", "elsewhere")] } }), []],
    ["another chart", helmPlan(["solo"], "aws-load-balancer-controller", undefined), []],
    [
      "the association and the release of one cluster: said once",
      helmPlan(["solo"], "karpenter", undefined, [create("aws_eks_pod_identity_association.karpenter", "aws_eks_pod_identity_association", { cluster_name: "solo", namespace: "kube-system", service_account: "karpenter" })]),
      [["aws_eks_pod_identity_association.karpenter", "aws_eks_cluster.solo"]],
    ],
  ])("%s", (_name, plan, expected) => {
    expect(capacity(plan)).toEqual(expected);
  });
});

test("a NodePool whose EC2NodeClass no manifest of the plan applies: its nodes are chosen elsewhere", () => {
  const raw: Json = JSON.parse(fs.readFileSync(fixturePlan("topo-raw-chart-manifests"), "utf8"));
  const RELEASE = "helm_release.karpenter_resources";
  const withPool = (nodeClass: string) => (p: Json) => {
    // Only the release that YAML-reads: the other two are decided at apply time and cover the cluster.
    p.resource_changes = p.resource_changes.filter((r: Json) => r.type !== "helm_release" || r.address === RELEASE);
    const pool = { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "gpu" }, spec: { template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClass } } } } };
    const values = change(p, RELEASE).change.after.values;
    values[0] = `${values[0]}- ${JSON.stringify(pool)}\n`;
  };
  const found = capacityFound(withPool("gpu"), raw, "topo-raw-chart-manifests");
  expect(found.map((c) => [c.address, c.cluster.address, c.reason])).toEqual([
    [RELEASE, "aws_eks_cluster.this", "NodePool gpu (helm_release.karpenter_resources) launches nodes of the EC2NodeClass gpu, which no manifest of this plan applies to aws_eks_cluster.this, so the SGs of those nodes are chosen outside it"],
  ]);
  // A NodePool of the plan's own EC2NodeClass says nothing.
  expect(capacityFound(withPool("default"), raw, "topo-raw-chart-manifests")).toEqual([]);
});
