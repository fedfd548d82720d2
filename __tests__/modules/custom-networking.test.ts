/**
 * CustomNetworking turns VPC CNI custom networking on through the vpc-cni add-on, with a pod SG
 * that carries every rule pods need, so that the checker finds the pods' own ENIs open at synth time.
 */
import { App } from "cdktf";
import { topologyOf } from "../../checker/eks/topology";
import { buildGraph } from "../../checker/model/resource-graph";
import { CustomNetworking, KarpenterNodeClass, NodeSecurityGroup, type CustomNetworkingProps } from "../../modules";
import { fargate, group } from "./option-matrix";
import { check, clusterSgRef, findingsBesidesDetachedMarker, only, refOf, resources, rulesOn, synthJson, TestStack, VPC } from "./synth-check";

const POD_SUBNETS = { "ap-northeast-1a": "subnet-0c0d000000000000a", "ap-northeast-1c": "subnet-0c0d000000000000c" };

function customNetworking(s: TestStack, props: Partial<CustomNetworkingProps> = {}): CustomNetworking {
  return new CustomNetworking(s, "custom-networking", { cluster: s.cluster(), vpcId: VPC, region: "ap-northeast-1", podSubnets: POD_SUBNETS, ...props });
}

describe("CustomNetworking", () => {
  const app = new App({ stackTraces: false });

  test("the add-on turns custom networking on and makes one ENIConfig per zone, named by it, with the pod SG", () => {
    const s = new TestStack(app, "addon");
    const pods = customNetworking(s, { env: { ENABLE_PREFIX_DELEGATION: "true" }, addonVersion: "v1.20.4-eksbuild.1" });
    const addon = only(resources(synthJson(s), "aws_eks_addon"));
    expect(addon).toMatchObject({ addon_name: "vpc-cni", addon_version: "v1.20.4-eksbuild.1", resolve_conflicts_on_create: "OVERWRITE", resolve_conflicts_on_update: "OVERWRITE" });
    const podSg = refOf(pods.podSecurityGroup.resource, "id");
    expect(JSON.parse(String(addon.configuration_values))).toEqual({
      env: { ENABLE_PREFIX_DELEGATION: "true", AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true", ENI_CONFIG_LABEL_DEF: "topology.kubernetes.io/zone" },
      eniConfig: {
        create: true,
        region: "ap-northeast-1",
        subnets: { "ap-northeast-1a": { id: "subnet-0c0d000000000000a", securityGroups: [podSg] }, "ap-northeast-1c": { id: "subnet-0c0d000000000000c", securityGroups: [podSg] } },
      },
    });
  });

  test("the pod SG admits the control plane, CoreDNS and other pods, and the cluster SG admits the pods on 443", () => {
    const s = new TestStack(app, "rules");
    const pods = customNetworking(s);
    const json = synthJson(s);
    const podSg = refOf(pods.podSecurityGroup.resource, "id");
    const clusterSg = clusterSgRef(s.cluster());
    expect(rulesOn(json, podSg)).toEqual(
      [
        `ingress tcp 443-443 ${clusterSg}`,
        `ingress tcp 1025-65535 ${clusterSg}`,
        `ingress tcp 53-53 ${podSg}`,
        `ingress udp 53-53 ${podSg}`,
        `ingress tcp 1025-65535 ${podSg}`,
        "egress -1 all 0.0.0.0/0",
      ].sort(),
    );
    expect(rulesOn(json, clusterSg)).toEqual([`ingress tcp 443-443 ${podSg}`]);
    expect(only(resources(json, "aws_security_group"))).toMatchObject({ name_prefix: "rules-pods-", tags: { Name: "rules-pods", "kubernetes.io/cluster/rules": "owned" } });
  });

  // Nodes launched before custom networking is on keep their pods on the primary ENI until replaced.
  test.each([
    ["before", true],
    ["after", false],
  ])("a node group made %s it launches after the add-on", (_, groupFirst) => {
    const s = new TestStack(app, `order-${groupFirst}`);
    if (groupFirst) group(s, "workers", "node-sg");
    const pods = customNetworking(s);
    if (!groupFirst) group(s, "workers", "node-sg");
    const nodeGroup = only(resources(synthJson(s), "aws_eks_node_group"));
    expect(nodeGroup.depends_on).toContain(`aws_eks_addon.${s.getLogicalId(pods.addon)}`);
  });

  test("a KarpenterNodeClass's manifest is applied after the add-on", () => {
    const s = new TestStack(app, "karpenter");
    new KarpenterNodeClass(s, "node-class", { nodeSecurityGroup: new NodeSecurityGroup(s, "karpenter-sg", { cluster: s.cluster(), vpcId: VPC }), role: "KarpenterNodeRole" });
    const pods = customNetworking(s);
    expect(only(resources(synthJson(s), "kubectl_manifest")).depends_on).toEqual([`aws_eks_addon.${s.getLogicalId(pods.addon)}`]);
  });

  /** Workloads made before the CustomNetworking and after it: peering and dependencies must not depend on the order. */
  test.each<[string, (s: TestStack) => void, (s: TestStack) => void]>([
    ["a node-sg group", (s) => group(s, "workers", "node-sg"), () => undefined],
    ["a node-sg group with restricted egress", (s) => group(s, "workers", "node-sg", { nsgProps: { egress: "restricted" } }), () => undefined],
    ["a cluster-sg group", (s) => group(s, "workers", "cluster-sg"), () => undefined],
    ["a both group and Fargate kube-system", (s) => group(s, "workers", "both"), (s) => fargate(s, "kube-system", "kube-system")],
    ["two node-sg groups, one made after", (s) => group(s, "a", "node-sg"), (s) => group(s, "b", "node-sg")],
  ])("with %s the checker finds every pod flow open at synth time", (name, before, after) => {
    const plain = new TestStack(new App({ stackTraces: false }), "plain");
    before(plain);
    after(plain);
    const s = new TestStack(app, `checked-${name.replace(/[^a-z]+/g, "-")}`);
    before(s);
    const pods = customNetworking(s);
    after(s);
    const addon = `aws_eks_addon.${s.getLogicalId(pods.addon)}`;
    const podSg = `aws_security_group.${s.getLogicalId(pods.podSecurityGroup.resource)}`;
    const topology = topologyOf(buildGraph({ kind: "synth", path: s.node.id, stack: s.node.id, document: synthJson(s) as never }));
    const podNetworks = topology.clusters[0].pods.filter((p) => p.kind === "pod-network");
    expect(podNetworks.map((p) => [p.address, p.sgs.members, p.sgs.unknown])).toEqual([
      [addon, [podSg], undefined],
      [addon, [podSg], undefined],
    ]);
    const report = check(s);
    expect(findingsBesidesDetachedMarker(report)).toEqual([]);
    // Judged, not skipped: the pods' own flows add passing checks to those of the same cluster without it.
    expect(report.summary.checks).toBeGreaterThan(check(plain).summary.checks);
  });

  test.each<[string, Partial<CustomNetworkingProps> | "twice", RegExp]>([
    ["no pod subnet", { podSubnets: {} }, /podSubnets is empty/],
    ["env turning it on itself", { env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "false" } }, /env sets AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG/],
    ["env choosing the label", { env: { ENI_CONFIG_LABEL_DEF: "k8s.amazonaws.com/eniConfig" } }, /env sets ENI_CONFIG_LABEL_DEF/],
    ["a second one for the cluster", "twice", /already has a CustomNetworking/],
  ])("refuses %s", (_, props, error) => {
    const s = new TestStack(app, `refused-${_.replace(/[^a-z]+/g, "-")}`);
    if (props === "twice") {
      customNetworking(s);
      expect(() => new CustomNetworking(s, "again", { cluster: s.cluster(), vpcId: VPC, region: "ap-northeast-1", podSubnets: POD_SUBNETS })).toThrow(error);
    } else {
      expect(() => customNetworking(s, props)).toThrow(error);
    }
  });
});
