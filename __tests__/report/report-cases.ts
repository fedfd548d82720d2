/**
 * The inputs every report format is produced for: the shared corpus of real plans (but the one
 * that records a failed plan, which is an input error) and every committed fixture plan.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { corpusPlans, ERRORED_PLANS, FIXTURES, graphOf, reportOf } from "../helpers/fixtures";
import type { ResourceGraph } from "../../checker/model/resource-graph";
import type { Finding, Report } from "../../checker/findings/report";
import { topologyView, type TopologyView } from "../../checker/report/topology-view";
import type { FindingWaiver, WaivableFinding } from "../../checker/waivers/waiver";

/** `terraform show -json` of a plan that errored: loading it is an input error, not a report. */

export interface ReportCase {
  readonly name: string;
  readonly file: string;
}

export function reportCases(): ReportCase[] {
  const corpus = corpusPlans()
    .filter((file) => !ERRORED_PLANS.has(path.basename(file)))
    .map((file) => ({ name: `corpus/${path.basename(file)}`, file }));
  const dir = path.join(FIXTURES, "tf");
  const fixtures = fs
    .readdirSync(dir)
    .sort()
    .filter((name) => fs.existsSync(path.join(dir, name, "plan.json")))
    .map((name) => ({ name: `fixture/${name}`, file: path.join(dir, name, "plan.json") }));
  return [...corpus, ...fixtures];
}

export interface Built {
  readonly report: Report;
  readonly graph: ResourceGraph;
  readonly view: TopologyView;
}

const cache = new Map<string, Built>();

/** The report, model and topology view of one input, built once per test file. */
export function built(file: string): Built {
  let entry = cache.get(file);
  if (!entry) {
    const graph = graphOf(file);
    entry = { report: reportOf([file]), graph, view: topologyView(graph) };
    cache.set(file, entry);
  }
  return entry;
}

/** A finding with every character that formats must escape, for table-driven checks. */
export function nastyFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    policy: "world-ingress",
    severity: "error",
    status: "fail",
    address: 'module.a["x|y"].aws_security_group.this["<b>&\\`50%`"]',
    message: 'ingress from 0.0.0.0/0, port 22: open\nsecond line with "quotes", <tags>, & ampersands, 100% | pipes, ]]> and a control \u0001 char',
    messageId: "open-to-world",
    data: {},
    related: ["aws_security_group.x"],
    input: "infra/plan.json",
    fingerprint: "0123456789abcdef0123456789abcdef",
    ...overrides,
  };
}

export function waived(finding: Finding, waiver: Partial<FindingWaiver> = {}): WaivableFinding {
  return {
    ...finding,
    status: "waived",
    waiver: { status: "applied", reason: "Bastion reachable from the VPN only", owner: "@platform-sec", expires: "2099-01-31", ...waiver },
  };
}

/** A report around some findings, counted as `checkGraphs` counts them. */
export function reportWith(findings: readonly Finding[], inputs: readonly string[] = ["infra/plan.json"]): Report {
  const count = (status: Finding["status"]) => findings.filter((f) => f.status === status).length;
  return {
    schemaVersion: 1,
    tool: { name: "eks-sg-policy", version: "0.1.0" },
    inputs: inputs.map((p) => ({ path: p, kind: "plan" as const })),
    findings,
    summary: { policies: 16, checks: findings.length + 10, passed: 10, failed: count("fail"), unknown: count("unknown"), waived: count("waived") },
  };
}
