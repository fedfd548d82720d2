/**
 * Every real plan — the vendored ones (fixtures/corpus) and, when it is there, the shared corpus
 * (../shared/plans) — loads and checks without an input error (but the errored ones), and the
 * model holds every resource change of it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { LOOKED_UP_TYPES } from "../../checker/model/from-plan";
import { cli, corpusPlans, ERRORED_PLANS, graphOf, SHARED_CORPUS, sharedCorpusMissing, VENDORED_CORPUS } from "../helpers/fixtures";

/** A plan's changes, and the data sources read while planning (prior state). */
type StateModule = { address?: string; resources?: { address: string; mode?: string; type: string }[]; child_modules?: StateModule[] };
function readJson(file: string): { resource_changes?: { address: string }[]; prior_state?: { values?: { root_module?: StateModule } } } {
  const bytes = fs.readFileSync(file);
  const text = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString("utf16le") : bytes.toString("utf8").replace(/^\uFEFF/, "");
  return JSON.parse(text);
}

const plans = corpusPlans();

test("the vendored corpus is there (34 plans and an errored OpenTofu plan)", () => {
  expect(fs.readdirSync(VENDORED_CORPUS).filter((f) => f.endsWith(".json"))).toHaveLength(35);
});

(sharedCorpusMissing ? test.skip : test)(`the shared corpus adds its 15 plans that cannot be vendored${sharedCorpusMissing ? ` (skipped: ${sharedCorpusMissing})` : ""}`, () => {
  expect(fs.readdirSync(SHARED_CORPUS).filter((f) => f.endsWith(".json"))).toHaveLength(49);
  expect(plans).toHaveLength(50);
});

describe.each(plans.map((p) => [path.basename(p), p]))("%s", (name, file) => {
  if (ERRORED_PLANS.has(name)) {
    test("is an input error: exit 2, one line", () => {
      const run = cli(["check", file, "--format", "json"]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    });
    return;
  }

  test("checks with exit 0 or 1 and a valid report", () => {
    const run = cli(["check", file, "--format", "json"]);
    expect([0, 1]).toContain(run.code);
    const report = JSON.parse(run.stdout);
    expect(report.schemaVersion).toBe(1);
    expect(report.inputs).toHaveLength(1);
    // stderr holds nothing, or the one warning of a plan with nothing EKS in it.
    const noEks = `eks-sg-policy: warning: ${file} has no EKS cluster, node group, Fargate profile, NodeClass or EKS-tagged SG, so nothing in it was checked; is it the plan you meant?\n`;
    expect(run.stderr).toBe(report.inputs[0].eksResources === 0 ? noEks : "");
    expect(report.inputs[0].kind).toBe("plan");
    const { summary } = report;
    expect(summary.passed + summary.failed + summary.unknown + summary.waived).toBe(summary.checks);
    expect(summary.failed).toBe(report.findings.filter((f: { status: string }) => f.status === "fail").length);
    expect(run.code === 1).toBe(report.findings.some((f: { status: string; severity: string }) => f.status === "fail" && f.severity === "error"));
  });

  test("the model holds every resource change, and the VPCs and subnets data sources read while planning", () => {
    const graph = graphOf(file);
    const plan = readJson(file);
    const changes = plan.resource_changes ?? [];
    const changed = new Set(changes.map((c) => c.address));
    // Terraform 0.12 wrote a child module's resources with their address in the module only.
    const full = (m: StateModule, address: string) => (m.address && !address.startsWith(`${m.address}.`) ? `${m.address}.${address}` : address);
    const read = (m: StateModule | undefined): string[] => [
      ...(m?.resources ?? []).filter((r) => r.mode === "data" && LOOKED_UP_TYPES.has(r.type) && !changed.has(full(m!, r.address))).map((r) => full(m!, r.address)),
      ...(m?.child_modules ?? []).flatMap(read),
    ];
    const lookedUp = read(plan.prior_state?.values?.root_module);
    expect(graph.instances.size).toBe(changes.length + lookedUp.length);
    for (const address of lookedUp) expect(graph.instances.get(address)?.mode).toBe("data");
  });
});

test("EKS plans of the corpus get their clusters checked", () => {
  const eks = plans.filter((p) => /eks/.test(path.basename(p)) && !/remote-access/.test(p));
  for (const file of eks) {
    const graph = graphOf(file);
    const clusters = graph.after.ofType("aws_eks_cluster").length;
    const report = JSON.parse(cli(["check", file, "--format", "json"]).stdout);
    // Three cluster policies judge every cluster in the world after the plan.
    expect(report.summary.checks).toBeGreaterThanOrEqual(3 * clusters);
  }
});
