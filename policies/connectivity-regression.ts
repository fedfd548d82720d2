import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { relatedOf } from "../checker/eks/flow-findings";
import { formatPorts, type FlowResult } from "../checker/eks/reachability";
import { apiServerFlow, coreDnsHosts, dnsFlows, kubeletFlow } from "../checker/eks/required-flows";
import { topologiesOf, type Topology } from "../checker/eks/topology";

export const meta: PolicyMeta = {
  id: "connectivity-regression",
  severity: "error",
  title: "A required flow that works before the plan still works after it",
  rationale:
    "A plan that deletes or changes a rule the nodes depend on (443 to the API server, 10250 to the kubelet, 53 to CoreDNS) breaks a running cluster the moment it is applied.",
  resourceTypes: ["aws_eks_cluster", "aws_eks_node_group", "aws_autoscaling_group", "aws_eks_fargate_profile", "aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
};

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
    for (const node of cluster.nodes) {
      flows.set(`${node.id} api`, { name: "nodes → API server", address: node.address, result: apiServerFlow(topology, node) });
      flows.set(`${node.id} kubelet`, { name: "API server → kubelet", address: node.address, result: kubeletFlow(topology, node) });
      for (const host of coreDnsHosts(node)) {
        for (const result of dnsFlows(topology, node, host)) {
          flows.set(`${node.id} dns ${host.id} ${result.protocol}`, { name: `DNS to ${host.address}`, address: node.address, result });
        }
      }
    }
  }
  return flows;
}

function portsOf(result: FlowResult): string {
  return formatPorts(result.protocol, result.ports);
}

export function check({ graph }: PolicyContext): CheckResult[] {
  const { before, after } = topologiesOf(graph);
  const was = requiredFlows(before);
  const results: CheckResult[] = [];
  for (const [key, now] of requiredFlows(after)) {
    const then = was.get(key)?.result;
    if (!then || "unknown" in then || then.verdict !== "allowed") continue;
    const is = now.result;
    const label = `${now.name} (${portsOf(then)})`;
    if (!("unknown" in is) && is.verdict === "allowed") {
      results.push({ address: now.address, key, status: "pass", message: `${label} stays open` });
      continue;
    }
    const lost = [...then.egress.rules, ...then.ingress.rules].map((r) => r.address).filter((a) => ["delete", "replace"].includes(graph.instances.get(a)?.action ?? ""));
    const cause = lost.length > 0 ? ` The plan deletes or replaces ${[...new Set(lost)].join(", ")}, which allowed it.` : "";
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
      message: `${label} is open before this plan and ${blocked ? "blocked" : "no longer certain"} after it: ${why}.${cause} Keep the rule, or add its replacement in the same plan.`,
    });
  }
  return results;
}
