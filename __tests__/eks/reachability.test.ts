/** Flows between ENI classes: both sides must allow; unknown never becomes allowed. */
import { flow, type FlowResult } from "../../checker/eks/reachability";
import { topologyOf, type Topology } from "../../checker/eks/topology";
import { fixturePlan, graphOf } from "../helpers/fixtures";

function setup(name: string, side: "before" | "after" = "after") {
  const t: Topology = topologyOf(graphOf(fixturePlan(name)), side);
  const cluster = t.clusters[0];
  const node = (id: string) => t.classById(id)!;
  return { t, cp: cluster.controlPlane, node };
}

const sides = (r: FlowResult) => [r.verdict, r.egress.verdict, r.ingress.verdict];

test("nodes on the cluster SG reach the control plane through EKS's own rules", () => {
  const { t, cp, node } = setup("topo-mng-no-lt");
  const result = flow(t, node("managed(aws_eks_node_group.default)"), cp, "tcp", 443);
  expect(sides(result)).toEqual(["allowed", "allowed", "allowed"]);
  expect(result.ingress.rules.map((r) => r.origin)).toEqual(["eks"]);
});

test("a node SG without rules blocks both sides, and says which", () => {
  const { t, cp, node } = setup("topo-lt-node-sg-no-rules");
  const result = flow(t, node("managed(aws_eks_node_group.workers)"), cp, "tcp", 443);
  expect(sides(result)).toEqual(["denied", "denied", "denied"]);
  expect(result.egress.reasons[0]).toMatch(/no egress rule on aws_security_group\.node allows TCP 443 to control-plane/);
  expect(result.ingress.reasons[0]).toMatch(/no ingress rule on the cluster SG of aws_eks_cluster\.this allows TCP 443/);
});

test("the control plane egresses everywhere through the cluster SG, so 10250 depends on the node SG's ingress", () => {
  const { t, cp, node } = setup("topo-lt-node-sg-no-rules");
  expect(sides(flow(t, cp, node("managed(aws_eks_node_group.workers)"), "tcp", 10250))).toEqual(["denied", "allowed", "denied"]);
});

test("egress narrower than the flow: 443 passes, 53 does not", () => {
  const { t, cp, node } = setup("topo-egress-narrow");
  const workers = node("managed(aws_eks_node_group.workers)");
  expect(flow(t, workers, cp, "tcp", 443).verdict).toBe("allowed");
  expect(sides(flow(t, workers, workers, "udp", 53))).toEqual(["denied", "denied", "allowed"]);
});

describe("CIDR peers", () => {
  const { t } = setup("topo-cidr-rules");
  const pair = (c: string) => [t.classById(`control-plane(aws_eks_cluster.${c})`)!, t.classById(`managed(aws_eks_node_group.${c})`)!] as const;
  test("a CIDR that contains every subnet of the class covers it", () => {
    const [cp, nodes] = pair("a");
    expect(flow(t, cp, nodes, "tcp", 10250).verdict).toBe("allowed");
  });
  test("a CIDR that misses the class's subnets does not", () => {
    const [cp, nodes] = pair("b");
    expect(sides(flow(t, cp, nodes, "tcp", 10250))).toEqual(["denied", "allowed", "denied"]);
  });
  test("subnets whose CIDRs the plan does not know make it unknown, not allowed", () => {
    const [cp, nodes] = pair("c");
    const result = flow(t, cp, nodes, "tcp", 10250);
    expect(sides(result)).toEqual(["unknown", "allowed", "unknown"]);
    expect(result.ingress.reasons.join()).toMatch(/10\.101\.0\.0\/16/);
  });
});

test("a port range must be open in full", () => {
  const { t, node } = setup("topo-lt-node-sg-correct");
  const workers = node("managed(aws_eks_node_group.workers)");
  expect(flow(t, workers, workers, "tcp", { from: 1025, to: 65535 }).verdict).toBe("allowed");
  const { t: narrow, node: n } = setup("topo-egress-narrow");
  const w = n("managed(aws_eks_node_group.workers)");
  expect(flow(narrow, w, w, "tcp", { from: 1025, to: 65535 }).egress.verdict).toBe("denied");
});

test("rules attached through a local make the flow unknown, never allowed", () => {
  const { t, cp, node } = setup("topo-rules-through-local");
  const workers = node("managed(aws_eks_node_group.workers)");
  const result = flow(t, workers, cp, "tcp", 443);
  expect(sides(result)).toEqual(["unknown", "unknown", "unknown"]);
  expect(result.egress.reasons.join()).toMatch(/local\.node_sg_id \(locals are not in plan JSON\)/);
  expect(flow(t, workers, workers, "udp", 53).verdict).toBe("unknown");
});

test("the world before the plan still has the rule the plan deletes", () => {
  const before = setup("topo-state-delete-rule", "before");
  const after = setup("topo-state-delete-rule", "after");
  const id = "managed(aws_eks_node_group.workers)";
  expect(flow(before.t, before.node(id), before.cp, "tcp", 443).verdict).toBe("allowed");
  expect(flow(after.t, after.node(id), after.cp, "tcp", 443).verdict).toBe("denied");
});
