/**
 * Findings about pairs of node classes grow linearly: 60 node groups on one node SG without rules
 * block every pair (60² results per pairwise policy), yet each node group gets at most
 * PEER_FINDINGS_PER_CLASS findings of one status per policy — the rest counted and named in one.
 */
import { PEER_FINDINGS_PER_CLASS } from "../../checker/policy/context";
import { fixturePlan, reportOf } from "../helpers/fixtures";

const report = reportOf([fixturePlan("scale-many-node-groups")]);
const GROUPS = 60;

test.each(["node-dns", "node-to-node"])("%s: every node group is blocked to all its peers, in at most the cap of findings", (policy) => {
  const findings = report.findings.filter((f) => f.policy === policy);
  const byGroup = new Map<string, typeof findings>();
  for (const f of findings) byGroup.set(f.address, [...(byGroup.get(f.address) ?? []), f]);
  expect(byGroup.size).toBe(GROUPS);
  for (const [, own] of byGroup) {
    expect(own).toHaveLength(PEER_FINDINGS_PER_CLASS);
    const summed = own.filter((f) => f.messageId === "flows-more");
    expect(summed).toHaveLength(1);
    // The peers the finding sums up, and those with their own finding, are every class of the cluster.
    expect((summed[0].data.allPeers as string[]).length + own.length - 1).toBe(GROUPS);
    expect(summed[0].message).toMatch(/^(DNS \(TCP and UDP 53\) to the CoreDNS hosts|TCP 1025-65535 to the other node classes): 51 more peers are blocked as well \(managed\(aws_eks_node_group\.pool\["pool-\d{3}"\]\), .*, and 41 more\); the findings above show how$/);
  }
});

test("the report grows with the node groups, not with their square", () => {
  expect(report.findings.length).toBeLessThan(GROUPS * 30);
  expect(report.summary.checks).toBeLessThan(GROUPS * GROUPS);
});
