/**
 * KarpenterNodeClass writes an EC2NodeClass that selects exactly its NodeSecurityGroup, by a tag
 * known at plan time, so the checker sees which SG Karpenter's nodes get and judges them.
 */
import { Testing } from "cdktf";
import { parse } from "yaml";
import { topologyOf } from "../../checker/eks/topology";
import { buildGraph } from "../../checker/model/resource-graph";
import { Analysis, policyContext } from "../../checker/policy";
import { EksCluster, KarpenterNodeClass, NodeSecurityGroup } from "../../modules";
import apiserverToKubelet from "../../policies/apiserver-to-kubelet";
import nodeDns from "../../policies/node-dns";
import nodeToApiserver from "../../policies/node-to-apiserver";
import singleClusterTag from "../../policies/single-cluster-tag";
import { check, lines, only, resources, SUBNETS, synthJson, TestStack, VPC } from "./synth-check";

function karpenterStack(id = "karpenter") {
  const stack = new TestStack(Testing.app(), id);
  const nodes = new NodeSecurityGroup(stack, "nodes", { cluster: stack.cluster(), vpcId: VPC });
  const nodeClass = new KarpenterNodeClass(stack, "node-class", { nodeSecurityGroup: nodes, role: "KarpenterNodeRole-karpenter" });
  return { stack, nodes, nodeClass };
}

test("the manifest selects the node SG by a tag that only it carries", () => {
  const { stack } = karpenterStack();
  const json = synthJson(stack);
  const manifest = parse(String(only(resources(json, "kubectl_manifest")).yaml_body));
  expect(manifest).toMatchObject({ apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", spec: { role: "KarpenterNodeRole-karpenter" } });
  expect(manifest.spec.securityGroupSelectorTerms).toEqual([{ tags: { "eks-sg-policy/node-security-group": "karpenter/karpenter/nodes" } }]);
  const sg = only(resources(json, "aws_security_group"));
  expect(sg.tags).toMatchObject({ "eks-sg-policy/node-security-group": "karpenter/karpenter/nodes", "kubernetes.io/cluster/karpenter": "owned" });
  expect((json.terraform as { required_providers: Record<string, unknown> }).required_providers.kubectl).toEqual({ source: "alekc/kubectl", version: ">= 2.0.0" });
});

test("the checker sees the Karpenter nodes carry the node SG alone, and every flow of theirs passes", () => {
  const { stack } = karpenterStack();
  const graph = buildGraph({ kind: "synth", path: "karpenter", stack: "karpenter", document: synthJson(stack) as never });
  const [karpenter] = topologyOf(graph).clusters[0].nodes.filter((n) => n.kind === "karpenter");
  const manifest = Object.keys(resources(synthJson(stack), "kubectl_manifest"))[0];
  expect(karpenter).toMatchObject({ address: `kubectl_manifest.${manifest}`, sgs: { members: [`aws_security_group.${Object.keys(resources(synthJson(stack), "aws_security_group"))[0]}`] } });
  for (const policy of [nodeToApiserver, apiserverToKubelet, nodeDns, singleClusterTag]) {
    const results = policy.check(policyContext(new Analysis(graph), policy.meta.defaultOptions ?? {})).filter((r) => r.address === karpenter.address);
    expect(results.map((r) => `${policy.meta.id} ${r.status}`)).toEqual(expect.arrayContaining([`${policy.meta.id} pass`]));
    expect(results.filter((r) => r.status !== "pass")).toEqual([]);
  }
  expect(lines(check(stack).findings.filter((f) => f.address === karpenter.address))).toEqual([]);
});

test("a role given as a token is refused: the plan could not say which SG the nodes get", () => {
  const stack = new TestStack(Testing.app(), "token");
  const nodes = new NodeSecurityGroup(stack, "nodes", { cluster: stack.cluster(), vpcId: VPC });
  expect(() => new KarpenterNodeClass(stack, "node-class", { nodeSecurityGroup: nodes, role: stack.cluster().roleArn })).toThrow(/role is a token/);
});

test("two clusters in one stack: each NodeClass goes through its own cluster's kubectl provider, and the checker places it there", () => {
  const stack = new TestStack(Testing.app(), "blue-green");
  for (const name of ["blue", "green"]) {
    const cluster = new EksCluster(stack, `cluster-${name}`, { name, subnetIds: SUBNETS });
    const nodes = new NodeSecurityGroup(stack, `nodes-${name}`, { cluster, vpcId: VPC });
    new KarpenterNodeClass(stack, `node-class-${name}`, { nodeSecurityGroup: nodes, role: `KarpenterNodeRole-${name}` });
  }
  const json = synthJson(stack);
  // The first cluster's provider is the default one; the second's is aliased.
  const providers = (json.provider as { kubectl: { alias?: string; host: string }[] }).kubectl;
  expect(providers.map((p) => [p.alias, p.host.match(/aws_eks_cluster\.cluster-([a-z]+)_/)?.[1]])).toEqual([
    [undefined, "blue"],
    ["cluster-green", "green"],
  ]);
  const manifests = resources(json, "kubectl_manifest");
  expect(Object.entries(manifests).map(([name, m]) => [name.split("_")[0], m.provider])).toEqual([
    ["node-class-blue", "kubectl"],
    ["node-class-green", "kubectl.cluster-green"],
  ]);
  const graph = buildGraph({ kind: "synth", path: "blue-green", stack: "blue-green", document: json as never });
  const topology = topologyOf(graph);
  expect(topology.orphans).toEqual([]);
  expect(topology.clusters.map((c) => [c.name, c.nodes.filter((n) => n.kind === "karpenter").map((n) => n.address.split(".")[1].split("_")[0])])).toEqual([
    ["blue", ["node-class-blue"]],
    ["green", ["node-class-green"]],
  ]);
});

test("a second cluster's kubectl provider is aliased by its construct id, made a Terraform identifier and kept unique", () => {
  const stack = new TestStack(Testing.app(), "aliases");
  for (const [id, name] of [["blue", "blue"], ["2nd cluster", "green"], ["2nd_cluster", "red"]]) {
    const cluster = new EksCluster(stack, id, { name, subnetIds: SUBNETS });
    const nodes = new NodeSecurityGroup(stack, `nodes-${name}`, { cluster, vpcId: VPC });
    new KarpenterNodeClass(stack, `node-class-${name}`, { nodeSecurityGroup: nodes, role: `KarpenterNodeRole-${name}` });
  }
  const providers = (synthJson(stack).provider as { kubectl: { alias?: string }[] }).kubectl;
  expect(providers.map((p) => p.alias)).toEqual([undefined, "cluster_2nd_cluster", "cluster_2nd_cluster_2"]);
});
