/**
 * Every real plan in ../shared/plans loads and checks without an input error (but the errored
 * one), and the model holds every resource change of it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { cli, corpusPlans, graphOf } from "../helpers/fixtures";

const ERRORED = "hashicorp__terraform__show-json-plan-error.json";

function readJson(file: string): { resource_changes?: unknown[] } {
  const bytes = fs.readFileSync(file);
  const text = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString("utf16le") : bytes.toString("utf8").replace(/^\uFEFF/, "");
  return JSON.parse(text);
}

const plans = corpusPlans();

test("the corpus is there (49 plans)", () => {
  expect(plans.length).toBe(49);
});

describe.each(plans.map((p) => [path.basename(p), p]))("%s", (name, file) => {
  if (name === ERRORED) {
    test("is an input error: exit 2, one line", () => {
      const run = cli(["check", file, "--format", "json"]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    });
    return;
  }

  test("checks with exit 0 or 1 and a valid report", () => {
    const run = cli(["check", file, "--format", "json"]);
    expect(run.stderr).toBe("");
    expect([0, 1]).toContain(run.code);
    const report = JSON.parse(run.stdout);
    expect(report.schemaVersion).toBe(1);
    expect(report.inputs).toHaveLength(1);
    expect(report.inputs[0].kind).toBe("plan");
    const { summary } = report;
    expect(summary.passed + summary.failed + summary.unknown + summary.waived).toBe(summary.checks);
    expect(summary.failed).toBe(report.findings.filter((f: { status: string }) => f.status === "fail").length);
    expect(run.code === 1).toBe(report.findings.some((f: { status: string; severity: string }) => f.status === "fail" && f.severity === "error"));
  });

  test("the model holds every resource change", () => {
    const graph = graphOf(file);
    const changes = readJson(file).resource_changes ?? [];
    expect(graph.instances.size).toBe(changes.length);
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
