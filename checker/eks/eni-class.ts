/** ENI classes: each set of ENIs that one thing launches, with the SGs that end up on them. */
import type { ResourceInstance } from "../model/resource-instance";
import type { Value } from "../model/value";
import type { IpFamily } from "./cidr";
import type { KubernetesObject } from "./manifests";
import type { NodePoolsOfClass } from "./node-pools";
import type { SgKey, SgSet } from "./security-groups";
import type { SubnetSet } from "./subnets";

/**
 * What launched an ENI class: the control plane, managed node groups, self-managed ASGs, Fargate
 * profiles, Karpenter `EC2NodeClass`es, EKS Auto Mode (its built-in pools or a `NodeClass`), hybrid
 * nodes, pods with a `SecurityGroupPolicy`, and pods on ENIs of their own (VPC CNI custom
 * networking's `ENIConfig`, an Auto Mode NodeClass's `podSecurityGroupSelectorTerms`).
 * `public-endpoint` is not an ENI: it stands for the API's public endpoint as a flow destination.
 * `vpc-endpoint` is the ENIs of an interface VPC endpoint in the cluster's VPC, as a flow destination.
 */
export type EniClassKind = "control-plane" | "managed" | "self-managed" | "fargate" | "karpenter" | "auto-mode" | "hybrid" | "pod" | "pod-network" | "public-endpoint" | "vpc-endpoint";

export interface EniClass {
  /**
   * Stable id: `control-plane(<cluster>)`, `managed(<node group>)`, `self-managed(<asg>)`,
   * `fargate(<profile>)`, `karpenter(<manifest>)`, `auto-mode(<cluster or manifest>)`,
   * `hybrid(<cluster>)`, `pod(<manifest>)`, `pod-network(<manifest or vpc-cni add-on>)`.
   */
  readonly id: string;
  readonly kind: EniClassKind;
  /** The resource the class comes from; findings about node traffic are addressed to it. */
  readonly address: string;
  readonly cluster: Cluster;
  /** The SGs on its ENIs; `unknown` says what the plan leaves open. */
  readonly sgs: SgSet;
  readonly subnets: SubnetSet;
  /** The launch templates it starts from (EC2 node classes). */
  readonly launchTemplates: readonly string[];
  /** By launch template address, the version its group asks for (launch-template-versions.ts). */
  readonly launchTemplateVersions?: ReadonlyMap<string, Value | undefined>;
  /** For an ASG whose instances start from templates with different SGs: the template of this class. */
  readonly viaTemplate?: string;
  /** True when the SG set comes from a launch template that names SGs (the cluster SG is then not added). */
  readonly sgsFromLaunchTemplate: boolean;
  /**
   * Set when the nodes launch a launch-template version older than the one the plan makes, with
   * other SGs (launch-template-versions.ts): which, and why. `sgs` are that version's.
   */
  readonly keptTemplateVersion?: string;
  /** Can CoreDNS run here: every EC2 node class, Fargate profiles selecting kube-system, custom networking's pod ENIs. */
  readonly hostsCoreDns: boolean;
  /** Pods here resolve names on their own node, not through CoreDNS (EKS Auto Mode). */
  readonly resolvesDnsLocally?: boolean;
  /** Set when this class's pods have ENIs of their own (an Auto Mode NodeClass's `podSecurityGroupSelectorTerms`). */
  readonly podsElsewhere?: boolean;
  /** For a Karpenter or Auto Mode NodeClass: the NodePools of the plan that launch its nodes. */
  readonly nodePools?: NodePoolsOfClass;
  /** Set for ENIs outside the VPC (hybrid nodes): its own side of a flow is a firewall the plan does not hold. */
  readonly outsideVpc?: string;
  /**
   * Set on the Fargate pods of a SecurityGroupPolicy (its address), which carry its SGs in place of
   * the cluster SG. Like its pods on EC2 they are asked for the control plane and DNS, not for the
   * workload's traffic with other node classes (node-to-node, webhooks): isolating it is the point.
   */
  readonly securityGroupPolicy?: string;
}

export class Cluster {
  /** Node classes: managed, self-managed, Fargate, Karpenter, Auto Mode, hybrid. */
  readonly nodes: EniClass[] = [];
  /**
   * Pods with SGs of their own: a `SecurityGroupPolicy`'s (kind `pod`), and pods on ENIs of their
   * own (kind `pod-network`: custom networking's ENIConfigs, an Auto Mode NodeClass's pod SGs).
   */
  readonly pods: EniClass[] = [];
  /**
   * False when custom networking puts every pod of the EC2 nodes on pod ENIs with an ENIConfig's
   * SGs: the nodes' own SGs then carry only the kubelet and host-network pods.
   */
  podsOnNodes = true;
  /** Set when VPC CNI custom networking is on (pod-networks.ts): how its EC2 nodes pick their ENIConfig. */
  customNetworking?: CustomNetworking;
  readonly controlPlane: EniClass;
  /** The cluster's address: its `aws_eks_cluster`, or the `data "aws_eks_cluster"` that read it. */
  readonly address: string;
  /**
   * True for a cluster made elsewhere that a data source of the plan read: its control plane is
   * modelled from the values read, and of the cluster SG's rules the plan holds only EKS's own and
   * those it adds; nodes the cluster itself brings (Auto Mode's built-in pools, hybrid nodes) are
   * the business of the stack that makes it.
   */
  readonly madeElsewhere: boolean;

  constructor(
    /** The `aws_eks_cluster` resource, or the data source that read the cluster. */
    readonly instance: ResourceInstance,
    readonly name: string | undefined,
    readonly clusterSg: SgKey,
    /** The family pods, services and kubelets use (`kubernetes_network_config.ip_family`). */
    readonly ipFamily: IpFamily,
    controlPlane: Omit<EniClass, "cluster">,
  ) {
    this.address = instance.address;
    this.madeElsewhere = instance.mode === "data";
    this.controlPlane = { ...controlPlane, cluster: this };
  }
}

/** A cluster's custom networking as the plan sets it up. */
export interface CustomNetworking {
  /** The vpc-cni add-on or aws-vpc-cni release that turns it on. */
  readonly address: string;
  /** aws-node's environment, which says how a node picks its ENIConfig (ENI_CONFIG_LABEL_DEF). */
  readonly env: ReadonlyMap<string, string>;
  /** The cluster's ENIConfigs in the plan: manifests, and those an `eniConfig` block makes. */
  readonly eniConfigs: readonly KubernetesObject[];
  /** Set when a manifest decided at apply time may be one more of them. */
  readonly undecided: boolean;
}

/** EC2 nodes, whose pods the VPC CNI places (Fargate, Auto Mode and hybrid nodes network pods their own way). */
export function runsVpcCni(node: EniClass): boolean {
  return node.kind === "managed" || node.kind === "self-managed" || node.kind === "karpenter";
}

/** Whether pods on a node class use its SGs: not when custom networking or its NodeClass gives them ENIs of their own. */
export function podsUseNodeSgs(node: EniClass): boolean {
  return !node.podsElsewhere && (node.cluster.podsOnNodes || !runsVpcCni(node));
}

/** The pod ENI classes of a cluster: custom networking's ENIConfigs, Auto Mode NodeClasses' pod SGs. */
export function podNetworksOf(cluster: Cluster): EniClass[] {
  return cluster.pods.filter((pod) => pod.kind === "pod-network");
}
