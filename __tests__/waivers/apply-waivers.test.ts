/**
 * Waivers over real plans: what they waive, expiry (UTC, inclusive), unused and expired reports,
 * the recounted summary, and address globs with index keys and module paths.
 */
import { policies } from "../../policies";
import { fixturePlan, reportOf } from "../helpers/fixtures";
import { applyWaivers } from "../../checker/waivers/apply-waivers";
import { waiverCounts, waiverLines } from "../../checker/report/waiver-lines";
import type { Waiver } from "../../checker/waivers/waiver";
import type { Report } from "../../checker/findings/report";

const NOW = new Date("2026-06-15T12:00:00Z");

function waiver(fields: Partial<Waiver> & Pick<Waiver, "policy" | "address">, index = 0): Waiver {
  return {
    reason: "Accepted while the node SG rules are rewritten",
    owner: "@platform-sec",
    expires: "2026-12-31",
    source: { file: "eks-sg-policy.config.json", path: `waivers[${index}]` },
    ...fields,
  };
}

/** `status policy address` per finding, sorted: what a table can compare. */
function statuses(report: Report): string[] {
  return report.findings.map((f) => `${f.status} ${f.policy} ${f.address}`).sort();
}

describe("applied waivers (topo-lt-node-sg-no-rules)", () => {
  const before = reportOf([fixturePlan("topo-lt-node-sg-no-rules")]);

  test("the fixture fails as expected before any waiver", () => {
    expect(before.summary).toEqual({ policies: policies.length, checks: 15, passed: 6, failed: 9, unknown: 0, waived: 0 });
  });

  test("a matching waiver waives the finding, keeps severity and message, and carries the waiver", () => {
    const w = waiver({ policy: "node-to-apiserver", address: "aws_eks_node_group.workers", ticket: "SEC-42" });
    const { report, waiverResults } = applyWaivers(before, [w], NOW);
    const original = before.findings.find((f) => f.policy === "node-to-apiserver")!;
    const waived = report.findings.find((f) => f.policy === "node-to-apiserver")!;
    expect(waived).toEqual({
      ...original,
      status: "waived",
      waiver: {
        status: "applied",
        reason: "Accepted while the node SG rules are rewritten",
        owner: "@platform-sec",
        expires: "2026-12-31",
        ticket: "SEC-42",
        source: { file: "eks-sg-policy.config.json", path: "waivers[0]" },
      },
    });
    expect(report.summary).toEqual({ ...before.summary, failed: 8, waived: 1 });
    expect(waiverResults).toEqual([
      expect.objectContaining({
        policy: "node-to-apiserver",
        status: "applied",
        matches: [{ input: original.input, address: "aws_eks_node_group.workers", fingerprint: original.fingerprint }],
      }),
    ]);
    expect(report.waivers).toBe(waiverResults);
  });

  test("one address glob can waive every finding on a resource; checks and passes are unchanged", () => {
    const waivers = ["apiserver-to-kubelet", "apiserver-to-webhooks", "cluster-sg-detached", "node-dns", "node-to-apiserver", "node-to-node"].map((policy, i) =>
      waiver({ policy, address: "aws_eks_node_group.*" }, i),
    );
    const { report } = applyWaivers(before, waivers, NOW);
    expect(report.summary).toEqual({ policies: policies.length, checks: 15, passed: 6, failed: 3, unknown: 0, waived: 6 });
    expect(statuses(report).filter((s) => s.startsWith("fail"))).toEqual([
      "fail control-plane-logging aws_eks_cluster.this",
      "fail public-endpoint aws_eks_cluster.this",
      "fail secrets-encryption aws_eks_cluster.this",
    ]);
  });

  test("a waiver for another policy on the same address does not apply", () => {
    const { report, waiverResults } = applyWaivers(before, [waiver({ policy: "remote-access", address: "aws_eks_node_group.workers" })], NOW);
    expect(report.summary).toEqual(before.summary);
    expect(waiverResults[0].status).toBe("unused");
  });

  test("applyWaivers does not change the report it is given", () => {
    const copy = JSON.parse(JSON.stringify(before));
    applyWaivers(before, [waiver({ policy: "node-dns", address: "*" })], NOW);
    expect(JSON.parse(JSON.stringify(before))).toEqual(copy);
  });

  test("without waivers the findings are the same and the waivers list is empty", () => {
    const { report } = applyWaivers(before, [], NOW);
    expect(report.findings).toEqual(before.findings);
    expect(report.summary).toEqual(before.summary);
    expect(report.waivers).toEqual([]);
  });
});

describe("expiry: a UTC date, valid through that whole day", () => {
  const before = reportOf([fixturePlan("topo-lt-node-sg-no-rules")]);
  const w = waiver({ policy: "public-endpoint", address: "aws_eks_cluster.this", expires: "2026-03-31" });

  test.each([
    ["the day before", "2026-03-30T12:00:00Z", "waived", "applied"],
    ["the first instant of the last day", "2026-03-31T00:00:00.000Z", "waived", "applied"],
    ["the last millisecond of the last day", "2026-03-31T23:59:59.999Z", "waived", "applied"],
    ["the first instant of the day after", "2026-04-01T00:00:00.000Z", "fail", "expired"],
    ["the day after, still 31 March west of UTC", "2026-03-31T20:00:00-05:00", "fail", "expired"],
    ["months later", "2026-09-01T00:00:00Z", "fail", "expired"],
  ])("%s (%s): finding %s, waiver %s", (_, now, findingStatus, waiverStatus) => {
    const { report, waiverResults } = applyWaivers(before, [w], new Date(now));
    const finding = report.findings.find((f) => f.policy === "public-endpoint")!;
    expect(finding.status).toBe(findingStatus);
    expect(finding.waiver?.status).toBe(waiverStatus);
    expect(waiverResults[0].status).toBe(waiverStatus);
  });

  test("an expired waiver lets the finding fail again, says so in the message, and counts it as failed", () => {
    const { report, waiverResults } = applyWaivers(before, [w], new Date("2026-04-01T00:00:00Z"));
    const original = before.findings.find((f) => f.policy === "public-endpoint")!;
    const finding = report.findings.find((f) => f.policy === "public-endpoint")!;
    expect(finding.message).toBe(`${original.message} (waiver by @platform-sec expired on 2026-03-31 UTC)`);
    expect(finding.severity).toBe(original.severity);
    expect(finding.fingerprint).toBe(original.fingerprint);
    expect(finding.waiver).toMatchObject({ status: "expired", expires: "2026-03-31", owner: "@platform-sec" });
    expect(report.summary).toEqual(before.summary);
    expect(waiverLines(waiverResults)).toEqual([
      "WAIVER EXPIRED - eks-sg-policy.config.json waivers[0] - public-endpoint aws_eks_cluster.this - expired on 2026-03-31 UTC (owner @platform-sec); the finding it matches counts again: renew it with a later date or fix the finding",
    ]);
  });

  test("an in-force waiver wins over an expired one for the same finding", () => {
    const renewed = waiver({ policy: "public-endpoint", address: "aws_eks_cluster.*", expires: "2026-12-31" }, 1);
    const { report, waiverResults } = applyWaivers(before, [w, renewed], new Date("2026-06-01T00:00:00Z"));
    const finding = report.findings.find((f) => f.policy === "public-endpoint")!;
    expect(finding.status).toBe("waived");
    expect(finding.waiver?.source?.path).toBe("waivers[1]");
    expect(waiverResults.map((r) => r.status)).toEqual(["expired", "applied"]);
  });
});

describe("unused waivers", () => {
  const before = reportOf([fixturePlan("topo-lt-node-sg-no-rules")]);

  test("a waiver that matches nothing is reported as unused, with a line saying what to do", () => {
    const waivers = [
      waiver({ policy: "node-dns", address: "aws_eks_node_group.workers" }, 0),
      waiver({ policy: "node-dns", address: "aws_eks_node_group.other" }, 1),
      waiver({ policy: "world-ingress", address: "*", input: "plans/prod/*.json" }, 2),
      waiver({ policy: "node-imdsv2", address: "aws_launch_template.workers", expires: "2026-01-31" }, 3),
    ];
    const { report, waiverResults } = applyWaivers(before, waivers, NOW);
    expect(waiverResults.map((r) => r.status)).toEqual(["applied", "unused", "unused", "expired"]);
    expect(waiverCounts(waiverResults)).toEqual({ applied: 1, expired: 1, unused: 2 });
    expect(report.summary.waived).toBe(1);
    expect(waiverLines(waiverResults)).toEqual([
      "WAIVER UNUSED - eks-sg-policy.config.json waivers[1] - node-dns aws_eks_node_group.other - matched no finding: remove it, or correct its policy, address or input",
      "WAIVER UNUSED - eks-sg-policy.config.json waivers[2] - world-ingress * (input plans/prod/*.json) - matched no finding: remove it, or correct its policy, address or input",
      "WAIVER EXPIRED - eks-sg-policy.config.json waivers[3] - node-imdsv2 aws_launch_template.workers - expired on 2026-01-31 UTC (owner @platform-sec) and matches no finding: remove it",
    ]);
  });

  test("a waiver whose finding was already waived by an earlier waiver still counts as applied", () => {
    const waivers = [waiver({ policy: "node-dns", address: "aws_eks_node_group.workers" }, 0), waiver({ policy: "node-dns", address: "*" }, 1)];
    const { report, waiverResults } = applyWaivers(before, waivers, NOW);
    expect(waiverResults.map((r) => r.status)).toEqual(["applied", "applied"]);
    expect(report.findings.find((f) => f.policy === "node-dns")!.waiver?.source?.path).toBe("waivers[0]");
  });
});

describe("input globs", () => {
  const file = fixturePlan("topo-lt-node-sg-no-rules");
  const before = reportOf([file]);

  test.each([
    ["**/topo-lt-node-sg-no-rules/plan.json", "applied"],
    ["**/*.json", "applied"],
    ["**/topo-fargate/plan.json", "unused"],
    ["plan.json", "unused"],
  ])("input %s → %s", (input, status) => {
    const { waiverResults } = applyWaivers(before, [waiver({ policy: "public-endpoint", address: "aws_eks_cluster.this", input })], NOW);
    expect(waiverResults[0].status).toBe(status);
  });

  test("with several plans, input picks one of two findings on the same address", () => {
    const other = fixturePlan("topo-modules-count-foreach");
    const both = reportOf([file, other]);
    const ours = both.findings.filter((f) => f.policy === "public-endpoint" && f.address === "aws_eks_cluster.this");
    expect(ours).toHaveLength(2);
    const { report } = applyWaivers(both, [waiver({ policy: "public-endpoint", address: "aws_eks_cluster.this", input: "**/topo-modules-count-foreach/*" })], NOW);
    const after = report.findings.filter((f) => f.policy === "public-endpoint").map((f) => [f.input.includes("topo-modules-count-foreach") ? "modules" : "lt", f.status]);
    expect(after.sort()).toEqual([
      ["lt", "fail"],
      ["modules", "waived"],
    ]);
  });
});

interface GlobCase {
  readonly fixture: string;
  readonly policy: string;
  readonly address: string;
  /** Addresses of the findings that become waived. */
  readonly waived: readonly string[];
}

describe("address globs over index keys and module paths", () => {
  const cases: GlobCase[] = [
    // user-eks-module-style-create: for_each node groups "general" and "batch" (unknown and fail findings).
    { fixture: "user-eks-module-style-create", policy: "cluster-sg-detached", address: 'aws_eks_node_group.this["general"]', waived: ['aws_eks_node_group.this["general"]'] },
    { fixture: "user-eks-module-style-create", policy: "cluster-sg-detached", address: "aws_eks_node_group.this['general']", waived: ['aws_eks_node_group.this["general"]'] },
    {
      fixture: "user-eks-module-style-create",
      policy: "cluster-sg-detached",
      address: "aws_eks_node_group.this[*]",
      waived: ['aws_eks_node_group.this["batch"]', 'aws_eks_node_group.this["general"]'],
    },
    {
      fixture: "user-eks-module-style-create",
      policy: "node-to-apiserver",
      address: "aws_eks_node_group.this[{'general','batch'}]",
      waived: ['aws_eks_node_group.this["batch"]', 'aws_eks_node_group.this["general"]'],
    },
    { fixture: "user-eks-module-style-create", policy: "node-to-apiserver", address: 'aws_eks_node_group.this["gen*"]', waived: ['aws_eks_node_group.this["general"]'] },
    // A pattern without the index key names the resource, not its instances.
    { fixture: "user-eks-module-style-create", policy: "cluster-sg-detached", address: "aws_eks_node_group.this", waived: [] },
    // [ is literal, not a character class.
    { fixture: "user-eks-module-style-create", policy: "cluster-sg-detached", address: 'aws_eks_node_group.this["generl"]', waived: [] },
    // p-modules-count-foreach: module.clusters["a"|"b"], nested module.nodes[0|1] (count), module.system_pool["b"].
    {
      fixture: "p-modules-count-foreach",
      policy: "node-imdsv2",
      address: 'module.clusters["b"].module.nodes[0].aws_launch_template.this',
      waived: ['module.clusters["b"].module.nodes[0].aws_launch_template.this'],
    },
    {
      fixture: "p-modules-count-foreach",
      policy: "node-imdsv2",
      address: 'module.clusters["b"].module.nodes[*].aws_launch_template.this',
      waived: ['module.clusters["b"].module.nodes[0].aws_launch_template.this', 'module.clusters["b"].module.nodes[1].aws_launch_template.this'],
    },
    {
      fixture: "p-modules-count-foreach",
      policy: "node-imdsv2",
      address: "module.clusters[{0,1}]*",
      waived: [],
    },
    {
      fixture: "p-modules-count-foreach",
      policy: "node-imdsv2",
      address: "module.clusters[*].module.nodes[{0,1}].*",
      waived: ['module.clusters["b"].module.nodes[0].aws_launch_template.this', 'module.clusters["b"].module.nodes[1].aws_launch_template.this'],
    },
    {
      fixture: "p-modules-count-foreach",
      policy: "node-imdsv2",
      address: 'module.clusters["b"].*',
      waived: ['module.clusters["b"].module.nodes[0].aws_launch_template.this', 'module.clusters["b"].module.nodes[1].aws_launch_template.this'],
    },
    {
      fixture: "p-modules-count-foreach",
      policy: "node-imdsv2",
      address: "*.aws_launch_template.this",
      waived: [
        'module.clusters["b"].module.nodes[0].aws_launch_template.this',
        'module.clusters["b"].module.nodes[1].aws_launch_template.this',
        'module.system_pool["b"].aws_launch_template.this',
      ],
    },
    { fixture: "p-modules-count-foreach", policy: "node-imdsv2", address: "module.system_pool*", waived: ['module.system_pool["b"].aws_launch_template.this'] },
    // "module.system" is a prefix of "module.system_pool", but "." is literal.
    { fixture: "p-modules-count-foreach", policy: "node-imdsv2", address: "module.system.*", waived: [] },
    { fixture: "p-modules-count-foreach", policy: "public-endpoint", address: "module.clusters[?a?].aws_eks_cluster.this", waived: ['module.clusters["a"].aws_eks_cluster.this'] },
    // topo-modules-count-foreach: module.nodes["apps"|"system"].
    {
      fixture: "topo-modules-count-foreach",
      policy: "cluster-sg-detached",
      address: "module.nodes[*].aws_eks_node_group.this",
      waived: ['module.nodes["apps"].aws_eks_node_group.this', 'module.nodes["system"].aws_eks_node_group.this'],
    },
    { fixture: "topo-modules-count-foreach", policy: "cluster-sg-detached", address: "module.nodes.*", waived: [] },
  ];

  test.each(cases)("$fixture: $policy $address", ({ fixture, policy, address, waived }) => {
    const before = reportOf([fixturePlan(fixture)]);
    const { report, waiverResults } = applyWaivers(before, [waiver({ policy, address })], NOW);
    const got = report.findings.filter((f) => f.status === "waived").map((f) => f.address).sort();
    expect(got).toEqual([...waived].sort());
    expect(waiverResults[0].status).toBe(waived.length > 0 ? "applied" : "unused");
    expect(report.summary.waived).toBe(waived.length);
    expect(report.summary.failed + report.summary.unknown + report.summary.waived).toBe(report.findings.length);
  });

  test("unknown findings are waived too, and leave the unknown count", () => {
    const before = reportOf([fixturePlan("user-eks-module-style-create")]);
    expect(before.summary).toMatchObject({ failed: 2, unknown: 6, waived: 0 });
    const { report } = applyWaivers(before, [waiver({ policy: "apiserver-to-kubelet", address: "aws_eks_node_group.this[*]" })], NOW);
    expect(report.summary).toMatchObject({ failed: 2, unknown: 4, waived: 2 });
    expect(report.findings.filter((f) => f.policy === "apiserver-to-kubelet").map((f) => f.status)).toEqual(["waived", "waived"]);
  });
});
