/**
 * JUnit XML for GitLab (`artifacts:reports:junit`), Jenkins and other CI test views.
 *
 * - A test suite per input; a test case per finding (policy × address), named `<policy> <address>`
 *   with the policy as `classname` (GitLab's "Suite" column). GitLab keeps only the first of two
 *   cases with the same name, so names are made unique: the input is added when the report has
 *   several, and the fingerprint's start when one policy reports one address more than once.
 * - `fail` → `<failure>`; `waived` → `<skipped>` with the waiver; `unknown` → `<skipped>` whose
 *   message starts with `UNKNOWN` (or `<failure>` with `unknownAs: "failure"`).
 * - The report counts passes but does not list them, so each policy that ran gets one passing case
 *   per input (`<policy>: subjects without findings`) that stands for its passing subjects.
 * - Details go in the element body (GitLab shows the body, not the `message` attribute).
 * - Text is escaped by xmlbuilder2; characters XML 1.0 cannot hold become U+FFFD.
 */
import { configurationNotes } from "./configuration-lines";
import { create } from "xmlbuilder2";
import type { Policy } from "../policy/contract";
import { waiverJustification } from "./finding-labels";
import { countsOf, judgedInputs, type FailOn, type Finding, type Report } from "../findings/report";

type XMLBuilder = ReturnType<typeof create>;

export interface JunitOptions {
  /** The policies that ran: each gets a passing case per input. Without them, only findings are listed. */
  readonly policies?: readonly Policy[];
  /** `skipped` (default): unknown is not a failure, but shows. `failure`: count unknown as failing. */
  readonly unknownAs?: "skipped" | "failure";
  /** Adds `timestamp` to each suite (left out by default, so the output is the same on every run). */
  readonly now?: Date;
  /** `--fail-on`, for the counts of what fails the run. `error` by default. */
  readonly failOn?: FailOn;
}

interface Case {
  readonly classname: string;
  name: string;
  readonly input: string;
  readonly finding?: Finding;
  readonly policy: string;
  readonly findingsOfPolicy: number;
}

function firstLine(text: string, max = 200): string {
  const line = text.split(/\r\n|\r|\n/)[0].replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function body(finding: Finding): string {
  const lines = [
    `${finding.status.toUpperCase()} (${finding.severity}) ${finding.policy} on ${finding.address}`,
    "",
    finding.message,
    "",
    `input: ${finding.input}${finding.stack ? ` (stack ${finding.stack})` : ""}`,
  ];
  if (finding.constructPath) lines.push(`construct: ${finding.constructPath}`);
  if (finding.related.length > 0) lines.push(`related: ${finding.related.join(", ")}`);
  if (finding.status === "waived") lines.push(waiverJustification(finding));
  lines.push(`fingerprint: ${finding.fingerprint}`, `explain: eks-sg-policy explain ${finding.policy}`);
  return lines.join("\n");
}

/** Makes every name unique: the fingerprint's start for repeats, then a counter as a last resort. */
function uniqueNames(cases: Case[]): void {
  const count = new Map<string, number>();
  for (const c of cases) count.set(c.name, (count.get(c.name) ?? 0) + 1);
  for (const c of cases) if (c.finding && count.get(c.name)! > 1) c.name = `${c.name} [${c.finding.fingerprint.slice(0, 8)}]`;
  const seen = new Map<string, number>();
  for (const c of cases) {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    if (n > 1) c.name = `${c.name} #${n}`;
  }
}

function casesOf(report: Report, options: JunitOptions): Case[] {
  const several = judgedInputs(report).length > 1;
  const where = (input: string) => (several ? ` in ${input}` : "");
  const cases: Case[] = [];
  const inputs = judgedInputs(report).length > 0 ? judgedInputs(report).map((i) => i.path) : [...new Set(report.findings.map((f) => f.input))];
  for (const input of inputs) {
    const findings = report.findings.filter((f) => f.input === input);
    for (const finding of findings) {
      cases.push({ classname: finding.policy, name: `${finding.policy} ${finding.address}${where(input)}`, input, finding, policy: finding.policy, findingsOfPolicy: 0 });
    }
    for (const policy of options.policies ?? []) {
      const id = policy.meta.id;
      const count = findings.filter((f) => f.policy === id).length;
      cases.push({ classname: id, name: `${id}: subjects without findings${where(input)}`, input, policy: id, findingsOfPolicy: count });
    }
  }
  uniqueNames(cases);
  return cases;
}

function isFailure(finding: Finding, options: JunitOptions): boolean {
  return finding.status === "fail" || (finding.status === "unknown" && options.unknownAs === "failure");
}

function addCase(suite: XMLBuilder, c: Case, options: JunitOptions): void {
  const testcase = suite.ele("testcase", { classname: c.classname, name: c.name, file: c.input, time: "0" });
  const { finding } = c;
  if (!finding) {
    const text =
      c.findingsOfPolicy === 0
        ? `${c.policy} reported nothing on ${c.input}: every subject it judged passed (or it had nothing to judge).`
        : `${c.policy} reported ${c.findingsOfPolicy} finding(s) on ${c.input}, listed as their own test cases; every other subject it judged passed.`;
    testcase.ele("system-out").txt(text);
    return;
  }
  if (isFailure(finding, options)) {
    const label = finding.status === "unknown" ? "UNKNOWN" : finding.severity.toUpperCase();
    testcase.ele("failure", { message: `${label}: ${firstLine(finding.message)}`, type: finding.status === "unknown" ? "unknown" : finding.severity }).txt(body(finding));
  } else {
    const message = finding.status === "waived" ? firstLine(waiverJustification(finding)) : `UNKNOWN: ${firstLine(finding.message)}`;
    testcase.ele("skipped", { message }).txt(body(finding));
  }
}

export function formatJunit(report: Report, options: JunitOptions = {}): string {
  const cases = casesOf(report, options);
  const tally = (list: Case[]) => ({
    tests: list.length,
    failures: list.filter((c) => c.finding && isFailure(c.finding, options)).length,
    skipped: list.filter((c) => c.finding && !isFailure(c.finding, options)).length,
  });
  const total = tally(cases);
  const root = create({ version: "1.0", encoding: "UTF-8", invalidCharReplacement: "\uFFFD" }).ele("testsuites", {
    name: report.tool.name,
    tests: String(total.tests),
    failures: String(total.failures),
    errors: "0",
    skipped: String(total.skipped),
    time: "0",
  });
  for (const input of [...new Set(cases.map((c) => c.input))]) {
    const own = cases.filter((c) => c.input === input);
    const t = tally(own);
    const suite = root.ele("testsuite", {
      name: input,
      tests: String(t.tests),
      failures: String(t.failures),
      errors: "0",
      skipped: String(t.skipped),
      time: "0",
      ...(options.now ? { timestamp: options.now.toISOString().replace(/\.\d{3}Z$/, "") } : {}),
    });
    const properties = suite.ele("properties");
    properties.ele("property", { name: "tool", value: `${report.tool.name} ${report.tool.version}` });
    for (const [key, value] of Object.entries(report.summary)) properties.ele("property", { name: `report.${key}`, value: String(value) });
    for (const [key, value] of Object.entries(countsOf(report, options.failOn ?? "error"))) properties.ele("property", { name: `counts.${key}`, value: String(value) });
    for (const note of configurationNotes(report.configuration)) properties.ele("property", { name: `configuration.${note.kind}`, value: note.text });
    for (const c of own) addCase(suite, c, options);
  }
  return `${root.end({ prettyPrint: true })}\n`;
}
