import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { relatedOf } from "../checker/eks/flow-findings";
import { flow, formatPorts, type FlowProtocol, type FlowResult } from "../checker/eks/reachability";
import { topologiesOf, type EniClass, type Topology } from "../checker/eks/topology";

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
  readonly key: string;
  readonly from: EniClass;
  readonly to: EniClass;
  readonly protocol: FlowProtocol;
  readonly port: number;
}

/** The required flows of a topology, keyed so that the same flow can be found on the other side of the plan. */
function requiredFlows(topology: Topology): Map<string, RequiredFlow> {
  const flows = new Map<string, RequiredFlow>();
  const add = (f: RequiredFlow) => flows.set(f.key, f);
  for (const cluster of topology.clusters) {
    const cp = cluster.controlPlane;
    for (const node of cluster.nodes) {
      add({ name: "nodes → API server", key: `${node.id}>${cp.id}:tcp/443`, from: node, to: cp, protocol: "tcp", port: 443 });
      add({ name: "API server → kubelet", key: `${cp.id}>${node.id}:tcp/10250`, from: cp, to: node, protocol: "tcp", port: 10250 });
      for (const host of cluster.nodes.filter((n) => n.hostsCoreDns)) {
        for (const protocol of ["udp", "tcp"] as const) add({ name: `DNS to ${host.address}`, key: `${node.id}>${host.id}:${protocol}/53`, from: node, to: host, protocol, port: 53 });
      }
    }
  }
  return flows;
}

const subjectOf = (f: RequiredFlow) => (f.from.kind === "control-plane" ? f.to.address : f.from.address);
const run = (t: Topology, f: RequiredFlow): FlowResult => flow(t, f.from, f.to, f.protocol, f.port);

export function check({ graph }: PolicyContext): CheckResult[] {
  const { before, after } = topologiesOf(graph);
  const beforeFlows = requiredFlows(before);
  const results: CheckResult[] = [];
  for (const [key, now] of requiredFlows(after)) {
    const then = beforeFlows.get(key);
    if (!then) continue;
    const was = run(before, then);
    if (was.verdict !== "allowed") continue;
    const is = run(after, now);
    const address = subjectOf(now);
    const ports = formatPorts(now.protocol, { from: now.port, to: now.port });
    if (is.verdict === "allowed") {
      results.push({ address, key, status: "pass", message: `${now.name} (${ports}) stays open` });
      continue;
    }
    const side = is.ingress.verdict !== "allowed" ? is.ingress : is.egress;
    const sideName = side === is.ingress ? "ingress" : "egress";
    const lost = [...was.egress.rules, ...was.ingress.rules].map((r) => r.address).filter((a) => graph.instances.get(a)?.action === "delete" || graph.instances.get(a)?.action === "replace");
    const cause = lost.length > 0 ? ` The plan deletes or replaces ${[...new Set(lost)].join(", ")}, which allowed it.` : "";
    results.push({
      address,
      key,
      status: "fail",
      related: [...new Set([...relatedOf(was), ...relatedOf(is)])],
      message: `${now.name} (${ports}) is open before this plan and ${is.verdict === "denied" ? "blocked" : "no longer certain"} after it: ${sideName} side ${is.verdict === "denied" ? "missing" : "unknown"} — ${side.reasons.join("; ")}.${cause} Keep the rule, or add its replacement in the same plan.`,
    });
  }
  return results;
}
