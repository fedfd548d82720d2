/**
 * GitHub Actions workflow commands, escaped as actions/toolkit escapes them, and the job summary
 * written where `$GITHUB_STEP_SUMMARY` says.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  appendStepSummary,
  escapeData,
  escapeProperty,
  formatGithub,
  githubStepSummary,
  repoRelative,
  STEP_SUMMARY_LIMIT,
  workflowCommand,
} from "../../checker/report/format-github";
import { built, nastyFinding, reportCases, reportWith, waived } from "./report-cases";

describe("escaping, as actions/toolkit command.ts", () => {
  // [input, escapeData, escapeProperty]
  test.each([
    ["plain text", "plain text", "plain text"],
    ["100%", "100%25", "100%25"],
    ["%25 stays literal", "%2525 stays literal", "%2525 stays literal"],
    ["line one\nline two", "line one%0Aline two", "line one%0Aline two"],
    ["crlf\r\nend", "crlf%0D%0Aend", "crlf%0D%0Aend"],
    ["a:b", "a:b", "a%3Ab"],
    ["a,b", "a,b", "a%2Cb"],
    ["::error::", "::error::", "%3A%3Aerror%3A%3A"],
    ['module.a["x:y,z"].aws_sg.this', 'module.a["x:y,z"].aws_sg.this', 'module.a["x%3Ay%2Cz"].aws_sg.this'],
    ["50%:\n,", "50%25:%0A,", "50%25%3A%0A%2C"],
  ])("%j", (input, data, property) => {
    expect(escapeData(input)).toBe(data);
    expect(escapeProperty(input)).toBe(property);
  });
});

describe("workflowCommand", () => {
  test("properties in order, escaped; the message escaped as data", () => {
    expect(workflowCommand("error", { file: "infra/plan.json", title: "FAIL a: b,c" }, "line 1\nline 2: 100%")).toBe(
      "::error file=infra/plan.json,title=FAIL a%3A b%2Cc::line 1%0Aline 2: 100%25",
    );
  });

  test("empty properties are left out, as the toolkit leaves out falsy values", () => {
    expect(workflowCommand("notice", { file: "", title: undefined }, "m")).toBe("::notice::m");
  });
});

describe("formatGithub", () => {
  const error = nastyFinding({ address: "aws_security_group.z", fingerprint: "1".repeat(32) });
  const warning = nastyFinding({ policy: "node-to-node", severity: "warning", address: "aws_eks_node_group.a", message: "warn", fingerprint: "2".repeat(32) });
  const info = nastyFinding({ policy: "cluster-sg-detached", severity: "info", address: "aws_eks_node_group.b", message: "info", fingerprint: "3".repeat(32) });
  const unknown = nastyFinding({ policy: "node-to-apiserver", status: "unknown", address: "aws_eks_node_group.c", message: "unknown", fingerprint: "4".repeat(32) });
  const exception = waived(nastyFinding({ address: "aws_security_group.bastion", fingerprint: "5".repeat(32) }));
  const report = reportWith([warning, info, unknown, exception, error]);
  const lines = formatGithub(report, { repoRoot: "/repo" }).trimEnd().split("\n");

  test("one command per finding that is not waived, errors first, then a summary line", () => {
    expect(lines).toHaveLength(5);
    expect(lines.slice(0, 4).map((l) => l.split(" ")[0])).toEqual(["::error", "::warning", "::notice", "::notice"]);
    expect(lines[4]).toBe("eks-sg-policy: 1 error, 1 warning, 1 info, 1 unknown, 1 waived; 1 fails the run (--fail-on error); 10 of 15 checks passed");
  });

  test("each command is one line with title= and file=, the message escaped", () => {
    expect(lines[0]).toBe(
      `::error file=infra/plan.json,title=FAIL world-ingress%3A ${escapeProperty(error.address)}::${escapeData(error.message)}`,
    );
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(lines[3]).toMatch(/^::notice file=infra\/plan\.json,title=UNKNOWN node-to-apiserver%3A aws_eks_node_group\.c::unknown$/);
  });

  test("the file is the input relative to the repository root, or --sarif-source's file", () => {
    expect(repoRelative("/repo/envs/prod/plan.json", "/repo")).toBe("envs/prod/plan.json");
    expect(repoRelative("/elsewhere/plan.json", "/repo")).toBe("/elsewhere/plan.json");
    expect(repoRelative("<stdin>", "/repo")).toBe("");
    expect(formatGithub(report, { source: "infra/main.tf" })).toMatch(/^::error file=infra\/main\.tf,title=/);
  });

  test.each(reportCases().map((c) => [c.name, c.file]))("%s: every line is a command or the summary", (_name, file) => {
    const { report: real } = built(file);
    const out = formatGithub(real).trimEnd().split("\n");
    const annotated = real.findings.filter((f) => f.status !== "waived").length;
    expect(out).toHaveLength(annotated + 1);
    for (const line of out.slice(0, -1)) expect(line).toMatch(/^::(error|warning|notice) file=[^,]*,title=[^,:]+::/);
  });
});

describe("job summary", () => {
  const report = reportWith([nastyFinding()]);

  test("appended to the file $GITHUB_STEP_SUMMARY names", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-summary-"));
    const file = path.join(dir, "summary.md");
    fs.writeFileSync(file, "earlier step\n");
    expect(appendStepSummary(githubStepSummary(report), { GITHUB_STEP_SUMMARY: file })).toBe(file);
    const text = fs.readFileSync(file, "utf8");
    expect(text.startsWith("earlier step\n### ❌ eks-sg-policy: 1 error · ")).toBe(true);
    expect(text).toContain("| Status | Policy | Resource | Finding |");
    fs.rmSync(dir, { recursive: true });
  });

  test("nothing written outside GitHub Actions", () => {
    const writes: string[] = [];
    expect(appendStepSummary("x", {}, (f) => writes.push(f))).toBeUndefined();
    expect(appendStepSummary("x", { GITHUB_STEP_SUMMARY: "" }, (f) => writes.push(f))).toBeUndefined();
    expect(writes).toEqual([]);
  });

  test("cut to GitHub's 1 MiB, at a line end, saying so", () => {
    const long = Array.from({ length: 30000 }, (_, i) => `| row ${i} | ${"é".repeat(20)} |`).join("\n");
    let written = "";
    appendStepSummary(long, { GITHUB_STEP_SUMMARY: "/summary" }, (_f, t) => (written = t));
    expect(Buffer.byteLength(written, "utf8")).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT);
    expect(written).toMatch(/\n\n…cut: the report is longer than GitHub's 1 MiB job-summary limit/);
    expect(written).not.toContain("\uFFFD");
  });
});
