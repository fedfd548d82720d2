/**
 * VPC CNI custom networking for the EC2 nodes of one cluster: pods get ENIs in pod subnets of their
 * own (a secondary CIDR, say) and a pod SG of their own, with the rules pods need on both ends.
 *
 * With `AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true`, the VPC CNI gives pods secondary ENIs in the subnet
 * and with the SGs of the node's `ENIConfig`; the node's primary ENI keeps the node's SGs, for the
 * kubelet and host-network pods (EKS user guide, "Customizing the secondary network interface").
 * The pods' SG then needs what a node SG needs: the control plane calls webhooks on them, CoreDNS
 * runs on them, and they call the API server through the cluster SG. So the pod SG here is a
 * `NodeSecurityGroup` (every rule a node SG makes, both ends, peered with the cluster's other node
 * SGs), and the `vpc-cni` add-on makes one ENIConfig per zone from its `eniConfig` block, named by
 * the zone, which nodes pick by their zone label (`ENI_CONFIG_LABEL_DEF`). docs/modules.md says more.
 */
import { Token } from "cdktf";
import { Construct } from "constructs";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { requireBeforeNodes } from "./cluster-membership";
import type { EksCluster } from "./eks-cluster";
import { configError } from "./errors";
import { NodeSecurityGroup, type NodeEgress } from "./node-security-group";

const CUSTOM_NETWORK = "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG";
const LABEL_DEF = "ENI_CONFIG_LABEL_DEF";
const ZONE_LABEL = "topology.kubernetes.io/zone";

export interface CustomNetworkingProps {
  readonly cluster: EksCluster;
  /** The cluster's VPC (the pod SG is made there). */
  readonly vpcId: string;
  /** The region, as the add-on's `eniConfig.region` takes it. */
  readonly region: string;
  /**
   * The pod subnet of each availability zone the nodes run in, by zone name
   * (`{ "eu-west-1a": "subnet-…" }`). A node whose zone has no entry gets no pod addresses.
   */
  readonly podSubnets: Readonly<Record<string, string>>;
  /** More `aws-node` environment (string values). The two variables that turn custom networking on are set here and cannot be given. */
  readonly env?: Readonly<Record<string, string>>;
  /** The add-on's version. Default: the one EKS picks for the cluster's Kubernetes version. */
  readonly addonVersion?: string;
  /** The IAM role `aws-node` runs as (IRSA). Default: the nodes' role. */
  readonly serviceAccountRoleArn?: string;
  /** What the pods may send. Default `all`. See `NodeEgress`. */
  readonly egress?: NodeEgress;
  /** Admit all traffic between pods on this SG, instead of TCP/UDP 53 and TCP 1025–65535 only. Default `false`. */
  readonly allowAllTrafficBetweenPods?: boolean;
  readonly tags?: Record<string, string>;
}

const clustersWithCustomNetworking = new WeakSet<EksCluster>();

export class CustomNetworking extends Construct {
  /** The SG on the pods' ENIs, with every rule pods need on both ends. */
  readonly podSecurityGroup: NodeSecurityGroup;
  /** The `vpc-cni` `aws_eks_addon` that turns custom networking on and makes the ENIConfigs (escape hatch). */
  readonly addon: EksAddon;

  constructor(scope: Construct, id: string, props: CustomNetworkingProps) {
    super(scope, id);
    const { cluster } = props;
    if (clustersWithCustomNetworking.has(cluster)) {
      throw configError(this, `cluster ${cluster.name} already has a CustomNetworking; each makes the cluster's vpc-cni add-on, and a cluster has one`, "give one CustomNetworking every pod subnet of the cluster");
    }
    const zones = Object.entries(props.podSubnets);
    if (zones.length === 0) throw configError(this, "podSubnets is empty, so nodes would get no pod addresses in any zone", 'give the pod subnet of each zone the nodes run in, e.g. { "eu-west-1a": "subnet-…" }');
    for (const [zone] of zones) {
      if (Token.isUnresolved(zone)) throw configError(this, "a key of podSubnets is a token; ENIConfigs are named by these keys, and a node picks the one named as its zone", "key podSubnets by literal zone names");
    }
    for (const key of [CUSTOM_NETWORK, LABEL_DEF]) {
      if (props.env && key in props.env) throw configError(this, `env sets ${key}, which custom networking sets itself`, `drop ${key} from env`);
    }
    clustersWithCustomNetworking.add(cluster);

    this.podSecurityGroup = new NodeSecurityGroup(this, "pod-sg", {
      cluster,
      vpcId: props.vpcId,
      namePrefix: `${cluster.name}-pods-`,
      description: `EKS pods of cluster ${cluster.name} on custom networking ENIs (rules to and from the control plane, CoreDNS, nodes and other pods)`,
      egress: props.egress,
      allowAllTrafficBetweenNodes: props.allowAllTrafficBetweenPods,
      tags: { Name: `${cluster.name}-pods`, ...(props.tags ?? {}) },
    });
    const securityGroups = [this.podSecurityGroup.securityGroupId];
    const configuration = {
      env: { ...(props.env ?? {}), [CUSTOM_NETWORK]: "true", [LABEL_DEF]: ZONE_LABEL },
      eniConfig: { create: true, region: props.region, subnets: Object.fromEntries(zones.map(([zone, subnet]) => [zone, { id: subnet, securityGroups }])) },
    };
    this.addon = new EksAddon(this, "vpc-cni", {
      clusterName: cluster.resource.name,
      addonName: "vpc-cni",
      addonVersion: props.addonVersion,
      serviceAccountRoleArn: props.serviceAccountRoleArn,
      // EKS runs aws-node before any add-on exists; the add-on takes it over.
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      // Tokens stay `${...}` inside the text, which terraform fills in and the synth-time gate reads.
      configurationValues: JSON.stringify(configuration),
      // Pods of the first nodes would call the API through the pod SG at once.
      dependsOn: [...this.podSecurityGroup.ruleResources],
      tags: props.tags,
    });
    // Nodes launched before custom networking is on keep their pods on the primary ENI until replaced.
    requireBeforeNodes(cluster, this.addon);
  }
}
