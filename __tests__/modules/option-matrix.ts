/**
 * The option matrix of the constructs: node groups with each SG choice and option, Fargate, and
 * mixes of them. The unit tests check each at synth time; the end-to-end test plans each with terraform.
 */
import { FargateProfile, KarpenterNodeClass, ManagedNodeGroup, NodeSecurityGroup, type ManagedNodeGroupProps, type NodeSecurityGroupProps } from "../../modules";
import { BASTION_SG, check, SUBNETS, TestStack, VPC } from "./synth-check";

export type Kind = "cluster-sg" | "node-sg" | "both";

/** A node group with the given SG kind (making a node SG when the kind needs one). */
export function group(s: TestStack, id: string, kind: Kind, extra: Partial<ManagedNodeGroupProps> & { nsg?: NodeSecurityGroup; nsgProps?: Partial<NodeSecurityGroupProps> } = {}): ManagedNodeGroup {
  const cluster = s.cluster();
  const { nsg, nsgProps, ...props } = extra;
  const securityGroups =
    kind === "cluster-sg" ? { kind } : { kind, nodeSecurityGroup: nsg ?? new NodeSecurityGroup(s, `${id}-sg`, { cluster, vpcId: VPC, ...nsgProps }) };
  return new ManagedNodeGroup(s, id, { cluster, subnetIds: SUBNETS, securityGroups, ...props });
}

export function fargate(s: TestStack, id: string, namespace: string): FargateProfile {
  const cluster = s.cluster();
  return new FargateProfile(s, id, { cluster, subnetIds: SUBNETS, selectors: [{ namespace }] });
}

export const ssh = { keyName: "ops", sourceSecurityGroupIds: [BASTION_SG], vpcId: VPC };

export interface MatrixCase {
  readonly name: string;
  readonly build: (s: TestStack) => void;
  /** Policy options to check with (e.g. the stricter IMDS hop limit). */
  readonly options?: Parameters<typeof check>[1];
}

export const MATRIX: MatrixCase[] = [
  { name: "cluster-sg", build: (s) => group(s, "workers", "cluster-sg") },
  { name: "cluster-sg, hop limit 1 (checked with maxHopLimit 1)", build: (s) => group(s, "workers", "cluster-sg", { metadataHopLimit: 1 }), options: { policyOptions: { "node-imdsv2": { maxHopLimit: 1 } } } },
  { name: "cluster-sg, SSH from a bastion SG", build: (s) => group(s, "workers", "cluster-sg", { ssh }) },
  { name: "node-sg, egress all", build: (s) => group(s, "workers", "node-sg") },
  { name: "node-sg, restricted egress", build: (s) => group(s, "workers", "node-sg", { nsgProps: { egress: "restricted" } }) },
  {
    name: "node-sg, restricted egress, hop limit 1, SSH from a bastion SG and a VPN CIDR",
    build: (s) => group(s, "workers", "node-sg", { metadataHopLimit: 1, ssh: { ...ssh, sourceCidrs: ["10.8.0.0/16"] }, nsgProps: { egress: "restricted" } }),
    options: { policyOptions: { "node-imdsv2": { maxHopLimit: 1 } } },
  },
  { name: "node-sg, additional control-plane SGs", build: (s) => (s.cluster({ additionalSecurityGroupIds: [BASTION_SG, "sg-0b1a5710000000002"] }), group(s, "workers", "node-sg")) },
  { name: "node-sg, given node role, all traffic between nodes", build: (s) => group(s, "workers", "node-sg", { nodeRoleArn: "arn:aws:iam::111122223333:role/nodes", nsgProps: { allowAllTrafficBetweenNodes: true, egress: "restricted" } }) },
  { name: "node-sg, explicitly untagged (one SG on the nodes)", build: (s) => group(s, "workers", "node-sg", { nsgProps: { tagWithClusterName: false } }) },
  { name: "node-sg, public endpoint to listed CIDRs", build: (s) => (s.cluster({ publicAccessCidrs: ["203.0.113.0/24"] }), group(s, "workers", "node-sg", { nsgProps: { egress: "restricted" } })) },
  { name: "both", build: (s) => group(s, "workers", "both") },
  { name: "both, restricted egress, SSH from a VPN CIDR", build: (s) => group(s, "workers", "both", { ssh: { keyName: "ops", sourceCidrs: ["10.8.0.0/16"], vpcId: VPC }, nsgProps: { egress: "restricted" } }) },
  { name: "Fargate only (kube-system and apps)", build: (s) => (fargate(s, "kube-system", "kube-system"), fargate(s, "apps", "apps")) },
  { name: "Fargate only, given pod execution role", build: (s) => new FargateProfile(s, "apps", { cluster: s.cluster(), subnetIds: SUBNETS, selectors: [{ namespace: "kube-system" }, { namespace: "apps", labels: { team: "a" } }], podExecutionRoleArn: "arn:aws:iam::111122223333:role/fargate" }) },
  { name: "mixed: node-sg, then Fargate kube-system", build: (s) => (group(s, "apps", "node-sg"), fargate(s, "kube-system", "kube-system")) },
  { name: "mixed: Fargate kube-system first, then node-sg with restricted egress", build: (s) => (fargate(s, "kube-system", "kube-system"), group(s, "apps", "node-sg", { nsgProps: { egress: "restricted" } })) },
  { name: "mixed: node-sg and a Fargate apps profile (CoreDNS on the nodes)", build: (s) => (group(s, "system", "node-sg"), fargate(s, "apps", "apps")) },
  {
    name: "two node SGs (one restricted) and Fargate kube-system",
    build: (s) => (group(s, "a", "node-sg"), group(s, "b", "node-sg", { nsgProps: { egress: "restricted" } }), fargate(s, "kube-system", "kube-system")),
  },
  { name: "node-sg next to a cluster-sg group", build: (s) => (group(s, "a", "node-sg", { nsgProps: { egress: "restricted" } }), group(s, "b", "cluster-sg")) },
  { name: "one node SG shared by a node-sg group and a both group", build: (s) => { const nsg = new NodeSecurityGroup(s, "shared", { cluster: s.cluster(), vpcId: VPC }); group(s, "a", "node-sg", { nsg }); group(s, "b", "both", { nsg }); } },
  { name: "everything: cluster-sg, node-sg, both and Fargate", build: (s) => (group(s, "a", "cluster-sg", { ssh }), group(s, "b", "node-sg", { ssh }), group(s, "c", "both"), fargate(s, "kube-system", "kube-system")) },
  {
    // Karpenter's nodes on their own node SG, next to a cluster-SG node group that runs the controller.
    name: "Karpenter EC2NodeClass selecting its node SG, with a cluster-sg node group",
    build: (s) => {
      group(s, "system", "cluster-sg");
      new KarpenterNodeClass(s, "karpenter", { nodeSecurityGroup: new NodeSecurityGroup(s, "karpenter-sg", { cluster: s.cluster(), vpcId: VPC }), role: "KarpenterNodeRole" });
    },
  },
];

