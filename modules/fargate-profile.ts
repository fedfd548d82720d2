/**
 * An EKS Fargate profile: which pods run on Fargate, in which subnets, with which execution role.
 *
 * Fargate pods carry the **cluster SG** and nothing else (a profile has no SG setting). That is
 * why they reach the control plane, and other Fargate pods and managed nodes on the cluster SG,
 * without any rule. EC2 nodes whose launch template names a node SG do not carry the cluster SG:
 * traffic between them and Fargate pods — DNS (TCP/UDP 53) when CoreDNS runs on one side, the
 * kubelet (10250) when metrics-server on the nodes scrapes Fargate pods, 443 and other high ports
 * between pods — needs rules on both SGs. A `NodeSecurityGroup` of the same cluster adds them as
 * soon as a Fargate profile exists: DNS from the cluster SG on the node SG, and DNS and TCP
 * 1025–65535 from the node SG on the cluster SG (its TCP 443 and 1025–65535 from the cluster SG
 * are there already for the control plane).
 */
import { Construct } from "constructs";
import { EksFargateProfile } from "@cdktf/provider-aws/lib/eks-fargate-profile";
import { joinAsClusterSgWorkload } from "./cluster-membership";
import type { EksCluster } from "./eks-cluster";
import { configError } from "./errors";
import { ServiceRole } from "./iam";

export interface FargateSelector {
  /** The namespace whose pods run on Fargate. `kube-system` makes CoreDNS eligible to run here. */
  readonly namespace: string;
  /** Only pods with all of these labels. */
  readonly labels?: Record<string, string>;
}

export interface FargateProfileProps {
  readonly cluster: EksCluster;

  /**
   * 1 to 5 selectors. A pod matching one runs on Fargate, carrying the cluster SG. Selecting
   * `kube-system` puts CoreDNS here (once CoreDNS is told it may run on Fargate, e.g. the `coredns`
   * add-on with `{"computeType": "Fargate"}`): then every node class must reach the cluster SG on
   * TCP/UDP 53, which `NodeSecurityGroup` arranges for its nodes.
   */
  readonly selectors: FargateSelector[];

  /** Private subnets only (Fargate pods get no public IP); they need a route to ECR and the API (NAT or VPC endpoints). */
  readonly subnetIds: string[];

  /** Default: the construct id. */
  readonly profileName?: string;

  /**
   * ARN of the pod execution role (pulls images, writes logs). Default: a role made here that
   * `eks-fargate-pods.amazonaws.com` assumes, with `AmazonEKSFargatePodExecutionRolePolicy`.
   */
  readonly podExecutionRoleArn?: string;

  readonly tags?: Record<string, string>;
}

export class FargateProfile extends Construct {
  /** The `aws_eks_fargate_profile` resource (escape hatch). */
  readonly resource: EksFargateProfile;
  readonly podExecutionRoleArn: string;
  readonly role?: ServiceRole;

  constructor(scope: Construct, id: string, props: FargateProfileProps) {
    super(scope, id);
    const { cluster } = props;
    if (props.selectors.length === 0 || props.selectors.length > 5) {
      throw configError(this, `a Fargate profile takes 1 to 5 selectors, not ${props.selectors.length}`, "give between one and five { namespace, labels? } selectors, or split them across profiles");
    }
    for (const s of props.selectors) {
      if (!s.namespace) throw configError(this, "a selector has no namespace", "give every selector a namespace (wildcards * and ? are allowed)");
    }
    const name = props.profileName ?? id;
    const dependsOn = [];
    if (props.podExecutionRoleArn) {
      this.podExecutionRoleArn = props.podExecutionRoleArn;
    } else {
      this.role = new ServiceRole(this, "role", {
        service: "eks-fargate-pods.amazonaws.com",
        managedPolicies: ["AmazonEKSFargatePodExecutionRolePolicy"],
        namePrefix: `${cluster.name}-${name}`,
        description: `Fargate pods of profile ${name} in EKS cluster ${cluster.name}`,
        tags: props.tags,
      });
      this.podExecutionRoleArn = this.role.arn;
      dependsOn.push(...this.role.attachments);
    }
    this.resource = new EksFargateProfile(this, "profile", {
      clusterName: cluster.resource.name,
      fargateProfileName: name,
      podExecutionRoleArn: this.podExecutionRoleArn,
      subnetIds: props.subnetIds,
      selector: props.selectors.map((s) => ({ namespace: s.namespace, labels: s.labels })),
      tags: props.tags,
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    });
    joinAsClusterSgWorkload(cluster, `Fargate profile ${this.node.path}`);
  }
}
