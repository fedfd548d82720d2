/** VPC CNI custom networking: the pod ENIs of ENIConfigs as classes of their own (pod-networks.ts). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import webhooks from "../../policies/apiserver-to-webhooks";
import { coreDnsHosts } from "../../checker/eks/required-flows";
import { topologyOf } from "../../checker/eks/topology";
import { loadText } from "../../checker/load/load-inputs";
import { buildGraph } from "../../checker/model/resource-graph";
import { fixturePlan, graphOf, statusByAddress, verdicts } from "../helpers/fixtures";

type Json = any; // plan JSON, edited as a user's plan would differ

const FIXTURE = "topo-custom-networking";
const plan: Json = JSON.parse(fs.readFileSync(fixturePlan(FIXTURE), "utf8"));
const PAYMENTS = "module.payments.aws_eks_cluster.this";
const SEARCH = "module.search.aws_eks_cluster.this";
const ENI_A = 'kubernetes_manifest.payments_eni_config["us-west-2a"]';
const ENI_B = 'kubernetes_manifest.payments_eni_config["us-west-2b"]';
const NODES = "managed(module.payments.aws_eks_node_group.default)";

const ADDON = "module.payments.aws_eks_addon.vpc_cni";

const change = (p: Json, address: string): Json => p.resource_changes.find((r: Json) => r.address === address).change;
const setEnv = (p: Json, env: Record<string, string>) => (change(p, ADDON).after.configuration_values = JSON.stringify({ env }));
const dropManifests = (p: Json) => (p.resource_changes = p.resource_changes.filter((r: Json) => !r.address.startsWith("kubernetes_manifest.")));

/** Each cluster's pod ENI classes (id and SGs, `?` marking SGs not all known), whether pods stay on the nodes' SGs, and the CoreDNS hosts of its node group. */
function podNetworksOf(edit: (p: Json) => void = () => undefined) {
  const copy = structuredClone(plan);
  edit(copy);
  const [input] = loadText(JSON.stringify(copy), `${FIXTURE}.json`);
  const topology = topologyOf(buildGraph(input));
  return Object.fromEntries(
    topology.clusters.map((cluster) => [
      cluster.address,
      {
        pods: cluster.pods.map((p) => `${p.id} ${p.sgs.members.join(",")}${p.sgs.unknown ? " ?" : ""}`),
        podsOnNodes: cluster.podsOnNodes,
        coreDnsHosts: coreDnsHosts(cluster.nodes[0]).map((h) => h.id),
      },
    ]),
  );
}

const PODS_SG = "aws_security_group.payments_pods";
const planned = [`pod-network(${ENI_A}) ${PODS_SG}`, `pod-network(${ENI_B}) ${PODS_SG}`];

test("as planned: payments' pods on their ENIConfigs' SG; search's ENIConfigs are decided at apply time, so its pods are in no class", () => {
  expect(podNetworksOf()).toEqual({
    [PAYMENTS]: { pods: planned, podsOnNodes: false, coreDnsHosts: [`pod-network(${ENI_A})`, `pod-network(${ENI_B})`] },
    [SEARCH]: { pods: [], podsOnNodes: false, coreDnsHosts: [] },
  });
});

test.each<[string, (p: Json) => void, { pods: string[]; podsOnNodes: boolean; coreDnsHosts: string[] }]>([
  // Off by default: the ENIConfigs are not used.
  ["custom networking not set", (p) => setEnv(p, { ENI_CONFIG_LABEL_DEF: "topology.kubernetes.io/zone" }), { pods: [], podsOnNodes: true, coreDnsHosts: [NODES] }],
  ["custom networking set to false", (p) => setEnv(p, { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "false" }), { pods: [], podsOnNodes: true, coreDnsHosts: [NODES] }],
  // "Boolean as a String", read as Go's strconv.ParseBool reads it.
  ["custom networking set to TRUE", (p) => setEnv(p, { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "TRUE" }), { pods: planned, podsOnNodes: false, coreDnsHosts: [`pod-network(${ENI_A})`, `pod-network(${ENI_B})`] }],
  ["custom networking set to yes (not a Go boolean)", (p) => setEnv(p, { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "yes" }), { pods: [], podsOnNodes: true, coreDnsHosts: [NODES] }],
  [
    // IPv6 clusters cannot use custom networking (EKS user guide).
    "an IPv6 cluster",
    (p) => {
      const cluster = change(p, PAYMENTS);
      cluster.after.kubernetes_network_config = [{ ip_family: "ipv6" }];
      cluster.after_unknown.kubernetes_network_config = [{}];
    },
    { pods: [], podsOnNodes: true, coreDnsHosts: [NODES] },
  ],
  [
    // VPC CNI 1.8.0 and later: an ENIConfig without SGs leaves pods on the node's primary ENI SGs.
    "one ENIConfig without SGs",
    (p) => {
      const manifest = change(p, ENI_B);
      delete manifest.after.manifest.spec.securityGroups;
      delete manifest.after_unknown.manifest.spec.securityGroups;
    },
    { pods: [planned[0]], podsOnNodes: true, coreDnsHosts: [NODES, `pod-network(${ENI_A})`] },
  ],
  [
    // The add-on is managed elsewhere: whether the ENIConfigs are used is not known.
    "no vpc-cni add-on in the plan",
    (p) => (p.resource_changes = p.resource_changes.filter((r: Json) => r.address !== ADDON)),
    { pods: [`${planned[0]} ?`, `${planned[1]} ?`], podsOnNodes: true, coreDnsHosts: [NODES, `pod-network(${ENI_A})`, `pod-network(${ENI_B})`] },
  ],
  [
    // The add-on's configuration takes the chart's eniConfig block (its configuration schema).
    "the add-on's eniConfig makes the ENIConfigs, one of them without SGs",
    (p) => {
      dropManifests(p);
      const eniConfig = { create: true, region: "us-west-2", subnets: { "us-west-2a": { id: "subnet-0a", securityGroups: ["sg-0123456789abcdef0"] }, "us-west-2b": { id: "subnet-0b" } } };
      change(p, ADDON).after.configuration_values = JSON.stringify({ env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true" }, eniConfig });
    },
    { pods: [`pod-network(${ADDON}#us-west-2a) sg-0123456789abcdef0`], podsOnNodes: true, coreDnsHosts: [NODES, `pod-network(${ADDON}#us-west-2a)`] },
  ],
  [
    "the add-on's eniConfig without create",
    (p) => {
      dropManifests(p);
      change(p, ADDON).after.configuration_values = JSON.stringify({ env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true" }, eniConfig: { create: false, region: "us-west-2", subnets: { "us-west-2a": { id: "subnet-0a", securityGroups: ["sg-0123456789abcdef0"] } } } });
    },
    { pods: [`pod-network(${ADDON})  ?`], podsOnNodes: false, coreDnsHosts: [`pod-network(${ADDON})`] },
  ],
  [
    // It may turn custom networking on and make ENIConfigs (the usual reason it is decided at apply time: a new subnet's or SG's id).
    "the add-on's configuration_values decided at apply time, no ENIConfig manifest",
    (p) => {
      dropManifests(p);
      const addon = change(p, ADDON);
      addon.after.configuration_values = null;
      addon.after_unknown.configuration_values = true;
    },
    { pods: [`pod-network(${ADDON})  ?`], podsOnNodes: true, coreDnsHosts: [NODES, `pod-network(${ADDON})`] },
  ],
  [
    "custom networking on and no ENIConfig of payments in the plan",
    dropManifests,
    { pods: [`pod-network(${ADDON})  ?`], podsOnNodes: false, coreDnsHosts: [`pod-network(${ADDON})`] },
  ],
])("%s", (_name, edit, expected) => {
  expect(podNetworksOf(edit)[PAYMENTS]).toEqual(expected);
});

test("an unknown securityGroups leaf names the pod SG, not the subnet the manifest also refers to", () => {
  // Terraform lists the references of the whole `manifest` for each of its unknown leaves.
  const refs = plan.configuration.root_module.resources.find((r: Json) => r.address === "kubernetes_manifest.payments_eni_config").expressions.manifest.references;
  expect(refs).toEqual(expect.arrayContaining(["each.value.id", "aws_security_group.payments_pods.id"]));
  expect(podNetworksOf()[PAYMENTS].pods).toEqual(planned);
});

describe("an Auto Mode NodeClass with podSecurityGroupSelectorTerms", () => {
  const AUTO = "blind-automode-custom-nodeclass";
  const NODE_CLASS = "kubectl_manifest.private_compute_node_class";
  const autoPlan: Json = JSON.parse(fs.readFileSync(fixturePlan(AUTO), "utf8"));
  /** The plan with the NodeClass's pods on the SGs these selector terms (YAML) match. */
  function withPodTerms(terms: string): string {
    const copy = structuredClone(autoPlan);
    const after = change(copy, NODE_CLASS).after;
    after.yaml_body = `${after.yaml_body}  podSecurityGroupSelectorTerms:\n${terms}`;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pod-networks-")), `${AUTO}.json`);
    fs.writeFileSync(file, JSON.stringify(copy));
    return file;
  }
  const onClusterSg = () => withPodTerms("    - tags:\n        aws:eks:cluster-name: blind-automode-custom-nodeclass\n");

  test("its pods are a class of their own, on the SGs the terms match", () => {
    const topology = topologyOf(graphOf(onClusterSg()));
    const [cluster] = topology.clusters;
    expect(cluster.pods.map((p) => [p.id, p.sgs.members])).toEqual([[`pod-network(${NODE_CLASS})`, ["aws_eks_cluster.this.vpc_config[0].cluster_security_group_id"]]]);
    expect(cluster.nodes.find((n) => n.address === NODE_CLASS)?.podsElsewhere).toBe(true);
  });

  test("webhooks are judged on the pods' SGs, not on the nodes' (the node SG admits no webhook port, the cluster SG does)", () => {
    expect(statusByAddress(verdicts(webhooks, fixturePlan(AUTO)))[NODE_CLASS]).toBe("fail");
    expect(statusByAddress(verdicts(webhooks, onClusterSg()))[NODE_CLASS]).toBe("pass");
  });
});

describe("aws-node from a helm_release of the aws-vpc-cni chart (shaped as terraform writes it: the offline mirror has no Helm provider)", () => {
  const RELEASE = "helm_release.vpc_cni";
  const POD_SG_REF = { references: ["aws_security_group.payments_pods.id", "aws_security_group.payments_pods"] };
  /** payments without its add-on and ENIConfig manifests, and with the release, through a Helm provider whose host is payments'. */
  const withRelease = (release: { values?: unknown[]; set?: object[]; unknown?: object; setExpressions?: object[] }) => (p: Json) => {
    p.resource_changes = p.resource_changes.filter((r: Json) => r.address !== ADDON && !r.address.startsWith("kubernetes_manifest."));
    const after = { name: "aws-vpc-cni", namespace: "kube-system", chart: "aws-vpc-cni", repository: "https://aws.github.io/eks-charts", values: release.values ?? [], set: release.set ?? [] };
    p.resource_changes.push({ address: RELEASE, mode: "managed", type: "helm_release", name: "vpc_cni", change: { actions: ["create"], before: null, after, after_unknown: release.unknown ?? {} } });
    p.configuration.provider_config.helm = { name: "helm", full_name: "registry.terraform.io/hashicorp/helm", expressions: { kubernetes: [{ host: { references: ["module.payments.endpoint", "module.payments"] } }] } };
    p.configuration.root_module.resources.push({ address: RELEASE, mode: "managed", type: "helm_release", name: "vpc_cni", provider_config_key: "helm", expressions: release.setExpressions ? { set: release.setExpressions } : {} });
  };
  const ON = 'env:\n  AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true"\n';
  const SUBNETS = "eniConfig:\n  create: true\n  subnets:\n    us-west-2a:\n      id: subnet-0a\n    us-west-2b:\n      id: subnet-0b\n      securityGroups: [sg-0123456789abcdef0]\n";
  const onNetworks = (pods: string[]) => ({ pods, podsOnNodes: false, coreDnsHosts: pods.map((p) => p.split(" ")[0]) });

  test.each<[string, Parameters<typeof withRelease>[0], { pods: string[]; podsOnNodes: boolean; coreDnsHosts: string[] }]>([
    // The chart makes an ENIConfig per key of eniConfig.subnets (templates/eniconfig.yaml); a set value
    // decided at apply time names the pod SG for one zone.
    [
      "values turn it on and make ENIConfigs; set gives one zone the pod SG",
      {
        values: [ON + SUBNETS],
        set: [{ name: "eniConfig.subnets.us-west-2a.securityGroups[0]", type: "" }],
        unknown: { set: [{ value: true }] },
        setExpressions: [{ name: { constant_value: "eniConfig.subnets.us-west-2a.securityGroups[0]" }, value: POD_SG_REF }],
      },
      onNetworks([`pod-network(${RELEASE}#us-west-2a) ${PODS_SG}`, `pod-network(${RELEASE}#us-west-2b) sg-0123456789abcdef0`]),
    ],
    // Helm merges set over values: custom networking turned on by set, the ENIConfigs made elsewhere.
    [
      "set turns it on over values that leave it off, and no ENIConfig is made",
      { values: ['env:\n  AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "false"\n'], set: [{ name: "env.AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", value: "true", type: "string" }] },
      onNetworks([`pod-network(${RELEASE})  ?`]),
    ],
    ["the chart's default (off)", { values: [SUBNETS] }, { pods: [], podsOnNodes: true, coreDnsHosts: [NODES] }],
    // Values decided at apply time: custom networking may be on, with ENIConfigs the plan cannot see.
    [
      "values decided at apply time",
      { values: [null], unknown: { values: [true] } },
      { pods: [`pod-network(${RELEASE})  ?`], podsOnNodes: true, coreDnsHosts: [NODES, `pod-network(${RELEASE})`] },
    ],
  ])("%s", (_name, release, expected) => {
    expect(podNetworksOf(withRelease(release))[PAYMENTS]).toEqual(expected);
  });
});
