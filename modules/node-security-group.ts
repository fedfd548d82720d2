/**
 * A security group for the EC2 nodes of one cluster that carries every rule the nodes need, on
 * both ends.
 *
 * Once a launch template names a node SG, EKS puts **only** the launch template's SGs on the
 * nodes: the cluster SG — which admits everything from itself and is on the control plane and on
 * Fargate pods — is gone from them. Every flow to and from the nodes then depends on the node
 * SG's rules, and on rules that admit the node SG on the cluster SG. This construct writes both:
 *
 * | rule | on | why |
 * | --- | --- | --- |
 * | in TCP 443, 1025–65535 from the cluster SG and each additional SG | node SG | the API server calls the kubelet (10250) and webhooks (443, 4443, 6443, 8443, 9443, 10251) |
 * | in TCP 53, UDP 53, TCP 1025–65535 from itself | node SG | CoreDNS and pod-to-pod traffic between these nodes |
 * | in TCP 443 from the node SG | cluster SG | nodes register with and call the API server through the control-plane ENIs |
 * | out: all to 0.0.0.0/0 (default), or the restricted set | node SG | Terraform removes AWS's default egress from every SG it makes |
 *
 * When something else of the cluster carries the cluster SG (a `FargateProfile`, a
 * `ManagedNodeGroup` of kind `cluster-sg` or `both`, or `cluster.markClusterSecurityGroupOnWorkloads`),
 * it also adds DNS and node-to-node rules between the two: in TCP/UDP 53 from the cluster SG on the
 * node SG, and in TCP/UDP 53 and TCP 1025–65535 from the node SG on the cluster SG. Two
 * `NodeSecurityGroup`s of one cluster admit each other on TCP/UDP 53 and TCP 1025–65535.
 */
import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { joinAsNodeSg, type NodeSgMember } from "./cluster-membership";
import type { EksCluster } from "./eks-cluster";
import { configError } from "./errors";
import { addRule, checkRule, type RuleDirection, type RuleSpec } from "./peers";

/**
 * - `all`: one rule, all protocols to 0.0.0.0/0 — what nodes usually need (images from any
 *   registry, AWS APIs, NTP over the internet);
 * - `restricted`: TCP 443, TCP/UDP 53 and TCP 1025–65535 to the cluster SG and to the node SG
 *   itself (API server, CoreDNS, pods and kubelets on other nodes and Fargate), and TCP 443 to
 *   0.0.0.0/0 (EKS, EC2, ECR, S3 and STS endpoints). Enough for nodes that pull from ECR; DNS to
 *   the VPC resolver, IMDS and Amazon Time Sync are not filtered by SGs.
 */
export type NodeEgress = "all" | "restricted";

export interface NodeSecurityGroupProps {
  /** The cluster whose nodes carry this SG; its cluster SG and additional SGs are the rules' peers. */
  readonly cluster: EksCluster;

  /** The cluster's VPC. */
  readonly vpcId: string;

  /** Default `<cluster name>-nodes-` (Terraform appends a unique suffix). */
  readonly namePrefix?: string;

  readonly description?: string;

  /** What the nodes may send. Default `all`. See `NodeEgress`. */
  readonly egress?: NodeEgress;

  /**
   * Whether the SG carries `kubernetes.io/cluster/<name> = owned`. The AWS Load Balancer Controller
   * needs exactly one SG tagged so on each node ENI, and the cluster SG always carries it. Default:
   * tagged, unless a `ManagedNodeGroup` of kind `both` puts it next to the cluster SG. `true`
   * together with kind `both` throws (two tagged SGs on one ENI).
   */
  readonly tagWithClusterName?: boolean;

  /**
   * Admit all protocols and ports between nodes carrying this SG (AWS's "strongly recommended"
   * inter-node rule), instead of TCP/UDP 53 and TCP 1025–65535 only. Default `false`.
   */
  readonly allowAllTrafficBetweenNodes?: boolean;

  readonly tags?: Record<string, string>;
}

/** Node-to-node ports every node class must open to the others: CoreDNS and the high ports. */
const PEER_PORTS: readonly { readonly key: string; readonly spec: Omit<RuleSpec, "peer" | "description">; readonly why: string }[] = [
  { key: "dns-tcp", spec: { protocol: "tcp", fromPort: 53, toPort: 53 }, why: "CoreDNS (TCP)" },
  { key: "dns-udp", spec: { protocol: "udp", fromPort: 53, toPort: 53 }, why: "CoreDNS (UDP)" },
  { key: "high", spec: { protocol: "tcp", fromPort: 1025, toPort: 65535 }, why: "pods, kubelets and webhooks (TCP 1025-65535)" },
];

/** What the control plane must reach on nodes: webhooks on 443, and 1025–65535 (kubelet 10250, webhooks 4443, 6443, 8443, 9443, 10251). */
const FROM_CONTROL_PLANE: readonly { readonly key: string; readonly spec: Omit<RuleSpec, "peer" | "description">; readonly why: string }[] = [
  { key: "https", spec: { protocol: "tcp", fromPort: 443, toPort: 443 }, why: "webhooks and aggregated APIs on 443" },
  { key: "high", spec: { protocol: "tcp", fromPort: 1025, toPort: 65535 }, why: "kubelet (10250) and webhooks (4443, 6443, 8443, 9443, 10251)" },
];

/** How a node group puts this SG on its nodes. */
export interface NodeSgAttachment {
  /** Who attaches it (a construct path or any label), for messages. */
  readonly by: string;
  /** True when the nodes also carry the cluster SG: this SG must then not be tagged. */
  readonly withClusterSg: boolean;
  /** How many SGs the nodes carry in all (this one included). */
  readonly securityGroupCount: number;
}

export class NodeSecurityGroup extends Construct {
  /** The `aws_security_group` resource (escape hatch). */
  readonly resource: SecurityGroup;
  readonly securityGroupId: string;
  readonly cluster: EksCluster;
  readonly egress: NodeEgress;
  private readonly explicitTag?: boolean;
  private readonly baseTags: Record<string, string>;
  private readonly attachments: NodeSgAttachment[] = [];
  private readonly made: (VpcSecurityGroupIngressRule | VpcSecurityGroupEgressRule)[] = [];
  private clusterSgWorkloadRules = false;

  constructor(scope: Construct, id: string, props: NodeSecurityGroupProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.egress = props.egress ?? "all";
    this.explicitTag = props.tagWithClusterName;
    const clusterName = props.cluster.name;
    this.baseTags = { Name: `${clusterName}-nodes`, ...(props.tags ?? {}) };
    this.resource = new SecurityGroup(this, "sg", {
      namePrefix: props.namePrefix ?? `${clusterName}-nodes-`,
      description: props.description ?? `EKS nodes of cluster ${clusterName} (rules to and from the control plane, CoreDNS and other nodes)`,
      vpcId: props.vpcId,
      revokeRulesOnDelete: true,
      tags: this.currentTags(),
      lifecycle: { createBeforeDestroy: true },
    });
    this.securityGroupId = this.resource.id;
    const self = { securityGroupId: this.securityGroupId };
    const clusterSg = { securityGroupId: props.cluster.clusterSecurityGroupId };

    // Control plane → nodes: from the cluster SG and from every additional SG (both are on the control-plane ENIs).
    const controlPlane = [{ key: "cluster-sg", peer: clusterSg, label: "the cluster SG" }, ...props.cluster.additionalSecurityGroupIds.map((sg, i) => ({ key: `additional-sg-${i}`, peer: { securityGroupId: sg }, label: `additional control-plane SG ${i}` }))];
    for (const { key, peer, label } of controlPlane) {
      for (const port of FROM_CONTROL_PLANE) {
        this.rule(`in-${port.key}-from-${key}`, "ingress", this.securityGroupId, { ...port.spec, peer, description: `Control plane (${label}) to nodes: ${port.why}` });
      }
    }

    // Node ↔ node on this SG.
    if (props.allowAllTrafficBetweenNodes) {
      this.rule("in-all-from-self", "ingress", this.securityGroupId, { peer: self, protocol: "all", description: "Nodes to nodes: all traffic" });
    } else {
      for (const port of PEER_PORTS) this.rule(`in-${port.key}-from-self`, "ingress", this.securityGroupId, { ...port.spec, peer: self, description: `Nodes to nodes: ${port.why}` });
    }

    // Nodes → API server: the other end is the cluster SG, on the control-plane ENIs.
    this.rule("cluster-sg-in-https-from-nodes", "ingress", props.cluster.clusterSecurityGroupId, {
      peer: self,
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: `Nodes (${clusterName}-nodes SG) to the Kubernetes API server`,
    });

    if (this.egress === "all") {
      this.rule("out-all", "egress", this.securityGroupId, { peer: { cidrIpv4: "0.0.0.0/0" }, protocol: "all", description: "Nodes to anywhere" });
    } else {
      this.rule("out-https-to-cluster-sg", "egress", this.securityGroupId, { peer: clusterSg, protocol: "tcp", fromPort: 443, toPort: 443, description: "Nodes to the API server and to webhooks on Fargate or cluster-SG nodes" });
      this.rule("out-https-to-self", "egress", this.securityGroupId, { peer: self, protocol: "tcp", fromPort: 443, toPort: 443, description: "Nodes to pods on other nodes on 443" });
      if (props.allowAllTrafficBetweenNodes) this.rule("out-all-to-self", "egress", this.securityGroupId, { peer: self, protocol: "all", description: "Nodes to nodes: all traffic" });
      for (const port of PEER_PORTS) {
        this.rule(`out-${port.key}-to-cluster-sg`, "egress", this.securityGroupId, { ...port.spec, peer: clusterSg, description: `Nodes to Fargate pods and cluster-SG nodes: ${port.why}` });
        if (!props.allowAllTrafficBetweenNodes) this.rule(`out-${port.key}-to-self`, "egress", this.securityGroupId, { ...port.spec, peer: self, description: `Nodes to nodes: ${port.why}` });
      }
      this.rule("out-https-to-internet", "egress", this.securityGroupId, { peer: { cidrIpv4: "0.0.0.0/0" }, protocol: "tcp", fromPort: 443, toPort: 443, description: "Nodes to AWS APIs (EKS, EC2, ECR, S3, STS)" });
    }

    this.node.addValidation({ validate: () => this.validateAttachments() });

    const member: NodeSgMember = {
      securityGroupId: this.securityGroupId,
      restrictedEgress: this.egress === "restricted",
      admitClusterSgWorkloads: () => this.admitClusterSgWorkloads(),
      peerWith: (other, index) => this.peerWith(other, index),
    };
    joinAsNodeSg(props.cluster, member);
  }

  /** Whether the SG carries `kubernetes.io/cluster/<name>` (decided by `tagWithClusterName` and how node groups attach it). */
  get taggedWithClusterName(): boolean {
    if (this.explicitTag !== undefined) return this.explicitTag;
    return !this.attachments.some((a) => a.withClusterSg);
  }

  /** Node groups that put this SG on their nodes, as recorded so far. */
  get attachedBy(): readonly NodeSgAttachment[] {
    return this.attachments;
  }

  /**
   * Records that nodes carry this SG. `ManagedNodeGroup` calls it; call it yourself when you put
   * the SG on other nodes (a self-managed ASG's launch template), so that the cluster tag stays on
   * exactly one SG per ENI. Throws when the SG is tagged explicitly and the nodes also carry the
   * cluster SG.
   */
  recordAttachment(attachment: NodeSgAttachment): void {
    if (attachment.withClusterSg && this.explicitTag === true) {
      throw configError(
        this,
        `${attachment.by} puts this node SG next to the cluster SG, and both carry the tag kubernetes.io/cluster/${this.cluster.name}; the AWS Load Balancer Controller needs exactly one tagged SG per node ENI and fails with "expect exactly one securityGroup tagged"`,
        'drop tagWithClusterName: true from the NodeSecurityGroup (it is then untagged while the cluster SG is on the nodes), or use securityGroups: { kind: "node-sg" } so that the cluster SG is not on the nodes',
      );
    }
    this.attachments.push(attachment);
    this.resource.tags = this.currentTags();
  }

  /** Adds an ingress rule to this SG (e.g. NodePorts from a load balancer's SG). Ingress from 0.0.0.0/0 or ::/0 throws. */
  addIngressRule(id: string, rule: RuleSpec): VpcSecurityGroupIngressRule {
    checkRule(this, "ingress", rule, `node SG rule "${id}"`);
    return addRule(this, id, "ingress", this.securityGroupId, rule) as VpcSecurityGroupIngressRule;
  }

  /** Adds an egress rule to this SG (with `egress: "restricted"`, e.g. a database's port). */
  addEgressRule(id: string, rule: RuleSpec): VpcSecurityGroupEgressRule {
    checkRule(this, "egress", rule, `node SG egress rule "${id}"`);
    return addRule(this, id, "egress", this.securityGroupId, rule) as VpcSecurityGroupEgressRule;
  }

  /** The rule resources made so far (node groups depend on them, so nodes boot after their rules exist). */
  get ruleResources(): readonly (VpcSecurityGroupIngressRule | VpcSecurityGroupEgressRule)[] {
    return this.made;
  }

  private rule(id: string, direction: RuleDirection, securityGroupId: string, spec: RuleSpec) {
    const made = addRule(this, id, direction, securityGroupId, spec);
    this.made.push(made);
    return made;
  }

  /**
   * A tag that only this SG carries, for selectors that pick SGs by tags (Karpenter and Auto Mode
   * NodeClasses): known when Terraform plans, unlike the SG's id, so the plan says what is picked.
   */
  selectorTag(): { readonly key: string; readonly value: string } {
    const tag = { key: "eks-sg-policy/node-security-group", value: `${this.cluster.name}/${this.node.path}` };
    this.baseTags[tag.key] = tag.value;
    this.resource.tags = this.currentTags();
    return tag;
  }

  private currentTags(): Record<string, string> {
    const tags = { ...this.baseTags };
    if (this.taggedWithClusterName) tags[`kubernetes.io/cluster/${this.cluster.name}`] = "owned";
    else delete tags[`kubernetes.io/cluster/${this.cluster.name}`];
    return tags;
  }

  /** Fargate pods or cluster-SG nodes exist: open DNS both ways, and the high ports into the cluster SG. */
  private admitClusterSgWorkloads(): void {
    if (this.clusterSgWorkloadRules) return;
    this.clusterSgWorkloadRules = true;
    const clusterSgId = this.cluster.clusterSecurityGroupId;
    for (const port of PEER_PORTS) {
      if (port.key !== "high") {
        this.rule(`in-${port.key}-from-cluster-sg`, "ingress", this.securityGroupId, { ...port.spec, peer: { securityGroupId: clusterSgId }, description: `Fargate pods and cluster-SG nodes to these nodes: ${port.why}` });
      }
      this.rule(`cluster-sg-in-${port.key}-from-nodes`, "ingress", clusterSgId, { ...port.spec, peer: { securityGroupId: this.securityGroupId }, description: `Nodes (${this.cluster.name}-nodes SG) to Fargate pods and cluster-SG nodes: ${port.why}` });
    }
  }

  /** Another node SG of the cluster: each admits the other, and sends to it when its egress is restricted. */
  private peerWith(other: NodeSgMember, index: number): void {
    for (const port of PEER_PORTS) {
      this.rule(`in-${port.key}-from-node-sg-${index}`, "ingress", this.securityGroupId, { ...port.spec, peer: { securityGroupId: other.securityGroupId }, description: `Other node group's nodes to these nodes: ${port.why}` });
      this.rule(`node-sg-${index}-in-${port.key}-from-nodes`, "ingress", other.securityGroupId, { ...port.spec, peer: { securityGroupId: this.securityGroupId }, description: `Other node group's nodes to these nodes: ${port.why}` });
      if (this.egress === "restricted") {
        this.rule(`out-${port.key}-to-node-sg-${index}`, "egress", this.securityGroupId, { ...port.spec, peer: { securityGroupId: other.securityGroupId }, description: `Nodes to another node group: ${port.why}` });
      }
      if (other.restrictedEgress) {
        this.rule(`node-sg-${index}-out-${port.key}-to-nodes`, "egress", other.securityGroupId, { ...port.spec, peer: { securityGroupId: this.securityGroupId }, description: `Nodes to another node group: ${port.why}` });
      }
    }
  }

  private validateAttachments(): string[] {
    if (this.taggedWithClusterName) return [];
    const orphaned = this.attachments.filter((a) => !a.withClusterSg && a.securityGroupCount > 1);
    return orphaned.map(
      (a) =>
        `${a.by} puts ${a.securityGroupCount} SGs on its nodes without the cluster SG, and none carries kubernetes.io/cluster/${this.cluster.name} (this node SG is untagged${this.explicitTag === false ? " by tagWithClusterName: false" : " because another node group puts it next to the cluster SG"}); the AWS Load Balancer Controller needs exactly one tagged SG per ENI. Fix: give that node group its own NodeSecurityGroup.`,
    );
  }
}
