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
  /** For the flows of pods: their cluster, what they are ("api", "dns udp", "dns tcp") and whether the pods are on ENIs of their own. */
  readonly pods?: { readonly cluster: string; readonly flow: string; readonly ownEnis: boolean };
}

/** The required flows of one side of the plan, keyed by class ids and port so the two sides can be matched. */
function requiredFlows(topology: Topology): Map<string, RequiredFlow> {
  const flows = new Map<string, RequiredFlow>();
  for (const cluster of topology.clusters) {
    // Pods on ENIs of their own call the API and ask CoreDNS from there, as node-to-apiserver and node-dns judge them.
    for (const node of [...cluster.nodes, ...podNetworksOf(cluster)]) {
      const pods = node.kind === "pod-network";
      const hostsPods = podsUseNodeSgs(node) ? { cluster: cluster.address, ownEnis: pods } : undefined;
      flows.set(`${node.id} api`, { name: `${pods ? "pods" : "nodes"} → API server`, address: node.address, result: apiServerFlow(topology, node), ...(hostsPods && { pods: { ...hostsPods, flow: "api" } }) });
      if (!pods) flows.set(`${node.id} kubelet`, { name: "API server → kubelet", address: node.address, result: kubeletFlow(topology, node) });
      if (!hostsPods) continue;
      for (const host of coreDnsHosts(node)) {
        for (const result of dnsFlows(topology, node, host)) {
          flows.set(`${node.id} dns ${host.id} ${result.protocol}`, { name: `DNS to ${host.address}`, address: node.address, result, pods: { ...hostsPods, flow: `dns ${result.protocol}` } });
        }
      }
    }
  }
  return flows;
}

const allowed = (flow: RequiredFlow): boolean => !("unknown" in flow.result) && flow.result.verdict === "allowed";

/**
 * Pods that move to ENIs of their own in this plan (custom networking turned on, a NodeClass given
 * pod SGs) make flows that are new by class; before, the same pods called the API and asked CoreDNS
 * from where they ran. Such a flow counts as open before when it was open from every place the
 * cluster's pods ran, and fails when it is blocked now; pods whose SGs are not known now may not
 * move at all (an add-on configured at apply time), so that is left to the flow policies' unknowns.
 */
function podFlowsBefore(flows: ReadonlyMap<string, RequiredFlow>): Map<string, RequiredFlow> {
  const byFlow = new Map<string, RequiredFlow[]>();
  for (const flow of flows.values()) {
    if (!flow.pods) continue;
    const key = `${flow.pods.cluster} ${flow.pods.flow}`;
    byFlow.set(key, [...(byFlow.get(key) ?? []), flow]);
  }
  const open = new Map<string, RequiredFlow>();
  for (const [key, list] of byFlow) if (list.every(allowed)) open.set(key, list[0]);
  return open;
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
      "pods-moved": "{{flow}} ({{ports}}) is open before this plan from where the pods ran ({{before}}) and blocked after it from the ENIs of their own this plan gives them: {{why}}.",
    },
    fixes: {
      regressed: "keep the rule, or add its replacement in the same plan",
      "pods-moved": "in the same plan, admit the pods' own SGs (the ENIConfig's or the NodeClass's pod SGs) wherever the nodes' SGs are admitted",
    },
  },
  check({ graph, topology, topologyBefore }) {
    const was = requiredFlows(topologyBefore);
    const podsWere = podFlowsBefore(was);
    const results: PolicyResult[] = [];
    for (const [key, now] of requiredFlows(topology)) {
      const decided = !("unknown" in now.result) && now.result.verdict !== "unknown";
      const moved = !was.has(key) && now.pods?.ownEnis && decided ? podsWere.get(`${now.pods.cluster} ${now.pods.flow}`) : undefined;
      const then = was.get(key)?.result ?? moved?.result;
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
        ...(moved
          ? { messageId: "pods-moved", data: { flow: now.name, ports, before: moved.address, why } }
          : {
              messageId: "regressed",
              data: { flow: now.name, ports, after: blocked ? "blocked" : "no longer certain", why, lostRules: lost, cause: lost.length > 0 ? ` The plan deletes or replaces ${lost.join(", ")}, which allowed it.` : "" },
            }),
      });
    }
    return results;
  },
});
