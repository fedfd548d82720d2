/** Flows between ENI classes: both sides must allow; unknown never becomes allowed. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { flow, LISTED_UNKNOWN_SG_RULES, type FlowResult } from "../../checker/eks/reachability";
import { unknownSubnetsOf } from "../../checker/eks/subnets";
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

describe("CIDR peers over subnets the plan knows only in part", () => {
  const { t, cp, node } = setup("topo-cidr-partly-known");
  test("a CIDR holding every known subnet leaves the side unknown, naming the subnet it cannot place", () => {
    const result = flow(t, cp, node('managed(aws_eks_node_group.this["wide"])'), "tcp", 10250);
    expect(sides(result)).toEqual(["unknown", "allowed", "unknown"]);
    expect(result.ingress.reasons).toEqual([expect.stringMatching(/^the subnets of control-plane\(aws_eks_cluster\.this\) that the plan knows are all within ingress tcp\/10250 from 10\.0\.0\.0\/8; whether the rest are is not known: .*aws_subnet\.this\["c"\] is decided at apply time$/)]);
    expect(result.ingress.rules.map((r) => r.address)).toEqual(['aws_security_group.node["wide"]']);
  });
  test("a CIDR missing a known subnet is denied whatever the others are", () => {
    const result = flow(t, cp, node('managed(aws_eks_node_group.this["narrow"])'), "tcp", 10250);
    expect(sides(result)).toEqual(["denied", "allowed", "denied"]);
  });
  test("the same holds for the nodes' subnets on the cluster SG's side", () => {
    expect(sides(flow(t, node('managed(aws_eks_node_group.this["wide"])'), cp, "tcp", 443))).toEqual(["unknown", "allowed", "unknown"]);
  });
});

test("an IPv6 CIDR decided at apply time leaves IPv6 flows unknown, not IPv4 ones", () => {
  const { t, cp, node } = setup("topo-ipv6-partly-known");
  expect(cp.subnets.unknown).toBeUndefined();
  expect(unknownSubnetsOf(cp.subnets, 4)).toBeUndefined();
  expect(unknownSubnetsOf(cp.subnets, 6)).toBe('the IPv6 CIDR of aws_subnet.private["c"] is decided at apply time');
  const nodes = node("managed(aws_eks_node_group.this)");
  expect(sides(flow(t, cp, nodes, "tcp", 10250))).toEqual(["unknown", "allowed", "unknown"]);
  // Over IPv4 no rule admits 10250: denied, whatever the IPv6 CIDRs are.
  expect(sides(flow(t, cp, nodes, "tcp", 10250, 4))).toEqual(["denied", "allowed", "denied"]);
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

describe("rules whose SG is decided at apply time and may be on any SG (seven clusters, rules through locals)", () => {
  const fixture = "topo-rules-through-local-clusters";
  const nodes = 'managed(module.cluster["ads"].aws_eks_node_group.workers)';
  const cpOf = (t: Topology) => t.classById('control-plane(module.cluster["ads"].aws_eks_cluster.this)')!;
  // TCP 1000-2000: every cluster's `high` rules (1025-65535) might open part of it, none all of it.
  const range = { from: 1000, to: 2000 };
  const mayBeOn = (r: FlowResult) => r.ingress.reasons.filter((reason) => / may be on these SGs: /.test(reason));

  test("a side names a few of them and says there are more", () => {
    const t = topologyOf(graphOf(fixturePlan(fixture)), "after");
    const result = flow(t, cpOf(t), t.classById(nodes)!, "tcp", 10250);
    expect(sides(result)).toEqual(["unknown", "allowed", "unknown"]);
    expect(mayBeOn(result)).toHaveLength(LISTED_UNKNOWN_SG_RULES);
    expect(result.ingress.reasons).toContain("and more rules whose security_group_id is decided at apply time may be on these SGs");
  });

  test("the rules past the five still decide the verdict", () => {
    const t = topologyOf(graphOf(fixturePlan(fixture)), "after");
    const before = flow(t, cpOf(t), t.classById(nodes)!, "tcp", range);
    expect(sides(before)).toEqual(["denied", "allowed", "denied"]);
    // The last cluster's rule, far past those named, now opens 1000-65535.
    const plan = JSON.parse(fs.readFileSync(fixturePlan(fixture), "utf8")) as { resource_changes: { address: string; change: { after: { from_port: number } } }[] };
    const widened = plan.resource_changes.find((rc) => rc.address === 'module.cluster["search"].aws_security_group_rule.node_from_cluster["high"]')!;
    widened.change.after.from_port = 1000;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-reach-")), "plan.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    const t2 = topologyOf(graphOf(file), "after");
    const after = flow(t2, cpOf(t2), t2.classById(nodes)!, "tcp", range);
    expect(sides(after)).toEqual(["unknown", "allowed", "unknown"]);
    expect(mayBeOn(after)).toHaveLength(LISTED_UNKNOWN_SG_RULES);
    expect(mayBeOn(after).join()).not.toMatch(/search/);
  });
});
