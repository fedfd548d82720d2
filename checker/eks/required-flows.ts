/**
 * The flows every EKS cluster needs, as the policies and the regression check evaluate them:
 * nodes → API server TCP 443 (inside the VPC or through the public endpoint), API server →
 * kubelet TCP 10250, and DNS (TCP and UDP 53) from every node class to every CoreDNS host.
 */
import { apiPathOf, publicEndpointFlow } from "./api-endpoint";
import { flow, type FlowResult } from "./reachability";
import { podNetworksOf, podsUseNodeSgs } from "./eni-class";
import type { EniClass, Topology } from "./topology";

/** The API flow of a node class, or why the plan cannot tell which path the nodes take. */
export function apiServerFlow(topology: Topology, node: EniClass): FlowResult | { readonly unknown: string } {
  const path = apiPathOf(topology, node.cluster);
  if (path.kind === "unknown") return { unknown: `cannot tell whether nodes reach the API inside the VPC or through the public endpoint (${path.reason})` };
  // Nodes reach the API over IPv4 in an IPv4 cluster; in an IPv6 cluster either family can carry it.
  const family = node.cluster.ipFamily === 6 ? "any" : 4;
  return path.kind === "private" ? flow(topology, node, node.cluster.controlPlane, "tcp", 443, family) : publicEndpointFlow(topology, node, path);
}

export function kubeletFlow(topology: Topology, node: EniClass): FlowResult {
  return flow(topology, node.cluster.controlPlane, node, "tcp", 10250);
}

/**
 * ENI classes of the cluster where CoreDNS pods can run: node classes, or on EC2 nodes under
 * custom networking, the pod ENIs of the ENIConfigs.
 */
export function coreDnsHosts(node: EniClass): EniClass[] {
  const { cluster } = node;
  return (cluster.pods.length === 0 ? cluster.nodes : [...cluster.nodes, ...podNetworksOf(cluster)]).filter((n) => n.hostsCoreDns && podsUseNodeSgs(n));
}

export function dnsFlows(topology: Topology, node: EniClass, host: EniClass): FlowResult[] {
  return [flow(topology, node, host, "udp", 53), flow(topology, node, host, "tcp", 53)];
}
