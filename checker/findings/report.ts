/** The report: plain data that every formatter prints and the CLI turns into an exit code. */
import type { Facts, Severity } from "../policy/contract";

export type FindingStatus = "fail" | "unknown" | "waived";

export interface Finding {
  readonly policy: string;
  readonly severity: Severity;
  readonly status: FindingStatus;
  /** The resource the finding is about (for node traffic: the node group, ASG or Fargate profile). */
  readonly address: string;
  /** One line: what is wrong and, where the policy says, what to change. */
  readonly message: string;
  /** What to change, also at the end of `message`; the terminal format shows it apart. */
  readonly fix?: string;
  /** The template the message was made from, and the facts it shows. */
  readonly messageId: string;
  readonly data: Facts;
  readonly related: readonly string[];
  /** The input the finding comes from, as named on the command line. */
  readonly input: string;
  /** Same policy, address and subject → same fingerprint, across runs and machines. */
  readonly fingerprint: string;
  readonly constructPath?: string;
  readonly stack?: string;
}

export interface ReportInput {
  readonly path: string;
  readonly kind: "plan" | "synth" | "state";
  readonly formatVersion?: string;
  readonly terraformVersion?: string;
  readonly stack?: string;
  /** Given with `--context`: part of the topology, judged by no policy. */
  readonly context?: boolean;
  /**
   * A plan Terraform marks incomplete (`-target`, `-exclude`, deferred changes), or that leaves
   * objects of its state out (Terraform before 1.8 did not say): what its apply leaves is judged,
   * the objects it leaves out as they are in the state, and not the rest of the configuration.
   */
  readonly incomplete?: boolean;
  /**
   * Resources the checker can judge (EKS clusters, node groups, Fargate profiles, NodeClass
   * manifests, SGs or ASGs tagged for a cluster). 0 means the input was likely the wrong file.
   */
  readonly eksResources?: number;
}

export interface ConfigChange {
  readonly change: string;
  /** True when it makes the check report less (or may: options). */
  readonly weakens: boolean;
}

/** Which configurations a run read and what they did, as every format reports it. */
export interface ConfigurationAudit {
  /** The repository's (or the explicitly named) configuration file. */
  readonly file?: string;
  /** The operator's floor (`--floor`). */
  readonly floor?: string;
  /** What the configuration in force changes from the defaults. */
  readonly changes: readonly ConfigChange[];
  /** What the repository's configuration asked for and the floor did not allow. */
  readonly refused: readonly ConfigChange[];
}

/** The inputs that were judged (context inputs only shaped the topology). */
export function judgedInputs(report: Report): readonly ReportInput[] {
  return report.inputs.filter((input) => input.context !== true);
}

export interface Summary {
  readonly policies: number;
  readonly checks: number;
  readonly passed: number;
  readonly failed: number;
  readonly unknown: number;
  readonly waived: number;
}

export interface Report {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: string; readonly version: string };
  readonly inputs: readonly ReportInput[];
  readonly findings: readonly Finding[];
  readonly summary: Summary;
  /** The configurations read and what they changed (absent when the run was set up in code only). */
  readonly configuration?: ConfigurationAudit;
}

/** The changes that weaken the check, and what a floor refused: what a reader must see. */
export function configurationWarnings(report: Report): { readonly weakening: readonly ConfigChange[]; readonly refused: readonly ConfigChange[] } {
  return { weakening: report.configuration?.changes.filter((c) => c.weakens) ?? [], refused: report.configuration?.refused ?? [] };
}

export type FailOn = Severity | "never";
export const FAIL_ON: readonly FailOn[] = ["error", "warning", "info", "never"];

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** True when a finding's severity reaches the `--fail-on` threshold. */
export function reaches(severity: Severity, failOn: FailOn): boolean {
  return failOn !== "never" && RANK[severity] >= RANK[failOn];
}

/**
 * The one set of counts every format shows: failed findings by severity, unknown, waived, and how
 * many of them fail the run at `failOn`. Text, Markdown, JUnit, SARIF, the GitHub format and the
 * gate all say these numbers, so they agree on the same input.
 */
export interface FindingCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly unknown: number;
  readonly waived: number;
  /** The failed findings at or above `failOn`: what makes the exit code 1 or stops the synth. */
  readonly failing: number;
}

export function countsOf(report: Report, failOn: FailOn): FindingCounts {
  const failed = report.findings.filter((f) => f.status === "fail");
  const of = (severity: Severity) => failed.filter((f) => f.severity === severity).length;
  return {
    errors: of("error"),
    warnings: of("warning"),
    infos: of("info"),
    unknown: report.findings.filter((f) => f.status === "unknown").length,
    waived: report.findings.filter((f) => f.status === "waived").length,
    failing: failed.filter((f) => reaches(f.severity, failOn)).length,
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `1 error, 2 warnings, 0 infos, 1 unknown, 0 waived; 1 fails the run (--fail-on error)`. */
export function describeCounts(counts: FindingCounts, failOn: FailOn, what = "the run"): string {
  const parts = `${plural(counts.errors, "error")}, ${plural(counts.warnings, "warning")}, ${plural(counts.infos, "info")}, ${counts.unknown} unknown, ${counts.waived} waived`;
  const verdict = failOn === "never" ? `none fails ${what} (--fail-on never)` : `${counts.failing} ${counts.failing === 1 ? "fails" : "fail"} ${what} (--fail-on ${failOn})`;
  return `${parts}; ${verdict}`;
}

/** True when the report has a `fail` finding at or above the threshold: the run fails. */
export function isFailing(report: Report, failOn: FailOn): boolean {
  return report.findings.some((f) => f.status === "fail" && reaches(f.severity, failOn));
}

let crypto: typeof import("node:crypto") | undefined;

/**
 * The first 32 hex digits of the SHA-256 of the parts. Node's crypto module loads on first use: it
 * brings some fifteen modules with it, a few ms of a program that makes no finding (the command
 * loads it before it sets V8's flags instead: bin/eks-sg-policy.js; issue #13). The
 * one-shot `crypto.hash` (Node 20.12 and later) makes no Hash object: 400 digests cost 1.2 M
 * instructions instead of 14 M with `createHash`; older Nodes take the same digest that way.
 */
function hashOf(parts: readonly string[]): string {
  crypto ??= require("node:crypto") as typeof import("node:crypto");
  const text = parts.join("\u0000");
  const digest = typeof crypto.hash === "function" ? crypto.hash("sha256", text, "hex") : crypto.createHash("sha256").update(text).digest("hex");
  return digest.slice(0, 32);
}

export function fingerprintOf(policy: string, address: string, key: string | undefined, stack: string | undefined): string {
  return hashOf([policy, address, key ?? "", stack ?? ""]);
}

/**
 * Fingerprints unique within a report, stable across runs. A finding's fingerprint names its
 * policy, address and subject (and stack); where two findings share one — the same address in two
 * inputs, or one subject reported twice — the input, then the message, then the order (findings
 * are sorted) tell them apart. Findings that did not collide keep their fingerprint.
 */
export function withUniqueFingerprints(findings: readonly Finding[]): Finding[] {
  const collide = (list: readonly Finding[]) => {
    const counts = new Map<string, number>();
    for (const f of list) counts.set(f.fingerprint, (counts.get(f.fingerprint) ?? 0) + 1);
    return (f: Finding) => (counts.get(f.fingerprint) ?? 0) > 1;
  };
  let out = [...findings];
  for (const extra of [(f: Finding) => f.input, (f: Finding) => f.message]) {
    const collides = collide(out);
    out = out.map((f) => (collides(f) ? { ...f, fingerprint: hashOf([f.fingerprint, extra(f)]) } : f));
  }
  const collides = collide(out);
  const seen = new Map<string, number>();
  return out.map((f) => {
    if (!collides(f)) return f;
    const n = (seen.get(f.fingerprint) ?? 0) + 1;
    seen.set(f.fingerprint, n);
    return { ...f, fingerprint: hashOf([f.fingerprint, String(n)]) };
  });
}

/** Code-point order, so that the order is the same on every machine whatever its locale. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareFindings(a: Finding, b: Finding): number {
  return byCodePoint(a.input, b.input) || byCodePoint(a.address, b.address) || byCodePoint(a.policy, b.policy) || byCodePoint(a.message, b.message);
}
