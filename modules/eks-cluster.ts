/**
 * An EKS cluster whose control plane is safe by default: private endpoint, control-plane logs,
 * secrets encrypted with a customer-managed KMS key — and the one place where the EKS-made
 * cluster SG can be shaped.
 *
 * Where the SGs of a cluster land:
 * - the **cluster SG** is made by EKS when the cluster is created (you cannot pre-create it or
 *   give it rules at creation). EKS puts it on the 2–4 control-plane ENIs in `subnetIds`, on every
 *   Fargate pod, and on managed nodes whose launch template names no SG. It admits everything
 *   from itself and lets everything out. `clusterSecurityGroupId` is its id, known after apply;
 *   rules added with `addClusterSecurityGroupIngress` / `allowApiAccessFrom` reference it;
 * - **additional SGs** (`additionalSecurityGroupIds`) go on the control-plane ENIs only — never
 *   on nodes, never on Fargate pods;
 * - **node SGs** (`NodeSecurityGroup`) go on EC2 nodes through their launch template.
 */
import { Token } from "cdktf";
import { Construct } from "constructs";
import { EksCluster as EksClusterResource } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { clusterSgWorkloadsOf, joinAsClusterSgWorkload } from "./cluster-membership";
import { configError } from "./errors";
import { ServiceRole } from "./iam";
import { addRule, checkCidr, checkRule, describePeer, isWorldCidr, type RulePeer, type RuleSpec } from "./peers";

export type ControlPlaneLogType = "api" | "audit" | "authenticator" | "controllerManager" | "scheduler";

/** Who may authenticate to the cluster: EKS access entries, the `aws-auth` ConfigMap, or both. */
export type AuthenticationMode = "API" | "API_AND_CONFIG_MAP" | "CONFIG_MAP";

export const DEFAULT_LOG_TYPES: readonly ControlPlaneLogType[] = ["api", "audit", "authenticator"];

/** Log types the pack requires (policy `control-plane-logging`): who did what, and the API server's errors. */
const REQUIRED_LOG_TYPES: readonly ControlPlaneLogType[] = ["api", "audit"];

export interface EksClusterProps {
  /**
   * The cluster name. EKS tags the cluster SG `kubernetes.io/cluster/<name>` and node SGs of this
   * package carry the same tag when they are the only tagged SG on their nodes.
   */
  readonly name: string;

  /** Kubernetes version, e.g. `"1.33"`. Default: EKS's current default. */
  readonly version?: string;

  /**
   * Subnets (two AZs at least) where EKS puts the control-plane ENIs. Those ENIs carry the cluster
   * SG plus `additionalSecurityGroupIds`; nodes reach the API server through them, because the
   * private endpoint is always on.
   */
  readonly subnetIds: string[];

  /**
   * Additional (control-plane) SGs: EKS puts them on the control-plane ENIs **only** — not on
   * nodes, not on Fargate pods — next to the cluster SG. Use them to admit clients of the API
   * (a bastion, a VPN) without touching the cluster SG. Node SGs of this cluster admit them on
   * TCP 443 and 1025–65535, as they admit the cluster SG. Default: none (the cluster SG alone).
   */
  readonly additionalSecurityGroupIds?: string[];

  /**
   * Turns the public endpoint on. The private endpoint stays on whatever this says, so nodes,
   * Fargate pods and in-VPC clients reach the API through the control-plane ENIs (and so through
   * the SG rules this package writes), never through the internet. Default: `true` when
   * `publicAccessCidrs` is given, else `false`. `true` without `publicAccessCidrs` throws: AWS
   * would open the endpoint to 0.0.0.0/0.
   */
  readonly endpointPublicAccess?: boolean;

  /**
   * The CIDRs allowed to reach the public endpoint (an office, a CI runner's egress address).
   * Never `0.0.0.0/0` or `::/0` (throws). Giving it turns the public endpoint on. These CIDRs are
   * not SG rules: the public endpoint has no ENI in your VPC and no SG.
   */
  readonly publicAccessCidrs?: string[];

  /**
   * Control-plane log types sent to CloudWatch. Default `["api", "audit", "authenticator"]`;
   * `api` and `audit` must be in the list (throws otherwise).
   */
  readonly logTypes?: ControlPlaneLogType[];

  /**
   * ARN of a customer-managed KMS key that encrypts Kubernetes secrets. Default: a key made here,
   * with rotation on. A given key's policy, or the cluster role, must let the cluster role use it
   * (`kms:Encrypt`, `kms:Decrypt`, `kms:ListGrants`, `kms:DescribeKey`); when the role is made
   * here it gets exactly those on this key.
   */
  readonly secretsKeyArn?: string;

  /**
   * ARN of the cluster's IAM role. Default: a role made here that `eks.amazonaws.com` assumes,
   * with `AmazonEKSClusterPolicy`.
   */
  readonly roleArn?: string;

  /** Default `API_AND_CONFIG_MAP`, so that EKS access entries work; the cluster's creator gets admin. */
  readonly authenticationMode?: AuthenticationMode;

  readonly tags?: Record<string, string>;
}

/** An ingress rule for the cluster SG: the peer, protocol and ports. */
export type ClusterSgRuleSpec = RuleSpec;

export class EksCluster extends Construct {
  /** The `aws_eks_cluster` resource (escape hatch). */
  readonly resource: EksClusterResource;
  readonly name: string;
  /**
   * The id of the SG EKS made for this cluster (`vpc_config[0].cluster_security_group_id`), a
   * token known after apply. It is on the control-plane ENIs, on Fargate pods and on managed nodes
   * without launch-template SGs.
   */
  readonly clusterSecurityGroupId: string;
  /** The additional SGs on the control-plane ENIs. */
  readonly additionalSecurityGroupIds: readonly string[];
  readonly subnetIds: readonly string[];
  readonly roleArn: string;
  /** The role made here, when no `roleArn` was given. */
  readonly role?: ServiceRole;
  readonly secretsKeyArn: string;
  /** The key made here, when no `secretsKeyArn` was given. */
  readonly secretsKey?: KmsKey;
  readonly endpointPublicAccess: boolean;

  constructor(scope: Construct, id: string, props: EksClusterProps) {
    super(scope, id);
    this.name = props.name;
    this.subnetIds = [...props.subnetIds];
    this.additionalSecurityGroupIds = [...(props.additionalSecurityGroupIds ?? [])];
    this.endpointPublicAccess = this.checkEndpoint(props);
    const logTypes = this.checkLogTypes(props.logTypes ?? [...DEFAULT_LOG_TYPES]);
    if (!Token.isUnresolved(props.subnetIds) && props.subnetIds.length < 2 && !props.subnetIds.some((s) => Token.isUnresolved(s))) {
      throw configError(this, `subnetIds has ${props.subnetIds.length} subnet(s); EKS needs subnets in at least two Availability Zones for the control-plane ENIs`, "give two or more subnets in different AZs");
    }

    if (props.secretsKeyArn) {
      this.secretsKeyArn = props.secretsKeyArn;
    } else {
      this.secretsKey = new KmsKey(this, "secrets-key", {
        description: `Envelope encryption of Kubernetes secrets of EKS cluster ${props.name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 7,
        tags: props.tags,
      });
      this.secretsKeyArn = this.secretsKey.arn;
    }

    const dependsOn = [];
    if (props.roleArn) {
      this.roleArn = props.roleArn;
    } else {
      this.role = new ServiceRole(this, "role", {
        service: "eks.amazonaws.com",
        actions: ["sts:AssumeRole", "sts:TagSession"],
        managedPolicies: ["AmazonEKSClusterPolicy"],
        namePrefix: `${props.name}-cluster`,
        description: `EKS cluster ${props.name}`,
        tags: props.tags,
      });
      this.roleArn = this.role.arn;
      const kms = new IamRolePolicy(this, "secrets-key-use", {
        name: "eks-secrets-encryption",
        role: this.role.role.name,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: this.secretsKeyArn }],
        }),
      });
      dependsOn.push(...this.role.attachments, kms);
    }

    this.resource = new EksClusterResource(this, "cluster", {
      name: props.name,
      version: props.version,
      roleArn: this.roleArn,
      vpcConfig: {
        subnetIds: props.subnetIds,
        securityGroupIds: this.additionalSecurityGroupIds.length > 0 ? [...this.additionalSecurityGroupIds] : undefined,
        endpointPrivateAccess: true,
        endpointPublicAccess: this.endpointPublicAccess,
        publicAccessCidrs: this.endpointPublicAccess ? props.publicAccessCidrs : undefined,
      },
      enabledClusterLogTypes: logTypes,
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: this.secretsKeyArn } },
      accessConfig: { authenticationMode: props.authenticationMode ?? "API_AND_CONFIG_MAP", bootstrapClusterCreatorAdminPermissions: true },
      tags: props.tags,
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    });
    this.clusterSecurityGroupId = this.resource.vpcConfig.clusterSecurityGroupId;
  }

  /**
   * Adds an ingress rule to the cluster SG — the only way to shape it, since EKS makes it. The
   * rule acts wherever the cluster SG is: the control-plane ENIs, Fargate pods, and managed nodes
   * without launch-template SGs. It does **not** reach nodes whose launch template names a node
   * SG: put rules for those on their `NodeSecurityGroup`. Ingress from 0.0.0.0/0 or ::/0 throws.
   */
  addClusterSecurityGroupIngress(id: string, rule: ClusterSgRuleSpec): VpcSecurityGroupIngressRule {
    checkRule(this, "ingress", rule, `cluster SG rule "${id}"`);
    return addRule(this, id, "ingress", this.clusterSecurityGroupId, rule) as VpcSecurityGroupIngressRule;
  }

  /**
   * Adds an egress rule to the cluster SG. EKS already lets everything out of it; a rule here only
   * matters if you remove that default outside Terraform (AWS documents the minimum you must keep).
   */
  addClusterSecurityGroupEgress(id: string, rule: ClusterSgRuleSpec): VpcSecurityGroupEgressRule {
    checkRule(this, "egress", rule, `cluster SG egress rule "${id}"`);
    return addRule(this, id, "egress", this.clusterSecurityGroupId, rule) as VpcSecurityGroupEgressRule;
  }

  /**
   * Lets a peer (a bastion's or CI runner's SG, a VPN CIDR) reach the API server on TCP 443
   * through the private endpoint: an ingress rule on the cluster SG, which is on the control-plane
   * ENIs. An SG peer also needs egress 443 on its own side (an SG made by Terraform has none).
   */
  allowApiAccessFrom(id: string, peer: RulePeer, description?: string): VpcSecurityGroupIngressRule {
    return this.addClusterSecurityGroupIngress(id, {
      peer,
      protocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: description ?? `Kubernetes API (private endpoint) from ${describePeer(peer)}`,
    });
  }

  /**
   * Declares that something not built with these constructs carries the cluster SG (self-managed
   * nodes whose launch template lists it, Karpenter nodes selecting it by tag), so that every
   * `NodeSecurityGroup` of the cluster opens DNS and node-to-node ports to and from the cluster SG.
   * `FargateProfile` and `ManagedNodeGroup` (kinds `cluster-sg` and `both`) declare themselves.
   */
  markClusterSecurityGroupOnWorkloads(description: string): void {
    joinAsClusterSgWorkload(this, description);
  }

  /** What carries the cluster SG besides the control plane, as declared so far. */
  get clusterSecurityGroupWorkloads(): readonly string[] {
    return clusterSgWorkloadsOf(this);
  }

  private checkEndpoint(props: EksClusterProps): boolean {
    const cidrs = props.publicAccessCidrs;
    const wantsPublic = props.endpointPublicAccess ?? cidrs !== undefined;
    if (!wantsPublic) {
      if (cidrs !== undefined) {
        throw configError(this, "publicAccessCidrs is given but endpointPublicAccess is false, so the CIDRs would be ignored", "drop publicAccessCidrs, or set endpointPublicAccess: true to open the public endpoint to them");
      }
      return false;
    }
    if (cidrs === undefined || (Array.isArray(cidrs) && !Token.isUnresolved(cidrs) && cidrs.length === 0)) {
      throw configError(
        this,
        "the public endpoint is on without publicAccessCidrs, and AWS then opens the Kubernetes API to 0.0.0.0/0",
        "list the CIDRs that may reach it in publicAccessCidrs (e.g. your office or VPN egress, \"203.0.113.0/24\"), or leave the endpoint private (the default) and reach it from inside the VPC",
      );
    }
    if (!Token.isUnresolved(cidrs)) {
      for (const cidr of cidrs) {
        checkCidr(this, cidr, "publicAccessCidrs");
        if (isWorldCidr(cidr)) {
          throw configError(this, `publicAccessCidrs contains ${cidr}, which opens the Kubernetes API to the whole internet`, "list only the CIDRs that need the API (an office or VPN egress range), or leave the endpoint private");
        }
      }
    }
    return true;
  }

  private checkLogTypes(types: ControlPlaneLogType[]): ControlPlaneLogType[] {
    const missing = REQUIRED_LOG_TYPES.filter((t) => !types.includes(t));
    if (missing.length > 0) {
      throw configError(this, `logTypes lacks ${missing.join(" and ")}, so calls to the Kubernetes API would not be recorded`, `keep ${REQUIRED_LOG_TYPES.join(" and ")} in logTypes (default: ${DEFAULT_LOG_TYPES.join(", ")})`);
    }
    return [...new Set(types)];
  }
}
