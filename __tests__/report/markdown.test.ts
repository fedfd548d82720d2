/**
 * The Markdown report: headline, a findings table whose cells cannot break the table, and a
 * topology section per cluster (Mermaid diagram, legend, flows).
 */
import { formatMarkdown, markdownCell, markdownCode } from "../../checker/report/format-markdown";
import { built, nastyFinding, reportCases, reportWith, waived } from "./report-cases";
import type { Report } from "../../checker/findings/report";
import type { WaivedReport } from "../../checker/waivers/waiver";
import { fixturePlan } from "../helpers/fixtures";

/** The cells of a GFM table row: split on `|` that no backslash escapes. */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, "").replace(/\|$/, "");
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** Every table of the document: each row has the header's number of cells. */
function expectTablesIntact(markdown: string): number {
  const lines = markdown.split("\n");
  let tables = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!/^\| --- (\| --- )*\|$/.test(lines[i])) continue;
    tables += 1;
    const width = cells(lines[i - 1]).length;
    for (let j = i + 1; j < lines.length && lines[j].startsWith("|"); j++) {
      expect({ row: lines[j], cells: cells(lines[j]).length }).toEqual({ row: lines[j], cells: width });
    }
  }
  return tables;
}

describe("escaping", () => {
  test.each([
    ["a | b", "a \\| b"],
    ["line 1\nline 2", "line 1<br>line 2"],
    ["crlf\r\nend", "crlf<br>end"],
    ["<script>&", "\\<script\\>&amp;"],
    ["*bold* _it_ `code` [link](x) ~s~", "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\]\\(x\\) \\~s\\~"],
    ["back\\slash", "back\\\\slash"],
    ["aws_eks_cluster.this.vpc_config[0]", "aws\\_eks\\_cluster.this.vpc\\_config\\[0\\]"],
  ])("cell %j", (input, expected) => {
    expect(markdownCell(input)).toBe(expected);
  });

  test.each([
    ["aws_security_group.x", "`aws_security_group.x`"],
    ['module.a["x|y"].b', '`module.a["x\\|y"].b`'],
    ["has `tick`", "`` has `tick` ``"],
    ["`leading", "`` `leading ``"],
    ["two\nlines", "`two lines`"],
  ])("code %j", (input, expected) => {
    expect(markdownCode(input)).toBe(expected);
  });
});

describe("the report", () => {
  const nasty = nastyFinding();
  const exception = waived(nastyFinding({ address: "aws_security_group.bastion", fingerprint: "c".repeat(32) }));
  const unknown = nastyFinding({ policy: "node-to-apiserver", status: "unknown", address: "aws_eks_node_group.a", message: "a | b", fingerprint: "f".repeat(32) });
  const report = reportWith([nasty, unknown, exception]);
  const markdown = formatMarkdown(report);

  test("headline and summary line", () => {
    const [head, , summary] = markdown.split("\n");
    expect(head).toBe("### ❌ eks-sg-policy: 1 error · 0 warnings · 0 infos · 1 unknown · 1 waived — 1 fails the run");
    expect(summary).toBe("10 of 13 checks passed on `infra/plan.json` (16 policies, eks-sg-policy 0.1.0).");
  });

  test("the findings table keeps its columns whatever the messages hold", () => {
    expect(expectTablesIntact(markdown)).toBe(1);
    const rows = markdown.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Status") && !l.startsWith("| ---"));
    expect(rows).toHaveLength(3);
    // A message's newline must not end the row.
    for (const row of rows) expect(row.endsWith(" |")).toBe(true);
    expect(rows[0]).toContain("❌ error");
    expect(rows[1]).toContain("❔ unknown (error)");
    expect(rows[0]).toContain("<br>second line");
  });

  test("waived rows say why, by whom and until when (the owner in code, so no one is pinged)", () => {
    const row = markdown.split("\n").find((l) => l.includes("aws_security_group.bastion"))!;
    expect(row).toContain("⏸️ waived (error)");
    expect(row).toContain("**waived:** Bastion reachable from the VPN only (`@platform-sec`, until 2099-01-31)");
  });

  test("the headline follows --fail-on", () => {
    const warningOnly = reportWith([nastyFinding({ severity: "warning" })]);
    expect(formatMarkdown(warningOnly).split("\n")[0]).toBe("### ⚠️ eks-sg-policy: 0 errors · 1 warning · 0 infos · 0 unknown · 0 waived — none fails the run");
    expect(formatMarkdown(warningOnly, [], { failOn: "warning" }).split("\n")[0]).toBe("### ❌ eks-sg-policy: 0 errors · 1 warning · 0 infos · 0 unknown · 0 waived — 1 fails the run");
    expect(formatMarkdown(reportWith([])).split("\n")[0]).toBe("### ✅ eks-sg-policy: 0 errors · 0 warnings · 0 infos · 0 unknown · 0 waived — none fails the run");
  });

  test("long reports are cut at maxFindings rows", () => {
    const many = reportWith(Array.from({ length: 30 }, (_, i) => nastyFinding({ address: `aws_security_group.s${i}`, fingerprint: String(i).padStart(32, "0") })));
    const text = formatMarkdown(many, [], { maxFindings: 10 });
    expect(text.split("\n").filter((l) => l.startsWith("| ❌ error"))).toHaveLength(10);
    expect(text).toContain("…and 20 more findings");
  });

  test("waivers that did not apply are listed", () => {
    const withWaivers: WaivedReport = {
      ...report,
      findings: report.findings,
      waivers: [
        { policy: "world-ingress", address: "aws_security_group.old*", reason: "Legacy | bastion, to be removed", owner: "@ops", expires: "2020-01-01", status: "expired", matches: [] },
        { policy: "remote-access", address: "aws_eks_node_group.gone", reason: "Node group removed last sprint", owner: "@ops", expires: "2099-01-01", status: "unused", matches: [] },
      ],
    };
    const text = formatMarkdown(withWaivers as Report);
    expect(text).toContain("<details><summary>Waivers to act on: expired, unused or long-lived</summary>");
    expect(text).toContain("| expired | `world-ingress` | `aws_security_group.old*` | `@ops` | 2020-01-01 | Legacy \\| bastion, to be removed |");
    expect(text).toContain("| unused | `remote-access` |");
    expectTablesIntact(text);
  });
});

describe("topology section", () => {
  test("a cluster with a blocked node group: heading, diagram, legend, flows opened", () => {
    const { report, view } = built(fixturePlan("topo-lt-node-sg-no-rules"));
    const text = formatMarkdown(report, [view]);
    expect(text).toContain("#### EKS cluster topo-lt-node-sg-no-rules \\(aws\\_eks\\_cluster.this\\): 3 required flows denied");
    const mermaid = text.slice(text.indexOf("```mermaid\n") + 11, text.indexOf("\n```\n", text.indexOf("```mermaid")));
    expect(mermaid.startsWith("flowchart LR\n")).toBe(true);
    expect(mermaid).not.toContain("legend[");
    expect(text).toContain("✓ solid green: allowed · ✗ red dashed: denied · ? grey dotted: unknown \\(the plan does not say\\)");
    expect(text).toContain("<details open><summary>Required flows of this cluster</summary>");
    expect(text).toMatch(/\| ✗ denied \| kubelet TCP 10250 \| control plane → `aws_eks_node_group\.workers` \| .*ingress missing: /);
    expectTablesIntact(text);
  });

  test("no cluster: says so", () => {
    const { report, view } = built(reportCases().find((c) => c.name.includes("fugue__regula__sg-tf0153"))!.file);
    expect(formatMarkdown(report, [view])).toContain("No EKS cluster in this input: no topology to draw.");
  });

  test("nodes defined outside the plan are named, with why", () => {
    const { report, view } = built(fixturePlan("topo-nodeclasses-elsewhere"));
    const text = formatMarkdown(report, [view]);
    const section = text.slice(text.indexOf("Not drawn (nodes defined outside the plan):"));
    expect(section.split("\n").filter((line) => line.startsWith("- ")).map((line) => line.slice(0, line.indexOf(":")))).toEqual([
      "- `aws_eks_cluster.edge`",
      '- `module.karpenter["apps"].aws_eks_pod_identity_association.karpenter`',
    ]);
    expect(section).toContain("EKS Auto Mode is enabled without built-in node pools");
  });

  test("several clusters beyond maxClusters are listed by address", () => {
    const { report, view } = built(fixturePlan("p-cluster-endpoint-variants"));
    const text = formatMarkdown(report, [view], { maxClusters: 2 });
    expect(text.match(/```mermaid/g)).toHaveLength(2);
    expect(text).toMatch(/…and \d+ more clusters not drawn here: `aws_eks_cluster\./);
  });
});

describe.each(reportCases().map((c) => [c.name, c.file]))("%s", (_name, file) => {
  test("Markdown: tables intact, a diagram per cluster, or the clusters past the size limit named", () => {
    const { report, view } = built(file);
    const text = formatMarkdown(report, [view], { maxClusters: 100 });
    expectTablesIntact(text);
    const drawn = (text.match(/```mermaid\n/g) ?? []).length;
    expect((text.match(/^```$/gm) ?? []).length).toBe(drawn);
    const left = view.clusters.length - drawn;
    if (left > 0) expect(text).toContain(`…and ${left} more cluster${left === 1 ? "" : "s"} not drawn here`);
    expect(text.length).toBeLessThan(65536);
  });
});
