/**
 * A report grows with the plan, not with its square (issue #13). In a plan of many clusters whose
 * rules name their SGs through locals, every such rule may be on any SG: each flow side had
 * listed all of them, and cluster-sg-rule-misses-nodes had reported each rule once per cluster,
 * so 40 clusters made a 17 MB report and 872 ran V8 out of memory. Measured in findings and bytes,
 * not time.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fixturePlan, reportOf } from "../helpers/fixtures";

interface Change {
  address: string;
  module_address?: string;
}

/** The fixture's module instance for "ads" stamped out `copies` times, each cluster with names of its own. */
function planWithClusters(dir: string, copies: number): string {
  const plan = JSON.parse(fs.readFileSync(fixturePlan("topo-rules-through-local-clusters"), "utf8")) as { resource_changes: Change[] };
  const own = plan.resource_changes.filter((rc) => rc.module_address === undefined);
  const template = JSON.stringify(plan.resource_changes.filter((rc) => rc.module_address === 'module.cluster["ads"]'));
  const stamped = Array.from({ length: copies }, (_, i) => JSON.parse(template.replaceAll('module.cluster[\\"ads\\"]', `module.cluster[\\"t${i}\\"]`).replaceAll("team-ads", `team-t${i}`)) as Change[]);
  plan.resource_changes = [...own, ...stamped.flat()];
  const file = path.join(dir, `plan-${copies}.json`);
  fs.writeFileSync(file, JSON.stringify(plan));
  return file;
}

test("four times the clusters make four times the findings and about four times the bytes", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-growth-"));
  try {
    const [small, large] = [10, 40].map((copies) => reportOf([planWithClusters(dir, copies)]));
    expect(small.summary.unknown).toBeGreaterThan(50);
    expect(large.findings.length).toBe(4 * small.findings.length);
    // The flow findings name up to five rules and five clusters, so a larger plan makes them
    // slightly longer (its addresses have more digits), never proportionally longer.
    const bytes = (r: typeof small) => JSON.stringify(r.findings).length;
    expect(bytes(large) / bytes(small)).toBeGreaterThan(3.9);
    expect(bytes(large) / bytes(small)).toBeLessThan(4.3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
