/**
 * `removed { lifecycle { destroy = false } }`: Terraform forgets the object (action "forget") and
 * AWS keeps it as it was. It still carries traffic, so the topology holds it with its values
 * before the plan; it is no longer this configuration's, so no finding is addressed to it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { topologyOf } from "../../checker/eks/topology";
import { fixturePlan, graphOf, reportOf } from "../helpers/fixtures";

const RULE = 'aws_security_group_rule.node_from_cluster["kubelet"]';

test("a forgotten rule stays in the world after the plan, with its values before it", () => {
  const graph = graphOf(fixturePlan("topo-state-forget-rules"));
  const rule = graph.instances.get(RULE)!;
  expect(rule.action).toBe("forget");
  expect(rule.after).toBeNull();
  expect(graph.after.get(RULE)).toBe(rule);
  expect(graph.after.values(rule)).toBe(rule.before);
  const kubelet = topologyOf(graph).rules.of("aws_security_group.node", "ingress").filter((r) => r.address === RULE);
  expect(kubelet.map((r) => [r.fromPort, r.toPort])).toEqual([[10250, 10250]]);
});

/** The fixture's plan with these instances forgotten as well (as a `removed` block writes them). */
function withForgotten(addresses: string[]): string {
  const plan = JSON.parse(fs.readFileSync(fixturePlan("topo-state-forget-rules"), "utf8"));
  for (const change of plan.resource_changes) {
    if (!addresses.includes(change.address)) continue;
    change.change = { ...change.change, actions: ["forget"], after: null, after_unknown: {}, after_sensitive: false };
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "forgotten-")), "plan.json");
  fs.writeFileSync(file, JSON.stringify(plan));
  return file;
}

test("no finding is addressed to a forgotten object, and it still shapes the others' flows", () => {
  const all = reportOf([fixturePlan("topo-state-forget-rules")]);
  expect(all.findings.filter((f) => f.address === "aws_eks_cluster.this").map((f) => f.policy)).toContain("public-endpoint");
  expect(all.findings.filter((f) => f.address === "aws_eks_node_group.workers").map((f) => `${f.policy} ${f.status}`)).toEqual(
    expect.arrayContaining(["cluster-sg-detached fail", "apiserver-to-webhooks fail"]),
  );

  const file = withForgotten(["aws_eks_cluster.this", "aws_eks_node_group.workers"]);
  const report = reportOf([file]);
  expect(report.findings.filter((f) => f.address === "aws_eks_cluster.this" || f.address === "aws_eks_node_group.workers")).toEqual([]);
  const topology = topologyOf(graphOf(file));
  expect(topology.classById("managed(aws_eks_node_group.workers)")?.sgs.members).toEqual(["aws_security_group.node"]);
});
