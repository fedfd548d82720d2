import { definePolicy } from "../checker/policy";
import type { PolicyResult, Severity } from "../checker/policy";
import { clusterVpcs, ofVpc, vpcsNamed } from "../checker/eks/cluster-vpc";
import type { EniClass, Topology } from "../checker/eks/topology";
import type { World } from "../checker/model/resource-graph";
import type { ResourceInstance } from "../checker/model/resource-instance";
import { firstBlock, isObject, isUnknown } from "../checker/model/value";

/**
 * The services nodes call through an interface endpoint in a private cluster (EKS user guide,
 * "Private cluster requirements"): error for what nodes need to start and run pods (image pulls,
 * node bootstrap, IRSA and Pod Identity credentials), warning for what add-ons call. `pods` says
 * what breaks when pods on SGs of their own (custom networking's pod ENIs, security groups for
 * pods) cannot reach it; services only the kubelet or the node's agents call (ECR, EKS, EKS Auth)
 * are judged for nodes alone.
 */
const SERVICES: Record<string, { readonly severity: Severity; readonly why: string; readonly pods?: string }> = {
  "ecr.api": { severity: "error", why: "Nodes cannot get ECR credentials, so images from ECR (the EKS add-ons' among them) are not pulled." },
  "ecr.dkr": { severity: "error", why: "Nodes cannot pull images from ECR (the EKS add-ons' among them)." },
  ec2: { severity: "error", why: "The VPC CNI and nodes' bootstrap cannot call EC2, so pods get no addresses.", pods: "Controllers that call EC2 from pods (the Load Balancer Controller, the EBS CSI driver) fail." },
  sts: { severity: "error", why: "Pods using IAM roles for service accounts get no credentials.", pods: "These pods get no credentials from IAM roles for service accounts." },
  eks: { severity: "error", why: "Nodes that look up their cluster at bootstrap cannot, and never join." },
  "eks-auth": { severity: "error", why: "Pods using EKS Pod Identity get no credentials." },
  elasticloadbalancing: { severity: "warning", why: "The AWS Load Balancer Controller cannot manage load balancers.", pods: "The AWS Load Balancer Controller, if it runs here, cannot manage load balancers." },
  logs: { severity: "warning", why: "Log agents on the nodes cannot send to CloudWatch Logs.", pods: "Log agents running as these pods cannot send to CloudWatch Logs." },
  xray: { severity: "warning", why: "Tracing agents cannot send to X-Ray.", pods: "Tracing agents running as these pods cannot send to X-Ray." },
};

/** An interface endpoint of a service in SERVICES, with private DNS on or decided at apply time. */
interface Interface {
  readonly endpoint: ResourceInstance;
  readonly service: string;
  readonly dnsUndecided: boolean;
}

/** `com.amazonaws.<region>.ecr.dkr` → `ecr.dkr`. */
function serviceOf(name: unknown): string | undefined {
  if (typeof name !== "string" || !name.startsWith("com.amazonaws.")) return undefined;
  return name.split(".").slice(3).join(".");
}

/**
 * Where a cluster is: the VPCs of the plan it is surely in, those it may be in (subnets picked by
 * an expression across VPCs), its VPC id when the plan knows it, or why the plan cannot tell.
 */
interface ClusterPlace {
  readonly certain: readonly ResourceInstance[];
  readonly candidates: readonly ResourceInstance[];
  readonly vpcId?: string;
  readonly unknown?: string;
}

function placeOf(world: World, cluster: ResourceInstance): ClusterPlace {
  const vpcConfig = firstBlock(world.values(cluster), "vpc_config");
  if (!isObject(vpcConfig)) return { certain: [], candidates: [], unknown: isUnknown(vpcConfig) ? `vpc_config: ${vpcConfig.describe()}` : "the cluster has no vpc_config" };
  const { certain, candidates, vpcId, unknown } = clusterVpcs(world, cluster, vpcConfig);
  return { certain, candidates, ...(vpcId !== undefined ? { vpcId } : {}), ...(unknown ? { unknown } : {}) };
}

/**
 * Whether an endpoint serves a cluster: `{ vpc }` when it is in a VPC of the plan the cluster is
 * surely in (`{}` when both name the same VPC made elsewhere), "no" when it is elsewhere, or why the
 * plan cannot tell.
 */
type Served = { vpc?: ResourceInstance } | "no" | { unknown: string } | { maybeIn: ResourceInstance };

function serves(world: World, endpoint: ResourceInstance, place: ClusterPlace): Served {
  const vpcId = world.read(endpoint, ["vpc_id"]);
  const named = vpcsNamed(world, vpcId, endpoint.address).vpcs;
  const vpc = place.certain.find((v) => named.includes(v));
  if (vpc) return { vpc };
  const maybe = place.candidates.find((v) => named.includes(v));
  if (maybe) return { maybeIn: maybe };
  const placed = place.certain.length > 0 || place.candidates.length > 0;
  if (placed) return named.length > 0 || typeof vpcId === "string" ? "no" : { unknown: `the vpc_id of ${endpoint.address} is decided at apply time` };
  if (place.unknown) return { unknown: endpoint.address };
  if (named.length > 0) return "no";
  // The cluster's VPC is made elsewhere, and so is the endpoint's: the same one when the ids agree.
  if (typeof vpcId === "string" && place.vpcId !== undefined) return vpcId === place.vpcId ? {} : "no";
  return { unknown: `${endpoint.address}: neither its VPC nor the cluster's is made in this plan, and the cluster's VPC id is known only after apply` };
}

/**
 * The endpoint's ENIs as a flow destination: its SGs, or, with none given, the VPC's default SG
 * ("If you do not specify a security group, we associate the default security group for the VPC",
 * AWS PrivateLink guide) when the plan manages it.
 */
function endpointClass(topology: Topology, endpoint: ResourceInstance, vpc: ResourceInstance | undefined, node: EniClass): EniClass {
  const { world } = topology;
  const given = world.read(endpoint, ["security_group_ids"]);
  let sgs = topology.sgs.resolve(given);
  if ((Array.isArray(given) && given.length === 0) || given === null || given === undefined || (isUnknown(given) && given.origin === "computed")) {
    const defaults = vpc ? ofVpc(world, "aws_default_security_group", vpc) : [];
    sgs =
      defaults.length === 1
        ? topology.sgs.resolve(world.read(defaults[0], ["id"]) ?? null)
        : { members: [], unknown: `${endpoint.address} gives no security_group_ids, so AWS puts its VPC's default SG on it, whose rules are not in this plan (as AWS makes it, it admits only itself)` };
  }
  return {
    id: `vpc-endpoint(${endpoint.address})`,
    kind: "vpc-endpoint",
    address: endpoint.address,
    cluster: node.cluster,
    sgs,
    subnets: topology.subnets.resolve(world.read(endpoint, ["subnet_ids"])),
    launchTemplates: [],
    sgsFromLaunchTemplate: false,
    hostsCoreDns: false,
  };
}

export default definePolicy({
  meta: {
    id: "node-to-vpc-endpoints",
    severity: "error",
    title: "Nodes, and pods on SGs of their own, can open TCP 443 to the interface VPC endpoints with private DNS in their cluster's VPC that they call (ECR, EC2, STS, EKS)",
    rationale:
      "With private DNS, an interface endpoint takes every call to its service from the VPC, so nodes reach ECR, EC2, STS or EKS only through its ENIs and their SGs. An endpoint SG that does not admit the nodes on 443 (or the VPC's default SG, when none is given) breaks image pulls, pod networking and pod credentials.",
    messages: { "endpoint-vpc-unknown": "cannot tell which VPC endpoints serve this cluster: {{unknown}}" },
  },
  check({ topology, flows, forEachNodeClass }) {
    const { world } = topology;
    // Without private DNS the service's own name still resolves to its public addresses: the
    // endpoint is then used only by its own name, which nodes do not call. Left unset, AWS turns it
    // on for AWS services (PrivateLink guide: "Private DNS is enabled by default for endpoints
    // created for AWS services").
    const interfaces: Interface[] = [];
    for (const endpoint of world.ofType("aws_vpc_endpoint")) {
      const service = serviceOf(world.read(endpoint, ["service_name"]));
      if (service === undefined || SERVICES[service] === undefined || world.read(endpoint, ["vpc_endpoint_type"]) !== "Interface") continue;
      const dns = world.read(endpoint, ["private_dns_enabled"]);
      if (dns === false) continue;
      interfaces.push({ endpoint, service, dnsUndecided: isUnknown(dns) && dns.origin !== "computed" });
    }
    if (interfaces.length === 0) return [];
    // Where each cluster is, and which endpoints serve it, once per cluster: its node classes share them.
    const byCluster = new Map<string, { place: ClusterPlace; served: Map<ResourceInstance, Served> }>();
    const classes = new Map<string, EniClass>();
    return forEachNodeClass("TCP 443 to VPC endpoints", (node) => {
      // Hybrid nodes reach AWS from their own network.
      if (node.kind === "hybrid") return undefined;
      let cluster = byCluster.get(node.cluster.address);
      if (!cluster) {
        const place = placeOf(world, node.cluster.instance);
        byCluster.set(node.cluster.address, (cluster = { place, served: new Map(interfaces.map((i) => [i.endpoint, serves(world, i.endpoint, place)])) }));
      }
      const { place, served: servedBy } = cluster;
      const pods = node.kind === "pod" || node.kind === "pod-network";
      const results: PolicyResult[] = [];
      const undecided: string[] = [];
      const maybeIn = new Map<ResourceInstance, string[]>();
      for (const { endpoint, service, dnsUndecided } of interfaces) {
        const why = pods ? SERVICES[service].pods : SERVICES[service].why;
        if (why === undefined) continue;
        const served = servedBy.get(endpoint)!;
        if (served === "no") continue;
        if (dnsUndecided) {
          undecided.push(place.unknown ? endpoint.address : `private_dns_enabled of ${endpoint.address} is decided at apply time`);
          continue;
        }
        if ("unknown" in served) {
          undecided.push(served.unknown);
          continue;
        }
        if ("maybeIn" in served) {
          maybeIn.set(served.maybeIn, [...(maybeIn.get(served.maybeIn) ?? []), endpoint.address]);
          continue;
        }
        const key = `${node.cluster.address}\u0000${endpoint.address}`;
        let to = classes.get(key);
        if (!to) classes.set(key, (to = endpointClass(topology, endpoint, served.vpc, node)));
        const who = pods ? "pods on these ENIs" : node.kind === "fargate" ? "Fargate pods" : "nodes";
        const result = flows.result(node.address, [flows.between(node, to, "tcp", 443, "any")], {
          what: `${who} → ${service} VPC endpoint ${endpoint.address}`,
          why,
          key: `${node.id}→${endpoint.address}`,
        });
        results.push(result.status === "fail" ? { ...result, severity: SERVICES[service].severity } : result);
      }
      for (const [vpc, addresses] of maybeIn) {
        undecided.push(`${addresses.join(", ")} ${addresses.length === 1 ? "is" : "are"} in ${vpc.address}, one of the VPCs the cluster's subnets may be in (the plan does not say which)`);
      }
      if (undecided.length > 0) {
        // Without the cluster's VPC, one reason covers every endpoint.
        const unknown = place.unknown && place.certain.length + place.candidates.length === 0 ? `${place.unknown}; so whether ${undecided.join(", ")} serve its nodes is not known` : undecided.join("; ");
        results.push({ address: node.address, status: "unknown", key: `${node.id}→endpoints`, messageId: "endpoint-vpc-unknown", data: { unknown } });
      }
      return results;
    }, { pods: true });
  },
});
