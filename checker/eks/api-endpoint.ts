/**
 * How nodes reach the API server. With private endpoint access on, the cluster's endpoint name
 * resolves inside the VPC to the control-plane ENIs, so the SG rules on both sides decide. With it
 * off, nodes leave the VPC for the public endpoint: their egress must allow TCP 443 to it, and
 * their public (NAT) addresses must be in `public_access_cidrs`.
 */
import { firstBlock, isObject, isUnknown } from "../model/value";
import { isWholeInternetText } from "./cidr";
import { egressSide, type FlowResult, type SideResult } from "./reachability";
import type { Cluster, EniClass, Topology } from "./topology";

export type ApiPath =
  | { readonly kind: "private" }
  | { readonly kind: "public"; readonly openToAll: boolean; readonly cidrs: readonly string[] }
  | { readonly kind: "unknown"; readonly reason: string };

export function apiPathOf(topology: Topology, cluster: Cluster): ApiPath {
  const vpc = firstBlock(topology.world.values(cluster.instance), "vpc_config");
  if (!isObject(vpc)) return isUnknown(vpc) ? { kind: "unknown", reason: `vpc_config: ${vpc.describe()}` } : { kind: "public", openToAll: true, cidrs: [] };
  const privateAccess = vpc.endpoint_private_access;
  if (privateAccess === true) return { kind: "private" };
  if (isUnknown(privateAccess) && privateAccess.origin !== "computed") return { kind: "unknown", reason: `endpoint_private_access: ${privateAccess.describe()}` };
  // Private access off (AWS's default). Public access off too is rejected by EKS; judge it by the SG path.
  if (vpc.endpoint_public_access === false) return { kind: "private" };
  const cidrs = vpc.public_access_cidrs;
  if (Array.isArray(cidrs) && cidrs.length > 0) {
    const known = cidrs.filter((c): c is string => typeof c === "string");
    return { kind: "public", openToAll: known.some(isWholeInternetText), cidrs: known };
  }
  if (isUnknown(cidrs) && cidrs.origin !== "computed") return { kind: "unknown", reason: `public_access_cidrs: ${cidrs.describe()}` };
  return { kind: "public", openToAll: true, cidrs: [] };
}

/** The public endpoint as a flow destination: outside the VPC, with no SG and addresses AWS owns. */
export function publicEndpointOf(cluster: Cluster): EniClass {
  return {
    id: `public-endpoint(${cluster.address})`,
    kind: "public-endpoint",
    address: cluster.address,
    cluster,
    sgs: { members: [] },
    subnets: { ipv4: [], ipv6: [], unknown: "the public endpoint's addresses belong to AWS" },
    launchTemplates: [],
    sgsFromLaunchTemplate: false,
    hostsCoreDns: false,
  };
}

/** Nodes → public endpoint on TCP 443: their egress, and `public_access_cidrs` in place of an SG. */
export function publicEndpointFlow(topology: Topology, from: EniClass, path: Extract<ApiPath, { kind: "public" }>): FlowResult {
  const to = publicEndpointOf(from.cluster);
  const ports = { from: 443, to: 443 };
  // The public endpoint has IPv4 addresses.
  const egress = egressSide(topology, from, to, "tcp", ports, 4);
  const ingress: SideResult = path.openToAll
    ? { verdict: "allowed", rules: [], reasons: [] }
    : { verdict: "unknown", rules: [], reasons: [`the public endpoint admits only ${path.cidrs.join(", ")}; the nodes' NAT or public addresses must be among them, and the plan does not say what they are`] };
  const verdict = egress.verdict === "denied" ? "denied" : egress.verdict === "allowed" && ingress.verdict === "allowed" ? "allowed" : "unknown";
  return { verdict, from, to, protocol: "tcp", ports, egress, ingress };
}
