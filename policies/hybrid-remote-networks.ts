import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { cidrContains, parseCidr, type ParsedCidr } from "../checker/eks/cidr";
import { clusterVpcs, ofVpc } from "../checker/eks/cluster-vpc";
import type { World } from "../checker/model/resource-graph";
import type { ResourceInstance } from "../checker/model/resource-instance";
import { firstBlock, isObject, isUnknown, type Value } from "../checker/model/value";

/** RFC 1918's private IPv4 ranges: the only ones EKS takes for remote networks. */
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((text) => parseCidr(text)!);
/** What EKS gives the Kubernetes services when `service_ipv4_cidr` is not set: one of these two. */
const DEFAULT_SERVICE_RANGES = ["10.100.0.0/16", "172.20.0.0/16"].map((text) => parseCidr(text)!);
const BLOCKS = ["remote_node_networks", "remote_pod_networks"] as const;

/** Two CIDR blocks share an address exactly when one holds the other. */
function overlap(a: ParsedCidr, b: ParsedCidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** The IPv4 CIDRs of a VPC: its primary block, and the secondary ones this plan associates (or its data source read). */
function vpcCidrs(world: World, vpc: ResourceInstance): { cidrs: ParsedCidr[]; unknown: string[] } {
  const cidrs: ParsedCidr[] = [];
  const unknown: string[] = [];
  const add = (value: Value | undefined, where: string) => {
    const parsed = typeof value === "string" ? parseCidr(value) : undefined;
    if (parsed) cidrs.push(parsed);
    else if (isUnknown(value)) unknown.push(`the CIDR of ${where} is decided at apply time`);
  };
  add(world.read(vpc, ["cidr_block"]), vpc.address);
  const associations = world.read(vpc, ["cidr_block_associations"]);
  if (vpc.mode === "data" && Array.isArray(associations)) for (const a of associations) if (isObject(a)) add(a.cidr_block, vpc.address);
  for (const association of ofVpc(world, "aws_vpc_ipv4_cidr_block_association", vpc)) add(world.read(association, ["cidr_block"]), association.address);
  return { cidrs: [...new Map(cidrs.map((c) => [c.text, c])).values()], unknown };
}

/** The service range EKS will use: the one given, or the two it picks from. */
function serviceRanges(cluster: Value): { ranges: ParsedCidr[]; given: boolean } | { unknown: string } {
  const config = firstBlock(cluster, "kubernetes_network_config");
  // An IPv6 cluster's services are IPv6 (fc00::/7): no remote IPv4 block can overlap them.
  if (isObject(config) && config.ip_family === "ipv6") return { ranges: [], given: true };
  const value = isObject(config) ? config.service_ipv4_cidr : isUnknown(config) && config.origin !== "computed" ? config : undefined;
  if (typeof value === "string" && value !== "") {
    const parsed = parseCidr(value);
    return parsed ? { ranges: [parsed], given: true } : { unknown: `service_ipv4_cidr "${value}" is not a CIDR` };
  }
  if (isUnknown(value) && value.origin !== "computed") return { unknown: `service_ipv4_cidr is decided at apply time (${value.describe()})` };
  return { ranges: DEFAULT_SERVICE_RANGES, given: false };
}

/** Where a cluster's remote networks must not reach: its VPCs' blocks and its service range. */
interface Surroundings {
  readonly certain: readonly VpcBlocks[];
  readonly candidates: readonly VpcBlocks[];
  readonly service: ReturnType<typeof serviceRanges>;
}
type VpcBlocks = { readonly vpc: ResourceInstance } & ReturnType<typeof vpcCidrs>;

/** One remote CIDR against what EKS requires of it: what breaks a requirement goes to `problems`, what may to `unknown`. */
function judgeCidr(named: string, item: Value, { certain, candidates, service }: Surroundings, problems: string[], unknown: string[]): void {
  const parsed = typeof item === "string" ? parseCidr(item) : undefined;
  if (!parsed || parsed.family !== 4) {
    problems.push(`${named} is not an IPv4 CIDR`);
    return;
  }
  // Inside one of them, a block is /8 or smaller as EKS requires.
  if (!PRIVATE_RANGES.some((range) => cidrContains(range, parsed))) problems.push(`${named} is not within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16`);
  for (const { vpc, cidrs } of certain) {
    for (const block of cidrs) if (overlap(parsed, block)) problems.push(`${named} overlaps ${block.text} of the cluster's VPC ${vpc.address}`);
  }
  // A candidate VPC overlapped decides nothing: the plan does not say the cluster is in it.
  for (const { vpc, cidrs } of candidates) {
    for (const block of cidrs) if (overlap(parsed, block)) unknown.push(`${named} overlaps ${block.text} of ${vpc.address}, one of the VPCs the cluster's subnets may be in`);
  }
  if (!("ranges" in service)) return;
  const hit = service.ranges.filter((range) => overlap(parsed, range));
  if (hit.length === 0) return;
  if (service.given) problems.push(`${named} overlaps the service range ${hit[0].text}`);
  else if (hit.length === service.ranges.length) problems.push(`${named} overlaps both ranges EKS picks the service range from when service_ipv4_cidr is not set (${hit.map((r) => r.text).join(", ")})`);
  else unknown.push(`${named} overlaps ${hit[0].text}, one of the two ranges EKS picks the service range from when service_ipv4_cidr is not set`);
}

export default definePolicy({
  meta: {
    id: "hybrid-remote-networks",
    severity: "error",
    title: "The remote node and pod networks of hybrid nodes are private IPv4 blocks of /8 to /32 that overlap neither the cluster's VPC nor its service range",
    rationale:
      "EKS takes a remote node or pod network only within RFC 1918, no larger than /8, and overlapping neither the VPC CIDR blocks nor the Kubernetes service IP range (EKS API, RemoteNodeNetwork and RemotePodNetwork); anything else makes CreateCluster or UpdateClusterConfig fail at apply.",
    messages: {
      rejected: "EKS rejects the remote networks: {{problems}}",
      undecided: "cannot tell whether EKS takes the remote networks: {{unknown}}",
    },
    fixes: {
      rejected: "give remote_node_networks and remote_pod_networks private (RFC 1918) blocks of /8 or smaller that lie outside the VPC's CIDRs and the service range (set service_ipv4_cidr to keep it known)",
    },
  },
  check({ world }) {
    const results: PolicyResult[] = [];
    for (const cluster of world.ofType("aws_eks_cluster")) {
      const address = cluster.address;
      const values = world.values(cluster);
      const remote = firstBlock(values, "remote_network_config");
      if (remote === undefined || remote === null || (isUnknown(remote) && remote.origin === "computed")) continue;
      if (isUnknown(remote)) {
        results.push({ address, status: "unknown", messageId: "undecided", data: { unknown: `remote_network_config is decided at apply time (${remote.describe()})` } });
        continue;
      }
      const problems: string[] = [];
      const unknown: string[] = [];
      // Where the cluster is: its VPC's CIDRs, when the plan holds or read the VPC.
      const vpcConfig = firstBlock(values, "vpc_config");
      const place = isObject(vpcConfig) ? clusterVpcs(world, cluster, vpcConfig) : undefined;
      const certain = (place?.certain ?? []).map((vpc) => ({ vpc, ...vpcCidrs(world, vpc) }));
      const candidates = (place?.candidates ?? []).map((vpc) => ({ vpc, ...vpcCidrs(world, vpc) }));
      if (place?.unknown) unknown.push(`the cluster's VPC: ${place.unknown}`);
      else if (certain.length + candidates.length === 0) unknown.push(`${world.notIn("the cluster's VPC")}, so whether the remote networks overlap its CIDRs is not known (a data "aws_vpc" source would read it)`);
      for (const v of [...certain, ...candidates]) unknown.push(...v.unknown);
      const service = serviceRanges(values);
      if ("unknown" in service) unknown.push(service.unknown);

      for (const block of BLOCKS) {
        const list = isObject(remote) ? firstBlock(remote, block) : undefined;
        const cidrs = isObject(list) ? list.cidrs : list;
        // A block left out (remote pod networks are optional) plans as computed.
        if (isUnknown(cidrs) && cidrs.origin === "computed") continue;
        if (isUnknown(cidrs)) {
          unknown.push(`${block} is decided at apply time (${cidrs.describe()})`);
          continue;
        }
        for (const item of Array.isArray(cidrs) ? cidrs : []) {
          if (isUnknown(item)) {
            unknown.push(`a CIDR of ${block} is decided at apply time`);
            continue;
          }
          judgeCidr(`${block} ${String(item)}`, item, { certain, candidates, service }, problems, unknown);
        }
      }
      const related = [...certain, ...candidates].map((v) => v.vpc.address);
      if (problems.length > 0) results.push({ address, status: "fail", messageId: "rejected", data: { problems: problems.join("; ") }, related });
      else if (unknown.length > 0) results.push({ address, status: "unknown", messageId: "undecided", data: { unknown: unknown.join("; ") }, related });
      else results.push({ address, status: "pass", related });
    }
    return results;
  },
});
