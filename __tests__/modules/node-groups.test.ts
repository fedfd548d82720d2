/**
 * ManagedNodeGroup, NodeSecurityGroup and FargateProfile together: a matrix of SG choices and
 * options, each checked by the whole pack, then the exact SGs and rules each choice makes, and the
 * combinations the constructs refuse.
 */
import { App } from "cdktf";
import { FargateProfile, ManagedNodeGroup, NodeSecurityGroup, type ManagedNodeGroupProps } from "../../modules";
import { fargate, group, MATRIX, ssh } from "./option-matrix";
import { BASTION_SG, check, clusterSgRef, findingsBesidesDetachedMarker, only, refOf, resources, rulesOn, SUBNETS, synthJson, TestStack, VPC } from "./synth-check";

describe("the whole pack passes every option combination", () => {
  const app = new App({ stackTraces: false });
  test.each(MATRIX.map((c, i) => [c.name, i] as const))("%s", (_, i) => {
    const { build, options } = MATRIX[i];
    const s = new TestStack(app, `matrix-${i}`);
    build(s);
    const report = check(s, options);
    expect(findingsBesidesDetachedMarker(report)).toEqual([]);
    // The only marker left is cluster-sg-detached on exactly the node groups that drop the cluster SG.
    const detached = s.node.findAll().filter((c): c is ManagedNodeGroup => c instanceof ManagedNodeGroup && !c.carriesClusterSecurityGroup);
    expect(report.findings.map((f) => f.address).sort()).toEqual(detached.map((g) => `aws_eks_node_group.${s.getLogicalId(g.resource)}`).sort());
    expect(report.summary.checks).toBeGreaterThan(0);
    // Validations pass too (they run in `cdktf synth`).
    expect(() => synthJson(s, true)).not.toThrow();
  });
});

describe("which SGs land on the nodes", () => {
  const app = new App({ stackTraces: false });
  let n = 0;
  const stack = () => new TestStack(app, `sgs-${++n}`);
  const templateSgs = (s: TestStack, g: ManagedNodeGroup) => resources(synthJson(s), "aws_launch_template")[s.getLogicalId(g.launchTemplate)].vpc_security_group_ids;
  const tagsOf = (s: TestStack, nsg: NodeSecurityGroup) => resources(synthJson(s), "aws_security_group")[s.getLogicalId(nsg.resource)].tags;

  test("cluster-sg: the launch template lists no SG, so EKS attaches the cluster SG; IMDSv2 with hop limit 2", () => {
    const s = stack();
    const g = group(s, "workers", "cluster-sg");
    expect(templateSgs(s, g)).toBeUndefined();
    expect(resources(synthJson(s), "aws_launch_template")[s.getLogicalId(g.launchTemplate)].metadata_options).toEqual({ http_endpoint: "enabled", http_put_response_hop_limit: 2, http_tokens: "required" });
    expect(g.carriesClusterSecurityGroup).toBe(true);
    expect(only(resources(synthJson(s), "aws_eks_node_group")).remote_access).toBeUndefined();
  });

  test("cluster-sg with SSH: the cluster SG and an SSH SG, key in the launch template, no remote_access", () => {
    const s = stack();
    const g = group(s, "workers", "cluster-sg", { ssh });
    const cluster = s.cluster();
    expect(templateSgs(s, g)).toEqual([clusterSgRef(cluster), refOf(g.sshSecurityGroup!, "id")]);
    const json = synthJson(s);
    expect(resources(json, "aws_launch_template")[s.getLogicalId(g.launchTemplate)].key_name).toBe("ops");
    expect(only(resources(json, "aws_eks_node_group")).remote_access).toBeUndefined();
    expect(rulesOn(json, refOf(g.sshSecurityGroup!, "id"))).toEqual([`ingress tcp 22-22 ${BASTION_SG}`]);
  });

  test("node-sg: only the node SG, tagged kubernetes.io/cluster/<name>", () => {
    const s = stack();
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster: s.cluster(), vpcId: VPC });
    const g = group(s, "workers", "node-sg", { nsg });
    expect(templateSgs(s, g)).toEqual([refOf(nsg.resource, "id")]);
    expect(tagsOf(s, nsg)).toEqual({ Name: `${s.node.id}-nodes`, [`kubernetes.io/cluster/${s.node.id}`]: "owned" });
  });

  test("both: the cluster SG and the node SG, which stays untagged", () => {
    const s = stack();
    const cluster = s.cluster();
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster, vpcId: VPC });
    const g = group(s, "workers", "both", { nsg });
    expect(templateSgs(s, g)).toEqual([clusterSgRef(cluster), refOf(nsg.resource, "id")]);
    expect(tagsOf(s, nsg)).toEqual({ Name: `${s.node.id}-nodes` });
  });

  test("node-sg with nothing else on the cluster SG: the only rule on the cluster SG is 443 from the nodes", () => {
    const s = stack();
    const cluster = s.cluster({ additionalSecurityGroupIds: [BASTION_SG] });
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster, vpcId: VPC });
    group(s, "workers", "node-sg", { nsg });
    const json = synthJson(s);
    const self = refOf(nsg.resource, "id");
    const clusterSg = clusterSgRef(cluster);
    expect(rulesOn(json, clusterSg)).toEqual([`ingress tcp 443-443 ${self}`]);
    expect(rulesOn(json, self)).toEqual(
      [
        "egress -1 all 0.0.0.0/0",
        `ingress tcp 443-443 ${clusterSg}`,
        `ingress tcp 1025-65535 ${clusterSg}`,
        `ingress tcp 443-443 ${BASTION_SG}`,
        `ingress tcp 1025-65535 ${BASTION_SG}`,
        `ingress tcp 53-53 ${self}`,
        `ingress udp 53-53 ${self}`,
        `ingress tcp 1025-65535 ${self}`,
      ].sort(),
    );
  });

  test.each([
    ["a Fargate profile made after the node SG", (s: TestStack) => fargate(s, "kube-system", "kube-system"), "after"],
    ["a Fargate profile made before the node SG", (s: TestStack) => fargate(s, "kube-system", "kube-system"), "before"],
    ["a cluster-sg node group", (s: TestStack) => group(s, "other", "cluster-sg"), "after"],
    ["markClusterSecurityGroupOnWorkloads", (s: TestStack) => s.cluster().markClusterSecurityGroupOnWorkloads("self-managed nodes listing the cluster SG"), "after"],
  ] as const)("with %s, DNS and high ports open between the node SG and the cluster SG, both ways", (_, addWorkload, when) => {
    const s = stack();
    const cluster = s.cluster();
    if (when === "before") addWorkload(s);
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster, vpcId: VPC });
    group(s, "workers", "node-sg", { nsg });
    if (when === "after") addWorkload(s);
    const json = synthJson(s);
    const self = refOf(nsg.resource, "id");
    const clusterSg = clusterSgRef(cluster);
    expect(rulesOn(json, clusterSg)).toEqual([`ingress tcp 1025-65535 ${self}`, `ingress tcp 443-443 ${self}`, `ingress tcp 53-53 ${self}`, `ingress udp 53-53 ${self}`]);
    expect(rulesOn(json, self)).toEqual(expect.arrayContaining([`ingress tcp 53-53 ${clusterSg}`, `ingress udp 53-53 ${clusterSg}`, `ingress tcp 1025-65535 ${clusterSg}`]));
    expect(cluster.clusterSecurityGroupWorkloads).toHaveLength(1);
  });

  test("restricted egress: 443, 53 and high ports to the cluster SG and itself, 443 to the internet, nothing else", () => {
    const s = stack();
    const cluster = s.cluster();
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster, vpcId: VPC, egress: "restricted" });
    const self = refOf(nsg.resource, "id");
    const clusterSg = clusterSgRef(cluster);
    const egress = rulesOn(synthJson(s), self).filter((r) => r.startsWith("egress"));
    expect(egress).toEqual(
      [
        "egress tcp 443-443 0.0.0.0/0",
        ...[clusterSg, self].flatMap((peer) => [`egress tcp 443-443 ${peer}`, `egress tcp 53-53 ${peer}`, `egress udp 53-53 ${peer}`, `egress tcp 1025-65535 ${peer}`]),
      ].sort(),
    );
  });

  test("two node SGs of one cluster admit each other (and send to each other when restricted)", () => {
    const s = stack();
    const cluster = s.cluster();
    const a = new NodeSecurityGroup(s, "a", { cluster, vpcId: VPC });
    const b = new NodeSecurityGroup(s, "b", { cluster, vpcId: VPC, egress: "restricted" });
    const json = synthJson(s);
    const [ra, rb] = [refOf(a.resource, "id"), refOf(b.resource, "id")];
    for (const [on, from] of [[ra, rb], [rb, ra]]) {
      expect(rulesOn(json, on)).toEqual(expect.arrayContaining([`ingress tcp 53-53 ${from}`, `ingress udp 53-53 ${from}`, `ingress tcp 1025-65535 ${from}`]));
    }
    expect(rulesOn(json, rb)).toEqual(expect.arrayContaining([`egress tcp 53-53 ${ra}`, `egress udp 53-53 ${ra}`, `egress tcp 1025-65535 ${ra}`]));
    expect(rulesOn(json, ra).filter((r) => r.startsWith("egress"))).toEqual(["egress -1 all 0.0.0.0/0"]);
  });

  test("a shared node SG is untagged once a group puts it next to the cluster SG", () => {
    const s = stack();
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster: s.cluster(), vpcId: VPC });
    group(s, "a", "node-sg", { nsg });
    expect(nsg.taggedWithClusterName).toBe(true);
    group(s, "b", "both", { nsg });
    expect(nsg.taggedWithClusterName).toBe(false);
    expect(tagsOf(s, nsg)).toEqual({ Name: `${s.node.id}-nodes` });
    expect(nsg.attachedBy.map((a) => a.withClusterSg)).toEqual([false, true]);
  });

  test("addIngressRule and addEgressRule add rule resources to the node SG", () => {
    const s = stack();
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster: s.cluster(), vpcId: VPC, egress: "restricted" });
    nsg.addIngressRule("nodeports-from-alb", { peer: { securityGroupId: "sg-0a1b0000000000005" }, protocol: "tcp", fromPort: 30000, toPort: 32767 });
    nsg.addEgressRule("postgres", { peer: { cidrIpv4: "10.0.64.0/20" }, protocol: "tcp", fromPort: 5432 });
    const rules = rulesOn(synthJson(s), refOf(nsg.resource, "id"));
    expect(rules).toEqual(expect.arrayContaining(["ingress tcp 30000-32767 sg-0a1b0000000000005", "egress tcp 5432-5432 10.0.64.0/20"]));
  });
});

describe("combinations the constructs refuse", () => {
  const app = new App({ stackTraces: false });
  let n = 0;
  const stack = () => new TestStack(app, `refuse-${++n}`);

  test("a tagged node SG together with the cluster SG", () => {
    const s = stack();
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster: s.cluster(), vpcId: VPC, tagWithClusterName: true });
    expect(() => group(s, "workers", "both", { nsg })).toThrow(/puts this node SG next to the cluster SG, and both carry the tag kubernetes\.io\/cluster\/refuse-\d+.*expect exactly one securityGroup tagged.*Fix: drop tagWithClusterName: true/);
  });

  test.each([
    ["SSH from 0.0.0.0/0", { keyName: "ops", sourceCidrs: ["0.0.0.0/0"], vpcId: VPC }, /ssh\.sourceCidrs contains 0\.0\.0\.0\/0: SSH from the whole internet.*Fix: allow SSH only from a bastion SG/],
    ["SSH from ::/0", { keyName: "ops", sourceCidrs: ["10.0.0.0/8", "::/0"], vpcId: VPC }, /SSH from the whole internet/],
    ["SSH with a key and no sources", { keyName: "ops", vpcId: VPC }, /no sourceSecurityGroupIds or sourceCidrs.*remote_access would open it to 0\.0\.0\.0\/0.*Fix: list the bastion SGs/],
    ["a CIDR among the source SGs", { keyName: "ops", sourceSecurityGroupIds: ["0.0.0.0/0"], vpcId: VPC }, /"0\.0\.0\.0\/0", which is not an SG id/],
  ])("%s", (_, sshProps, message) => {
    const s = stack();
    expect(() => group(s, "workers", "node-sg", { ssh: sshProps })).toThrow(message);
  });

  test("an IMDS hop limit above 2", () => {
    expect(() => group(stack(), "workers", "cluster-sg", { metadataHopLimit: 3 as 2 })).toThrow(/metadataHopLimit is 3.*Fix: use 2 .* or 1/);
  });

  test("no SG choice", () => {
    const s = stack();
    expect(() => new ManagedNodeGroup(s, "workers", { cluster: s.cluster(), subnetIds: SUBNETS } as unknown as ManagedNodeGroupProps)).toThrow(/securityGroups must say which SGs the nodes carry/);
  });

  test("a node SG of another cluster", () => {
    const s = stack();
    const other = new TestStack(app, `refuse-other-${n}`).cluster({ name: "other" });
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster: other, vpcId: VPC });
    expect(() => group(s, "workers", "node-sg", { nsg })).toThrow(/belongs to cluster other, not refuse-\d+.*Fix: make a NodeSecurityGroup for this cluster/);
  });

  test("node SG ingress from the whole internet", () => {
    const s = stack();
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster: s.cluster(), vpcId: VPC });
    expect(() => nsg.addIngressRule("nodeports", { peer: { cidrIpv4: "0.0.0.0/0" }, protocol: "tcp", fromPort: 30000, toPort: 32767 })).toThrow(/node SG rule "nodeports" admits 0\.0\.0\.0\/0, the whole internet/);
    expect(() => nsg.addIngressRule("no-port", { peer: { securityGroupId: BASTION_SG }, protocol: "tcp" })).toThrow(/needs fromPort/);
  });

  test("scaling out of order", () => {
    expect(() => group(stack(), "workers", "cluster-sg", { scaling: { minSize: 3, desiredSize: 2, maxSize: 4 } })).toThrow(/minSize <= desiredSize <= maxSize/);
  });

  test.each([
    ["no selectors", []],
    ["six selectors", Array.from({ length: 6 }, (_, i) => ({ namespace: `ns${i}` }))],
    ["an empty namespace", [{ namespace: "" }]],
  ])("a Fargate profile with %s", (_, selectors) => {
    const s = stack();
    expect(() => new FargateProfile(s, "apps", { cluster: s.cluster(), subnetIds: SUBNETS, selectors })).toThrow(/selector/);
  });

  test("at synth: a shared node SG untagged for a both group, on a node-sg group whose nodes carry a second SG", () => {
    const s = stack();
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster: s.cluster(), vpcId: VPC });
    group(s, "a", "node-sg", { nsg, ssh });
    group(s, "b", "both", { nsg });
    expect(() => synthJson(s, true)).toThrow(/refuse-\d+\/a puts 2 SGs on its nodes without the cluster SG, and none carries kubernetes\.io\/cluster\/.*Fix: give that node group its own NodeSecurityGroup/);
  });

  test("at synth: an explicitly untagged node SG on a node-sg group whose nodes carry a second SG", () => {
    const s = stack();
    const nsg = new NodeSecurityGroup(s, "nodes", { cluster: s.cluster(), vpcId: VPC, tagWithClusterName: false });
    group(s, "a", "node-sg", { nsg, ssh });
    expect(() => synthJson(s, true)).toThrow(/puts 2 SGs on its nodes without the cluster SG.*untagged by tagWithClusterName: false/);
  });
});
