/** ENI classes: each set of ENIs that one thing launches, with the SGs that end up on them. */
import type { IpFamily } from "./cidr";
import type { SgKey, SgSet } from "./security-groups";
import type { SubnetSet } from "./subnets";

/**
 * What launched an ENI class: the control plane, managed node groups, self-managed ASGs, Fargate
 * profiles, Karpenter `EC2NodeClass`es, EKS Auto Mode (its built-in pools or a `NodeClass`), hybrid
 * nodes, and pods with a `SecurityGroupPolicy`. `public-endpoint` is not an ENI: it stands for the
 * API's public endpoint as a flow destination.
 */
export type EniClassKind = "control-plane" | "managed" | "self-managed" | "fargate" | "karpenter" | "auto-mode" | "hybrid" | "pod" | "public-endpoint";

export interface EniClass {
  /**
   * Stable id: `control-plane(<cluster>)`, `managed(<node group>)`, `self-managed(<asg>)`,
   * `fargate(<profile>)`, `karpenter(<manifest>)`, `auto-mode(<cluster or manifest>)`,
   * `hybrid(<cluster>)`, `pod(<manifest>)`.
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
  /** For an ASG whose instances start from templates with different SGs: the template of this class. */
  readonly viaTemplate?: string;
  /** True when the SG set comes from a launch template that names SGs (the cluster SG is then not added). */
  readonly sgsFromLaunchTemplate: boolean;
  /** Can CoreDNS run here: every EC2 node class, and Fargate profiles selecting kube-system. */
  readonly hostsCoreDns: boolean;
  /** Pods here resolve names on their own node, not through CoreDNS (EKS Auto Mode). */
  readonly resolvesDnsLocally?: boolean;
  /** Set for ENIs outside the VPC (hybrid nodes): its own side of a flow is a firewall the plan does not hold. */
  readonly outsideVpc?: string;
}

export class Cluster {
  /** Node classes: managed, self-managed, Fargate, Karpenter, Auto Mode, hybrid. */
  readonly nodes: EniClass[] = [];
  /** Pods with their own SGs (`SecurityGroupPolicy`), on the EC2 nodes of the cluster. */
  readonly pods: EniClass[] = [];
  readonly controlPlane: EniClass;

  constructor(
    readonly address: string,
    readonly name: string | undefined,
    readonly clusterSg: SgKey,
    /** The family pods, services and kubelets use (`kubernetes_network_config.ip_family`). */
    readonly ipFamily: IpFamily,
    controlPlane: Omit<EniClass, "cluster">,
  ) {
    this.controlPlane = { ...controlPlane, cluster: this };
  }
}
