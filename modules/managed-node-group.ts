/**
 * An EKS managed node group with its own launch template (IMDSv2 required) and an explicit choice
 * of the SGs on its nodes.
 *
 * EKS decides the nodes' SGs from the launch template: when it names no SG, EKS puts the cluster
 * SG on the nodes; when it names any, the nodes carry **only** those. `securityGroups` makes that
 * choice visible:
 *
 * | kind | launch template SGs | nodes carry | node ↔ control plane, Fargate, other nodes |
 * | --- | --- | --- | --- |
 * | `cluster-sg` | none | the cluster SG | the cluster SG admits itself on everything |
 * | `node-sg` | the node SG | the node SG only (cluster SG dropped) | the `NodeSecurityGroup`'s rules, on both ends |
 * | `both` | cluster SG + node SG | both | the cluster SG; the node SG adds your own rules and must stay untagged |
 *
 * With `ssh`, the node group also makes an SSH SG (TCP 22 from the given sources) and lists it in
 * the launch template — next to the cluster SG for kind `cluster-sg`, so the nodes keep it.
 */
import { Token, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { EksNodeGroup } from "@cdktf/provider-aws/lib/eks-node-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { joinAsClusterSgWorkload, launchesNodes } from "./cluster-membership";
import type { EksCluster } from "./eks-cluster";
import { configError } from "./errors";
import { ServiceRole } from "./iam";
import type { NodeSecurityGroup } from "./node-security-group";
import { addRule, checkCidr, isWorldCidr } from "./peers";

/** Which SGs the nodes carry; see the table in this file's comment. */
export type NodeGroupSecurityGroups =
  /** The cluster SG only: the launch template names no SG, so EKS attaches the cluster SG. */
  | { readonly kind: "cluster-sg" }
  /** The node SG only: EKS drops the cluster SG; the `NodeSecurityGroup` carries every required rule. */
  | { readonly kind: "node-sg"; readonly nodeSecurityGroup: NodeSecurityGroup }
  /** The cluster SG and the node SG: both listed in the launch template; the node SG must not carry the cluster tag. */
  | { readonly kind: "both"; readonly nodeSecurityGroup: NodeSecurityGroup };

export interface SshAccess {
  /** The EC2 key pair put in the launch template (`key_name`). */
  readonly keyName: string;
  /** SGs allowed to reach TCP 22 on the nodes (a bastion's SG). */
  readonly sourceSecurityGroupIds?: string[];
  /** CIDRs allowed to reach TCP 22 (a VPN range). Never `0.0.0.0/0` or `::/0`. */
  readonly sourceCidrs?: string[];
  /** The VPC of the SSH SG. */
  readonly vpcId: string;
}

export interface NodeGroupScaling {
  readonly desiredSize: number;
  readonly minSize: number;
  readonly maxSize: number;
}

export interface NodeGroupTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE";
}

export interface ManagedNodeGroupProps {
  readonly cluster: EksCluster;

  /**
   * Which SGs land on the nodes' ENIs — there is no default, because each choice moves traffic
   * onto different rules:
   * - `{ kind: "cluster-sg" }`: the launch template names no SG, so EKS attaches the cluster SG;
   *   nodes reach the control plane, Fargate pods and other cluster-SG nodes through its
   *   allow-all-from-itself rule. Simplest; the cluster SG is shared with the control plane.
   * - `{ kind: "node-sg", nodeSecurityGroup }`: the launch template names the node SG, so EKS
   *   drops the cluster SG from the nodes. The `NodeSecurityGroup` carries the rules on both ends
   *   (443 to the API, 10250 and webhooks from the control plane, DNS and high ports to other
   *   nodes and to Fargate). It is the one SG on the nodes tagged `kubernetes.io/cluster/<name>`.
   * - `{ kind: "both", nodeSecurityGroup }`: the launch template names the cluster SG and the node
   *   SG. The cluster SG keeps every required flow working; the node SG is for your own rules
   *   (NodePorts from a load balancer). The cluster SG carries the cluster tag, so the node SG
   *   must not (it is left untagged; `tagWithClusterName: true` throws).
   */
  readonly securityGroups: NodeGroupSecurityGroups;

  /** Subnets of the nodes (private subnets with a route to the API endpoint and to ECR/S3, e.g. through NAT). */
  readonly subnetIds: string[];

  /** Default: the construct id. */
  readonly nodeGroupName?: string;

  /** Default `["t3.medium"]`. */
  readonly instanceTypes?: string[];

  /** Default `AL2023_x86_64_STANDARD`. */
  readonly amiType?: string;

  /** `ON_DEMAND` (default) or `SPOT`. */
  readonly capacityType?: "ON_DEMAND" | "SPOT";

  /** Default `{ desiredSize: 2, minSize: 1, maxSize: 3 }`; `desired_size` changes made by an autoscaler are ignored. */
  readonly scaling?: NodeGroupScaling;

  readonly labels?: Record<string, string>;
  readonly taints?: NodeGroupTaint[];

  /**
   * The launch template's `http_put_response_hop_limit`; IMDSv2 is always required. `2` (default)
   * lets containers that need IMDS use it; `1` keeps pods off the node's instance-role
   * credentials entirely.
   */
  readonly metadataHopLimit?: 1 | 2;

  /**
   * SSH to the nodes, only through the launch template: the key goes into `key_name` and an SSH
   * SG made here (TCP 22 from `sourceSecurityGroupIds` / `sourceCidrs`) is added to the launch
   * template's SGs — with the cluster SG listed too for kind `cluster-sg`, so the nodes keep it.
   * `remote_access` is never used: EKS rejects it with a launch template, and without sources it
   * opens port 22 to the internet. Prefer SSM Session Manager and leave this unset.
   */
  readonly ssh?: SshAccess;

  /**
   * ARN of the nodes' IAM role. Default: a role made here that `ec2.amazonaws.com` assumes, with
   * `AmazonEKSWorkerNodePolicy`, `AmazonEKS_CNI_Policy` and `AmazonEC2ContainerRegistryReadOnly`.
   */
  readonly nodeRoleArn?: string;

  readonly tags?: Record<string, string>;
}

export class ManagedNodeGroup extends Construct {
  /** The `aws_eks_node_group` resource (escape hatch). */
  readonly resource: EksNodeGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly nodeRoleArn: string;
  readonly role?: ServiceRole;
  /** The SSH SG, when `ssh` is given. */
  readonly sshSecurityGroup?: SecurityGroup;
  /** The SGs the launch template lists (empty for kind `cluster-sg` without SSH: EKS then adds the cluster SG). */
  readonly launchTemplateSecurityGroupIds: readonly string[];
  /** Whether the nodes carry the cluster SG. */
  readonly carriesClusterSecurityGroup: boolean;
  private readonly sshRules: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: ManagedNodeGroupProps) {
    super(scope, id);
    const { cluster, securityGroups } = props;
    const hopLimit = props.metadataHopLimit ?? 2;
    if (hopLimit !== 1 && hopLimit !== 2) {
      throw configError(this, `metadataHopLimit is ${hopLimit}; above 2 lets pods reach the node's instance-role credentials through extra network hops`, "use 2 (containers may use IMDSv2) or 1 (pods cannot reach IMDS)");
    }
    if (!securityGroups || !["cluster-sg", "node-sg", "both"].includes(securityGroups.kind)) {
      throw configError(this, "securityGroups must say which SGs the nodes carry", 'give { kind: "cluster-sg" }, { kind: "node-sg", nodeSecurityGroup } or { kind: "both", nodeSecurityGroup }');
    }
    const nodeSg = securityGroups.kind === "cluster-sg" ? undefined : securityGroups.nodeSecurityGroup;
    if (nodeSg && nodeSg.cluster !== cluster) {
      throw configError(this, `the node SG ${nodeSg.node.path} belongs to cluster ${nodeSg.cluster.name}, not ${cluster.name}; its rules admit the other cluster's SGs, so these nodes could not reach their own control plane`, "make a NodeSecurityGroup for this cluster");
    }
    const groupName = props.nodeGroupName ?? id;

    const ssh = props.ssh ? this.makeSshSg(props.ssh, cluster.name, groupName) : undefined;
    this.sshSecurityGroup = ssh;
    const listed: string[] = [];
    if (securityGroups.kind === "both" || (securityGroups.kind === "cluster-sg" && ssh)) listed.push(cluster.clusterSecurityGroupId);
    if (nodeSg) listed.push(nodeSg.securityGroupId);
    if (ssh) listed.push(ssh.id);
    this.launchTemplateSecurityGroupIds = listed;
    this.carriesClusterSecurityGroup = securityGroups.kind !== "node-sg";

    nodeSg?.recordAttachment({ by: this.node.path, withClusterSg: this.carriesClusterSecurityGroup, securityGroupCount: listed.length });
    if (this.carriesClusterSecurityGroup) joinAsClusterSgWorkload(cluster, `managed node group ${this.node.path}`);

    // Nodes start once their SG rules exist (443 to the API above all), not merely their SGs.
    const dependsOn: ITerraformDependable[] = [...(nodeSg?.ruleResources ?? []), ...this.sshRules];
    if (props.nodeRoleArn) {
      this.nodeRoleArn = props.nodeRoleArn;
    } else {
      this.role = new ServiceRole(this, "role", {
        service: "ec2.amazonaws.com",
        managedPolicies: ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"],
        namePrefix: `${cluster.name}-${groupName}`,
        description: `Nodes of EKS node group ${groupName} in ${cluster.name}`,
        tags: props.tags,
      });
      this.nodeRoleArn = this.role.arn;
      dependsOn.push(...this.role.attachments);
    }

    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      namePrefix: `${cluster.name}-${groupName}-`,
      description: `Nodes of EKS node group ${groupName} in ${cluster.name}: IMDSv2 required; SGs: ${describeKind(securityGroups.kind, Boolean(ssh))}`,
      updateDefaultVersion: true,
      vpcSecurityGroupIds: listed.length > 0 ? listed : undefined,
      keyName: props.ssh?.keyName,
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: hopLimit },
      tagSpecifications: [{ resourceType: "instance", tags: { Name: `${cluster.name}-${groupName}`, ...(props.tags ?? {}) } }],
      tags: props.tags,
    });

    const scaling = props.scaling ?? { desiredSize: 2, minSize: 1, maxSize: 3 };
    if (scaling.minSize > scaling.desiredSize || scaling.desiredSize > scaling.maxSize) {
      throw configError(this, `scaling has minSize ${scaling.minSize}, desiredSize ${scaling.desiredSize}, maxSize ${scaling.maxSize}`, "give minSize <= desiredSize <= maxSize");
    }
    this.resource = new EksNodeGroup(this, "node-group", {
      clusterName: cluster.resource.name,
      nodeGroupName: groupName,
      nodeRoleArn: this.nodeRoleArn,
      subnetIds: props.subnetIds,
      instanceTypes: props.instanceTypes ?? ["t3.medium"],
      amiType: props.amiType ?? "AL2023_x86_64_STANDARD",
      capacityType: props.capacityType ?? "ON_DEMAND",
      scalingConfig: scaling,
      updateConfig: { maxUnavailable: 1 },
      labels: props.labels,
      taint: props.taints?.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      tags: props.tags,
      lifecycle: { ignoreChanges: ["scaling_config[0].desired_size"] },
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    });
    launchesNodes(cluster, this.resource);
  }

  private makeSshSg(ssh: SshAccess, clusterName: string, groupName: string): SecurityGroup {
    const sources = ssh.sourceSecurityGroupIds ?? [];
    const cidrs = ssh.sourceCidrs ?? [];
    if (sources.length === 0 && cidrs.length === 0) {
      throw configError(this, "ssh gives a key but no sourceSecurityGroupIds or sourceCidrs, so nothing could reach port 22 (and remote_access would open it to 0.0.0.0/0)", "list the bastion SGs in ssh.sourceSecurityGroupIds (or a VPN range in ssh.sourceCidrs), or drop ssh and use SSM Session Manager");
    }
    for (const cidr of cidrs) {
      checkCidr(this, cidr, "ssh.sourceCidrs");
      if (isWorldCidr(cidr)) {
        throw configError(this, `ssh.sourceCidrs contains ${cidr}: SSH from the whole internet`, "allow SSH only from a bastion SG (ssh.sourceSecurityGroupIds) or a VPN range, or use SSM Session Manager");
      }
    }
    for (const sg of sources) {
      if (!Token.isUnresolved(sg) && !/^sg-[0-9a-f]+$/.test(sg)) {
        throw configError(this, `ssh.sourceSecurityGroupIds contains "${sg}", which is not an SG id`, "give SG ids (sg-…) or SG tokens there, and CIDRs in ssh.sourceCidrs");
      }
    }
    const sg = new SecurityGroup(this, "ssh", {
      namePrefix: `${clusterName}-${groupName}-ssh-`,
      description: `SSH to nodes of EKS node group ${groupName} in ${clusterName}`,
      vpcId: ssh.vpcId,
      revokeRulesOnDelete: true,
      tags: { Name: `${clusterName}-${groupName}-ssh` },
      lifecycle: { createBeforeDestroy: true },
    });
    sources.forEach((source, i) => this.sshRules.push(addRule(this, `ssh-from-sg-${i}`, "ingress", sg.id, { peer: { securityGroupId: source }, protocol: "tcp", fromPort: 22, toPort: 22, description: "SSH from a bastion SG" })));
    cidrs.forEach((cidr, i) => this.sshRules.push(addRule(this, `ssh-from-cidr-${i}`, "ingress", sg.id, { peer: cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr }, protocol: "tcp", fromPort: 22, toPort: 22, description: `SSH from ${cidr}` })));
    return sg;
  }
}

function describeKind(kind: NodeGroupSecurityGroups["kind"], ssh: boolean): string {
  const base = kind === "cluster-sg" ? "cluster SG" : kind === "node-sg" ? "node SG only" : "cluster SG + node SG";
  return ssh ? `${base} + SSH SG` : base;
}
