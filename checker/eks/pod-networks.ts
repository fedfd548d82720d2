/**
 * VPC CNI custom networking. With `AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true` in `aws-node`'s
 * environment, the VPC CNI puts the pods of EC2 nodes on secondary ENIs in the subnet and with the
 * SGs of an `ENIConfig` (`crd.k8s.amazonaws.com/v1alpha1`); the node's primary ENI keeps its own
 * SGs, for the kubelet and host-network pods. An ENIConfig without SGs leaves pods on the SGs of
 * the node's primary ENI (VPC CNI 1.8.0 and later). Sources: docs/node-classes.md.
 *
 * Each ENIConfig of a cluster with EC2 nodes (a manifest, or one the vpc-cni add-on or the
 * aws-vpc-cni chart makes from its `eniConfig` block) is a `pod-network` class. Which ENIConfig a
 * node uses is chosen at run time (by its zone label or an annotation), so every one is judged for
 * every EC2 node class of its cluster.
 */
import type { World } from "../model/resource-graph";
import { isObject, valueAt, type ValueObject } from "../model/value";
import { runsVpcCni, type Cluster } from "./eni-class";
import { apiGroupOf, type KubernetesObject } from "./manifests";
import type { SgSet } from "./security-groups";
import { type ClassContext, classIds, clusterOfObject, NO_LAUNCH_TEMPLATE } from "./selector-classes";
import { vpcCniSettings, type VpcCniSettings } from "./vpc-cni";

const CUSTOM_NETWORK = "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG";
/** "Boolean as a String", default false (VPC CNI README); the true spellings of Go's strconv.ParseBool (inferred: ipamd's parser). */
const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);

type CustomNetworking = { readonly on: boolean } | { readonly unknown: string };

function customNetworking(settings: VpcCniSettings): CustomNetworking {
  if (settings.state === "unknown") return { unknown: settings.reason };
  return { on: TRUE.has(settings.env.get(CUSTOM_NETWORK) ?? "false") };
}

function isEniConfig(object: KubernetesObject): boolean {
  return apiGroupOf(object)?.group === "crd.k8s.amazonaws.com" && object.kind === "ENIConfig";
}

/**
 * The ENIConfigs made with `eniConfig.create`: one per key of `eniConfig.subnets`, named by it,
 * with its `id` as the subnet and its `securityGroups` (the chart's templates/eniconfig.yaml; the
 * add-on's configuration schema has the same block).
 */
function configuredEniConfigs(world: World, settings: VpcCniSettings): KubernetesObject[] {
  if (settings.state !== "configured") return [];
  const config = settings.values.eniConfig;
  if (!isObject(config) || (config.create !== true && config.create !== "true") || !isObject(config.subnets)) return [];
  const instance = world.get(settings.address)!;
  return Object.entries(config.subnets).map(([name, subnet]) => {
    const spec: ValueObject = {};
    if (isObject(subnet) && subnet.id !== undefined) spec.subnet = subnet.id;
    if (isObject(subnet) && subnet.securityGroups !== undefined) spec.securityGroups = subnet.securityGroups;
    return { address: settings.address, instance, apiVersion: "crd.k8s.amazonaws.com/v1alpha1", kind: "ENIConfig", name, body: { spec } };
  });
}

/**
 * Adds the pod ENI classes of custom networking; EC2 node classes must all be known first. A
 * cluster that `undecided` covers (a manifest decided at apply time, already reported) may have
 * its ENIConfigs there: its pods are then in no class rather than on the nodes' SGs.
 */
export function addPodNetworks(ctx: ClassContext, objects: readonly KubernetesObject[], undecided: (cluster: Cluster) => boolean): void {
  const eniConfigs = objects.filter(isEniConfig);
  // Without an ENIConfig, a vpc-cni add-on or a Helm release, nothing can say that custom networking is on.
  if (eniConfigs.length === 0 && ctx.world.ofType("aws_eks_addon").length === 0 && ctx.world.ofType("helm_release").length === 0) return;
  const configs = new Map<Cluster, KubernetesObject[]>();
  for (const object of eniConfigs) {
    const { cluster, reason } = clusterOfObject(ctx, [], object.address);
    if (!cluster) ctx.orphan(object.address, reason!);
    else configs.set(cluster, [...(configs.get(cluster) ?? []), object]);
  }
  for (const cluster of ctx.clusters) {
    const ec2 = cluster.nodes.filter(runsVpcCni);
    // IPv6 clusters cannot use custom networking (EKS user guide, cni-custom-network).
    if (ec2.length === 0 || cluster.ipFamily === 6) continue;
    const settings = vpcCniSettings(ctx.world, cluster, ctx.clusters);
    const mode = customNetworking(settings);
    const mine = [...(configs.get(cluster) ?? []), ...configuredEniConfigs(ctx.world, settings)];
    if ("on" in mode && !mode.on) continue;
    if ("on" in mode && settings.state === "configured") cluster.customNetworking = { address: settings.address, env: settings.env, eniConfigs: mine, undecided: undecided(cluster) };
    const subnets = { ipv4: ec2.flatMap((n) => n.subnets.ipv4), ipv6: [], ...(ec2.some((n) => n.subnets.unknown) ? { unknown: "the subnets of its nodes are not all known" } : {}) };
    if (mine.length === 0) {
      // Without an add-on or release in the plan, aws-node runs as EKS installed it: custom networking off.
      if (!("on" in mode) && settings.address === undefined) continue;
      if ("on" in mode) cluster.podsOnNodes = false;
      if (undecided(cluster)) continue;
      const address = settings.address!;
      const why =
        "on" in mode
          ? `custom networking is on (${CUSTOM_NETWORK}) and no ENIConfig of this cluster is in this plan: pods get the SGs of ENIConfigs made elsewhere`
          : `whether custom networking is on (${CUSTOM_NETWORK}) is not known: ${mode.unknown}; if it is, pods get the SGs of ENIConfigs`;
      ctx.addPod(cluster, { ...NO_LAUNCH_TEMPLATE, id: `pod-network(${address})`, kind: "pod-network", address, sgs: { members: [], unknown: why }, subnets, hostsCoreDns: true });
      continue;
    }
    let everyOneNamesSgs = true;
    const idOf = classIds(mine);
    for (const object of mine) {
      const groups = valueAt(object.body, ["spec", "securityGroups"]);
      if (groups === undefined || groups === null || (Array.isArray(groups) && groups.length === 0)) {
        everyOneNamesSgs = false;
        continue;
      }
      const named = ctx.sgs.resolve(groups);
      const sgs: SgSet = "on" in mode ? named : { members: named.members, unknown: [named.unknown, `whether custom networking is on is not known: ${mode.unknown}`].filter(Boolean).join("; ") };
      const subnet = valueAt(object.body, ["spec", "subnet"]);
      ctx.addPod(cluster, {
        ...NO_LAUNCH_TEMPLATE,
        id: idOf("pod-network", object),
        kind: "pod-network",
        address: object.address,
        sgs,
        subnets: subnet === undefined ? subnets : ctx.subnets.resolve([subnet]),
        hostsCoreDns: true,
      });
    }
    if ("on" in mode && everyOneNamesSgs) cluster.podsOnNodes = false;
  }
}
