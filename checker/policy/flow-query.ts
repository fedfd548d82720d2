/** The flow query a policy context hands out, over one topology. */
import { flow } from "../eks/reachability";
import { apiServerFlow, coreDnsHosts, dnsFlows, kubeletFlow } from "../eks/required-flows";
import type { Topology } from "../eks/topology";
import type { FlowQuery } from "./contract";
import { flowResult } from "./flow-results";

export function flowQuery(topology: Topology): FlowQuery {
  return {
    between: (from, to, protocol, ports, family) => flow(topology, from, to, protocol, ports, family),
    toApiServer: (node) => apiServerFlow(topology, node),
    toKubelet: (node) => kubeletFlow(topology, node),
    coreDnsHosts: (node) => coreDnsHosts(node),
    dns: (node, host) => dnsFlows(topology, node, host),
    result: (address, flows, wording) => flowResult(topology, address, flows, wording),
  };
}
