/** Karpenter NodePools (node-pools.ts): their NodeClass, the labels of their nodes, their zones. */
import { nodePoolLabel, nodePoolsByClass, nodePoolZones } from "../../checker/eks/node-pools";
import { Cluster } from "../../checker/eks/eni-class";
import type { KubernetesObject } from "../../checker/eks/manifests";
import { Unknown, type Value } from "../../checker/model/value";
import type { ResourceInstance } from "../../checker/model/resource-instance";

const instance = {} as ResourceInstance;
const object = (address: string, apiVersion: string, kind: string, name: string, spec: Value = {}): KubernetesObject => ({ address, instance, apiVersion, kind, name, body: { apiVersion, kind, metadata: { name }, spec } });
const pool = (template: { labels?: Value; requirements?: Value; nodeClassRef?: Value }, apiVersion = "karpenter.sh/v1") =>
  object("kubectl_manifest.pool", apiVersion, "NodePool", "pool", { template: { metadata: { labels: template.labels ?? {} }, spec: { nodeClassRef: template.nodeClassRef ?? null, requirements: template.requirements ?? [] } } });
const undecided = new Unknown("computed", "decided at apply time");
const KEY = "k8s.amazonaws.com/eniConfig";

test.each<[string, Parameters<typeof pool>[0], ReturnType<typeof nodePoolLabel>]>([
  ["a template label", { labels: { [KEY]: "a" } }, { value: "a" }],
  ["a template label wins over a requirement", { labels: { [KEY]: "a" }, requirements: [{ key: KEY, operator: "In", values: ["b"] }] }, { value: "a" }],
  ["an In requirement of one value", { requirements: [{ key: KEY, operator: "In", values: ["b"] }] }, { value: "b" }],
  ["an In requirement of two values", { requirements: [{ key: KEY, operator: "In", values: ["a", "b"] }] }, { unknown: expect.stringContaining("with one of a, b, picked when Karpenter launches it") }],
  ["an Exists requirement", { requirements: [{ key: KEY, operator: "Exists" }] }, { unknown: expect.stringContaining("requires the label k8s.amazonaws.com/eniConfig to exist") }],
  ["a NotIn requirement sets no label", { requirements: [{ key: KEY, operator: "NotIn", values: ["a"] }] }, { none: true }],
  ["no label", { requirements: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }] }, { none: true }],
  ["labels decided at apply time", { labels: undecided }, { unknown: expect.stringContaining("the labels of NodePool pool (kubectl_manifest.pool) are decided at apply time") }],
  ["a requirement's key decided at apply time", { requirements: [{ key: undecided, operator: "In", values: ["a"] }] }, { unknown: expect.stringContaining("are not all decided in the plan: a key") }],
])("the label of its nodes: %s", (_name, template, expected) => {
  expect(nodePoolLabel(pool(template), KEY)).toEqual(expected);
});

test.each<[string, Value, Record<string, boolean> | "no limit" | RegExp]>([
  ["no zone requirement", [], "no limit"],
  ["In", [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["z1", "z2"] }], { z1: true, z2: true, z3: false }],
  ["NotIn", [{ key: "topology.kubernetes.io/zone", operator: "NotIn", values: ["z1"] }], { z1: false, z2: true }],
  ["In and NotIn both hold", [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["z1", "z2"] }, { key: "topology.kubernetes.io/zone", operator: "NotIn", values: ["z2"] }], { z1: true, z2: false }],
  ["by zone id", [{ key: "topology.k8s.aws/zone-id", operator: "In", values: ["use1-az1"] }], /by zone id/],
  ["values decided at apply time", [{ key: "topology.kubernetes.io/zone", operator: "In", values: undecided }], /the values of topology.kubernetes.io\/zone/],
])("the zones of its nodes: %s", (_name, requirements, expected) => {
  const zones = nodePoolZones(pool({ requirements }));
  if (expected === "no limit") expect(zones).toEqual({});
  else if (expected instanceof RegExp) expect(zones.unknown).toMatch(expected);
  else for (const [zone, allowed] of Object.entries(expected)) expect([zone, zones.allows!(zone)]).toEqual([zone, allowed]);
});

describe("the NodeClass of a NodePool", () => {
  const cluster = (name: string) => new Cluster({ address: `aws_eks_cluster.${name}`, mode: "managed" } as ResourceInstance, name, "sg", 4, {} as never);
  const [one, two] = [cluster("one"), cluster("two")];
  const ec2 = object("kubectl_manifest.class_one", "karpenter.k8s.aws/v1", "EC2NodeClass", "default");
  const other = object("kubectl_manifest.class_two", "karpenter.k8s.aws/v1", "EC2NodeClass", "default");
  const classes = [
    { object: ec2, cluster: one },
    { object: other, cluster: two },
  ];
  const ref = (nodeClassRef: Value) => pool({ nodeClassRef });
  const found = (pools: KubernetesObject[], appliedTo: Cluster | undefined) => {
    const map = nodePoolsByClass(classes, pools, () => appliedTo).byClass;
    return [map.get(ec2), map.get(other)].map((c) => ({ pools: c!.pools.length, undecided: c!.undecided.length }));
  };

  test.each<[string, Value, Cluster | undefined, { pools: number; undecided: number }[]]>([
    ["v1: group, kind and name, on its cluster", { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" }, one, [{ pools: 1, undecided: 0 }, { pools: 0, undecided: 0 }]],
    ["another kind", { group: "karpenter.k8s.aws", kind: "NodeClass", name: "default" }, one, [{ pools: 0, undecided: 0 }, { pools: 0, undecided: 0 }]],
    ["another name", { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "gpu" }, one, [{ pools: 0, undecided: 0 }, { pools: 0, undecided: 0 }]],
    ["v1beta1: apiVersion", { apiVersion: "karpenter.k8s.aws/v1beta1", kind: "EC2NodeClass", name: "default" }, two, [{ pools: 0, undecided: 0 }, { pools: 1, undecided: 0 }]],
    ["a name decided at apply time", { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: undecided }, one, [{ pools: 0, undecided: 1 }, { pools: 0, undecided: 0 }]],
    ["on no known cluster, two NodeClasses of its name", { name: "default" }, undefined, [{ pools: 0, undecided: 1 }, { pools: 0, undecided: 1 }]],
  ])("%s", (_name, nodeClassRef, appliedTo, expected) => {
    expect(found([ref(nodeClassRef)], appliedTo)).toEqual(expected);
  });

  test.each<[string, Value, Cluster | undefined, string[]]>([
    ["a NodeClass its cluster does not have", { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "gpu" }, one, ["EC2NodeClass gpu"]],
    ["v1beta1 without kind: an EC2NodeClass", { name: "gpu" }, two, ["EC2NodeClass gpu"]],
    ["Auto Mode's default NodeClass, which EKS makes", { group: "eks.amazonaws.com", kind: "NodeClass", name: "default" }, one, []],
    ["a custom Auto Mode NodeClass", { group: "eks.amazonaws.com", kind: "NodeClass", name: "private" }, one, ["NodeClass private"]],
    ["on no known cluster", { name: "gpu" }, undefined, []],
    ["a name decided at apply time", { name: undecided }, one, []],
  ])("without its NodeClass: %s", (_name, nodeClassRef, appliedTo, expected) => {
    expect(nodePoolsByClass(classes, [ref(nodeClassRef)], () => appliedTo).withoutClass.map((w) => w.nodeClass)).toEqual(expected);
  });

  test("a nodeClassRef decided at apply time", () => {
    expect(found([ref(undecided)], one)).toEqual([
      { pools: 0, undecided: 1 },
      { pools: 0, undecided: 0 },
    ]);
  });
});
