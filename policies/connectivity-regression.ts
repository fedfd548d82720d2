import { definePolicy, relatedOf } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { formatPorts, type FlowResult } from "../checker/eks/reachability";
import { apiServerFlow, coreDnsHosts, dnsFlows, kubeletFlow } from "../checker/eks/required-flows";
import { podNetworksOf, podsUseNodeSgs } from "../checker/eks/eni-class";
import type { Topology } from "../checker/eks/topology";

interface RequiredFlow {
  readonly name: string;
  /** The node class the finding is about. */
  readonly address: string;
  readonly result: FlowResult | { readonly unknown: string };
}

/** The required flows of one side of the plan, keyed by class ids and port so the two sides can be matched. */
function requiredFlows(topology: Topology): Map<string, RequiredFlow> {
  const flows = new Map<string, RequiredFlow>();
  for (const cluster of topology.clusters) {
    // Pods on ENIs of their own call the API and ask CoreDNS from there, as node-to-apiserver and node-dns judge them.
    for (const node of [...cluster.nodes, ...podNetworksOf(cluster)]) {
      const pods = node.kind === "pod-network";
      flows.set(`${node.id} api`, { name: `${pods ? "pods" : "nodes"} → API server`, address: node.address, result: apiServerFlow(topology, node) });
      if (!pods) flows.set(`${node.id} kubelet`, { name: "API server → kubelet", address: node.address, result: kubeletFlow(topology, node) });
      if (!podsUseNodeSgs(node)) continue;
      for (const host of coreDnsHosts(node)) {
        for (const result of dnsFlows(topology, node, host)) {
          flows.set(`${node.id} dns ${host.id} ${result.protocol}`, { name: `DNS to ${host.address}`, address: node.address, result });
        }
      }
    }
  }
  return flows;
}

export default definePolicy({
  meta: {
    id: "connectivity-regression",
    severity: "error",
    title: "A required flow that works before the plan still works after it",
    rationale:
      "A plan that deletes or changes a rule the nodes depend on (443 to the API server, 10250 to the kubelet, 53 to CoreDNS) breaks a running cluster the moment it is applied.",
    messages: {
      regressed: "{{flow}} ({{ports}}) is open before this plan and {{after}} after it: {{why}}.{{cause}}",
    },
    fixes: {
      regressed: "keep the rule, or add its replacement in the same plan",
    },
  },
  check({ graph, topology, topologyBefore }) {
    const was = requiredFlows(topologyBefore);
    const results: PolicyResult[] = [];
    for (const [key, now] of requiredFlows(topology)) {
      const then = was.get(key)?.result;
      if (!then || "unknown" in then || then.verdict !== "allowed") continue;
      const is = now.result;
      const ports = formatPorts(then.protocol, then.ports);
      if (!("unknown" in is) && is.verdict === "allowed") {
        results.push({ address: now.address, key, status: "pass", data: { flow: now.name, ports } });
        continue;
      }
      const lost = [...new Set([...then.egress.rules, ...then.ingress.rules].map((r) => r.address).filter((a) => ["delete", "replace"].includes(graph.instances.get(a)?.action ?? "")))];
      let why: string;
      if ("unknown" in is) why = is.unknown;
      else {
        const sides = ([["egress", is.egress], ["ingress", is.ingress]] as const).filter(([, side]) => side.verdict !== "allowed");
        why = sides.map(([name, side]) => `${name} side ${side.verdict === "denied" ? "missing" : "unknown"}: ${side.reasons.join("; ")}`).join("; ");
      }
      const blocked = !("unknown" in is) && is.verdict === "denied";
      results.push({
        address: now.address,
        key,
        status: "fail",
        related: [...new Set([...relatedOf(then), ...("unknown" in is ? [] : relatedOf(is))])],
        messageId: "regressed",
        data: {
          flow: now.name,
          ports,
          after: blocked ? "blocked" : "no longer certain",
          why,
          lostRules: lost,
          cause: lost.length > 0 ? ` The plan deletes or replaces ${lost.join(", ")}, which allowed it.` : "",
        },
      });
    }
    return results;
  },
});
