/** The report: plain data that every formatter prints and the CLI turns into an exit code. */
import type { Severity } from "../policy";

export type FindingStatus = "fail" | "unknown" | "waived";

export interface Finding {
  readonly policy: string;
  readonly severity: Severity;
  readonly status: FindingStatus;
  /** The resource the finding is about (for node traffic: the node group, ASG or Fargate profile). */
  readonly address: string;
  readonly message: string;
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
  readonly kind: "plan" | "synth";
  readonly formatVersion?: string;
  readonly terraformVersion?: string;
  readonly stack?: string;
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
}

export type FailOn = Severity | "never";

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** True when a finding's severity reaches the `--fail-on` threshold. */
export function reaches(severity: Severity, failOn: FailOn): boolean {
  return failOn !== "never" && RANK[severity] >= RANK[failOn];
}

/** True when the report has a `fail` finding at or above the threshold: the run fails. */
export function isFailing(report: Report, failOn: FailOn): boolean {
  return report.findings.some((f) => f.status === "fail" && reaches(f.severity, failOn));
}
