import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { clusterVpcs, ofVpc, type VpcType } from "../checker/eks/cluster-vpc";
import type { World } from "../checker/model/resource-graph";
import type { ResourceInstance } from "../checker/model/resource-instance";
import { firstBlock, isUnknown, type Value } from "../checker/model/value";

/** AWS's values for attributes left to it (Amazon VPC user guide, "DNS attributes for your VPC": hostnames are off in a nondefault VPC). */
const DEFAULTS: Record<VpcType, { readonly enable_dns_support: boolean; readonly enable_dns_hostnames: boolean }> = {
  aws_vpc: { enable_dns_support: true, enable_dns_hostnames: false },
  aws_default_vpc: { enable_dns_support: true, enable_dns_hostnames: true },
};
const AMAZON_DNS = "AmazonProvidedDNS";
const FIX = `set enable_dns_support = true and enable_dns_hostnames = true on the VPC, and keep ${AMAZON_DNS} in its DHCP options' domain_name_servers`;

interface VpcVerdict {
  readonly off: string[];
  readonly unknown: string[];
}

/** An attribute as AWS will have it (the value given, else AWS's default), or why the plan does not say. */
function attribute(world: World, vpc: ResourceInstance, name: "enable_dns_support" | "enable_dns_hostnames"): boolean | string {
  const value = world.read(vpc, [name]);
  if (typeof value === "boolean") return value;
  if (value === null || value === undefined || (isUnknown(value) && value.origin === "computed")) return DEFAULTS[vpc.type as VpcType][name];
  return isUnknown(value) ? value.describe() : `${JSON.stringify(value)} is not a boolean`;
}

/** The domain name servers of each DHCP options set the plan associates with a VPC, or why they are not known. */
function dhcpServers(world: World, vpc: ResourceInstance): ({ readonly options: string; readonly servers: Value } | { readonly options: string; readonly unknown: string })[] {
  const out: ({ options: string; servers: Value } | { options: string; unknown: string })[] = [];
  const serversOf = (options: ResourceInstance) => out.push({ options: options.address, servers: world.read(options, ["domain_name_servers"]) ?? null });
  for (const association of ofVpc(world, "aws_vpc_dhcp_options_association", vpc)) {
    const { instances, unknown } = world.designated("aws_vpc_dhcp_options", "id", world.read(association, ["dhcp_options_id"]), association.address);
    if (instances.length === 0) out.push({ options: association.address, unknown: `its DHCP options are not known (${unknown ?? "not in this plan"})` });
    instances.forEach(serversOf);
  }
  // A VPC read by a data source keeps the options it has unless this plan associates others.
  if (out.length === 0 && vpc.mode === "data") {
    const optionsId = world.read(vpc, ["dhcp_options_id"]);
    const { instances } = world.designated("aws_vpc_dhcp_options", "id", optionsId, vpc.address);
    if (instances.length === 0) out.push({ options: `the DHCP options ${optionsId} of ${vpc.address}`, unknown: 'not read in this plan (a data "aws_vpc_dhcp_options" source with their id would read them)' });
    instances.forEach(serversOf);
  }
  return out;
}

function judgeVpc(world: World, vpc: ResourceInstance): VpcVerdict {
  const off: string[] = [];
  const unknown: string[] = [];
  for (const name of ["enable_dns_support", "enable_dns_hostnames"] as const) {
    const value = attribute(world, vpc, name);
    if (value === false) off.push(`${name} is false on ${vpc.address}`);
    else if (typeof value === "string") unknown.push(`${name} of ${vpc.address}: ${value}`);
  }
  for (const set of dhcpServers(world, vpc)) {
    const { options } = set;
    if ("unknown" in set) {
      unknown.push(`${options}: ${set.unknown}`);
      continue;
    }
    const { servers } = set;
    if (isUnknown(servers)) unknown.push(`domain_name_servers of ${options}: ${servers.describe()}`);
    else if (!Array.isArray(servers) || !servers.includes(AMAZON_DNS)) {
      if (Array.isArray(servers) && servers.some(isUnknown)) unknown.push(`a domain_name_servers entry of ${options} is decided at apply time`);
      else off.push(`the DHCP options ${options} of ${vpc.address} list ${Array.isArray(servers) && servers.length > 0 ? servers.join(", ") : "no domain name servers"}, not ${AMAZON_DNS}`);
    }
  }
  return { off, unknown };
}

export default definePolicy({
  meta: {
    id: "private-endpoint-dns",
    severity: "error",
    title: "A cluster with the private endpoint on is in a VPC that resolves it: DNS support and hostnames on, AmazonProvidedDNS in its DHCP options",
    rationale:
      "EKS resolves the private endpoint through a Route 53 private hosted zone associated with the cluster's VPC, which routes only when the VPC has enableDnsHostnames and enableDnsSupport on and its DHCP options include AmazonProvidedDNS; aws_vpc leaves DNS hostnames off unless told.",
    messages: {
      "private-unresolvable":
        "the public endpoint is off and the VPC cannot resolve the private one ({{problems}}): nodes cannot find the API server, so they never register",
      "public-instead":
        "the VPC cannot resolve the private endpoint ({{problems}}), so nodes resolve the cluster's name to the public endpoint and leave the VPC for it: they need a route out, and public_access_cidrs must admit their NAT addresses",
      "vpc-undecided": "cannot tell whether the VPC resolves the private endpoint: {{unknown}}",
      "vpc-config-unknown": "vpc_config is not known before apply ({{unknown}})",
      "private-access-unknown": "endpoint_private_access is decided at apply time ({{unknown}})",
    },
    fixes: { "private-unresolvable": FIX, "public-instead": FIX },
  },
  check({ world }) {
    const results: PolicyResult[] = [];
    for (const cluster of world.ofType("aws_eks_cluster")) {
      const address = cluster.address;
      const vpcConfig = firstBlock(world.values(cluster), "vpc_config");
      if (isUnknown(vpcConfig)) {
        results.push({ address, status: "unknown", messageId: "vpc-config-unknown", data: { unknown: vpcConfig.describe() } });
        continue;
      }
      const privateAccess = vpcConfig?.endpoint_private_access;
      // Private access is off by default: nodes then use the public endpoint, which node-to-apiserver judges.
      if (privateAccess !== true && !(isUnknown(privateAccess) && privateAccess.origin !== "computed")) continue;
      if (isUnknown(privateAccess)) {
        results.push({ address, status: "unknown", messageId: "private-access-unknown", data: { unknown: privateAccess.describe() } });
        continue;
      }
      const { certain, candidates, unknown } = clusterVpcs(world, cluster, vpcConfig!);
      // A VPC made elsewhere and not read by a data source is not judged (doc page: "Not judged").
      if (certain.length === 0 && candidates.length === 0) {
        if (unknown) results.push({ address, status: "unknown", messageId: "vpc-undecided", data: { unknown } });
        continue;
      }
      const judged = [...certain, ...candidates].map((vpc) => ({ vpc, ...judgeVpc(world, vpc) }));
      const related = judged.map((j) => j.vpc.address);
      const mayBe = judged.filter((j) => candidates.includes(j.vpc));
      // A candidate fails the cluster only when every candidate fails: the plan does not say which it is in.
      const failing = judged.filter((j) => j.off.length > 0 && (certain.includes(j.vpc) || (certain.length === 0 && mayBe.every((m) => m.off.length > 0))));
      if (failing.length > 0) {
        const problems = failing.flatMap((j) => j.off).join("; ");
        const publicOn = vpcConfig!.endpoint_public_access !== false;
        results.push(
          publicOn
            ? { address, status: "fail", severity: "warning", messageId: "public-instead", data: { problems }, related }
            : { address, status: "fail", messageId: "private-unresolvable", data: { problems }, related },
        );
        continue;
      }
      const undecided = [
        ...judged.flatMap((j) => j.unknown),
        ...mayBe.filter((j) => j.off.length > 0).map((j) => `the subnets are among those of ${mayBe.map((m) => m.vpc.address).join(", ")} (the plan does not say which), and ${j.off.join("; ")}`),
      ];
      results.push(undecided.length > 0 ? { address, status: "unknown", messageId: "vpc-undecided", data: { unknown: undecided.join("; ") }, related } : { address, status: "pass", related });
    }
    return results;
  },
});
