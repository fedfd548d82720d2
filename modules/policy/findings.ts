/**
 * Assertions over a report, free of any test framework: each returns `{ pass, message }`, where the
 * message says what was found, so that it reads right whether the caller expected a pass or not
 * (cdktf's `testing/matchers.ts` works the same way). `Findings` (testing.ts) throws on them; the
 * Jest matchers (jest.ts) hand them to `expect`.
 */
import { addressGlobProblem, compileAddressGlob, policies as registry, type Finding, type Report, type Severity } from "../../checker";

export interface AssertionResult {
  readonly pass: boolean;
  readonly message: string;
}

export type FindingStatus = Finding["status"];

/** Which findings an assertion is about; every field narrows, and an empty query matches all. */
export interface FindingQuery {
  /** Policy id, or ids. */
  readonly policy?: string | readonly string[];
  /**
   * The Terraform address (`aws_eks_node_group.workers`) or the construct path (`stack/workers`)
   * of the resource, exactly or as a pattern in the waiver file's language: `*` is any run of
   * characters (`/` included), `?` one character, `{a,b}` alternatives, everything else literal
   * (`aws_security_group.*`, `aws_instance.this[*]`, `stack/cluster/*`).
   */
  readonly subject?: string;
  /** `fail`, `unknown` or `waived`; any status by default. */
  readonly status?: FindingStatus | readonly FindingStatus[];
  /** The lowest severity to count: `warning` counts warnings and errors. */
  readonly severity?: Severity;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
const list = <T>(value: T | readonly T[] | undefined): readonly T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? (value as readonly T[]) : [value as T];

const globs = new Map<string, ((name: string) => boolean) | undefined>();
function globOf(subject: string): ((name: string) => boolean) | undefined {
  if (!globs.has(subject)) {
    const isPattern = /[*?{]/.test(subject) && addressGlobProblem(subject) === undefined;
    globs.set(subject, isPattern ? compileAddressGlob(subject) : undefined);
  }
  return globs.get(subject);
}

function subjectMatches(subject: string, finding: Finding): boolean {
  const names = [finding.address, ...(finding.constructPath !== undefined ? [finding.constructPath] : [])];
  if (names.includes(subject)) return true;
  const glob = globOf(subject);
  return glob !== undefined && names.some((name) => glob(name));
}

export function matches(finding: Finding, query: FindingQuery): boolean {
  const policies = list(query.policy);
  const statuses = list(query.status);
  return (
    (policies === undefined || policies.includes(finding.policy)) &&
    (statuses === undefined || statuses.includes(finding.status)) &&
    (query.severity === undefined || RANK[finding.severity] >= RANK[query.severity]) &&
    (query.subject === undefined || subjectMatches(query.subject, finding))
  );
}

export function selectFindings(report: Report, query: FindingQuery = {}): Finding[] {
  return report.findings.filter((finding) => matches(finding, query));
}

/** `node-to-apiserver error fail aws_eks_node_group.workers (stack/workers): message`. */
export function describeFinding(finding: Finding, maxMessage = Infinity): string {
  const where = finding.constructPath !== undefined ? `${finding.address} (${finding.constructPath})` : finding.address;
  const message = finding.message.length > maxMessage ? `${finding.message.slice(0, maxMessage - 1)}…` : finding.message;
  return `${finding.policy} ${finding.severity} ${finding.status} ${where}: ${message}`;
}

export function describeQuery(query: FindingQuery): string {
  const parts: string[] = [];
  const policies = list(query.policy);
  parts.push(policies === undefined ? "any policy" : policies.join(" or "));
  if (query.subject !== undefined) parts.push(`on "${query.subject}"`);
  const statuses = list(query.status);
  if (statuses !== undefined) parts.push(`with status ${statuses.join(" or ")}`);
  if (query.severity !== undefined) parts.push(`at severity ${query.severity} or higher`);
  return parts.join(" ");
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** 0 for equal strings, up to 1 for nothing in common. */
const distance = (a: string, b: string) => editDistance(a, b) / Math.max(a.length, b.length, 1);

/** How far a finding is from what the query asked for; the smallest come first in error messages. */
function cost(finding: Finding, query: FindingQuery): number {
  let total = 0;
  const policies = list(query.policy);
  if (policies !== undefined && !policies.includes(finding.policy)) total += 1 + Math.min(...policies.map((p) => distance(p, finding.policy)));
  if (query.subject !== undefined && !subjectMatches(query.subject, finding)) {
    const names = [finding.address, ...(finding.constructPath !== undefined ? [finding.constructPath] : [])];
    total += 1 + Math.min(...names.map((n) => distance(query.subject as string, n)));
  }
  const statuses = list(query.status);
  if (statuses !== undefined && !statuses.includes(finding.status)) total += 0.5;
  if (query.severity !== undefined && RANK[finding.severity] < RANK[query.severity]) total += 0.5;
  return total;
}

const CLOSEST = 5;
const SHORT_MESSAGE = 160;

function closestMatches(report: Report, query: FindingQuery): string {
  if (report.findings.length === 0) return `The report has no findings at all (${report.summary.checks} checks, ${report.summary.passed} passed).`;
  const ranked = report.findings
    .map((finding, order) => ({ finding, order, cost: cost(finding, query) }))
    .sort((a, b) => a.cost - b.cost || a.order - b.order)
    .slice(0, CLOSEST);
  const lines = ranked.map(({ finding }) => `  - ${describeFinding(finding, SHORT_MESSAGE)}`);
  return `Closest findings (${ranked.length} of ${report.findings.length}):\n${lines.join("\n")}`;
}

/** A hint when the query names a policy id that no policy has (a typo, or a renamed policy). */
function unknownPolicyHint(report: Report, query: FindingQuery): string {
  const known = [...new Set([...registry.map((p) => p.meta.id), ...report.findings.map((f) => f.policy)])];
  const unknown = (list(query.policy) ?? []).filter((id) => !known.includes(id));
  return unknown
    .map((id) => {
      const nearest = [...known].sort((a, b) => distance(id, a) - distance(id, b))[0];
      return `\nNo policy has the id "${id}"${nearest !== undefined ? `; did you mean "${nearest}"?` : "."}`;
    })
    .join("");
}

function listFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `  - ${describeFinding(f)}`).join("\n");
}

/** Passes when the report has no `fail` finding at or above `severity` (every severity by default). */
export function assertNoFailures(report: Report, severity: Severity = "info"): AssertionResult {
  const failing = selectFindings(report, { status: "fail", severity });
  const scope = severity === "info" ? "failing finding" : `failing finding of severity ${severity} or higher`;
  if (failing.length === 0) {
    return { pass: true, message: `Expected a ${scope}, but there is none (${report.summary.checks} checks, ${report.summary.passed} passed, ${report.summary.unknown} unknown).` };
  }
  return { pass: false, message: `Expected no ${scope}, but found ${failing.length}:\n${listFindings(failing)}` };
}

/** Passes when at least one finding matches the query. */
export function assertFinding(report: Report, query: FindingQuery): AssertionResult {
  const found = selectFindings(report, query);
  if (found.length > 0) {
    return { pass: true, message: `Expected no finding of ${describeQuery(query)}, but found ${found.length}:\n${listFindings(found)}` };
  }
  return { pass: false, message: `Expected a finding of ${describeQuery(query)}, but there is none.${unknownPolicyHint(report, query)}\n${closestMatches(report, query)}` };
}

/** Passes when no finding matches the query. */
export function assertNoFinding(report: Report, query: FindingQuery): AssertionResult {
  const negated = assertFinding(report, query);
  return { pass: !negated.pass, message: negated.message };
}
