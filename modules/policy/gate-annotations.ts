/**
 * How the gate reports a finding: as a CDKTF annotation on the construct that made the resource.
 * `cdktf synth` prints annotations as `ERROR|WARN|INFO [construct path]: message` and fails on
 * errors; an app run with plain `node` throws on them.
 */
import { AnnotationMetadataEntryType } from "cdktf";
import type { IConstruct } from "constructs";
import { isFailing, type FailOn, type Finding, type Report } from "../../checker";

export type AnnotationLevel = "error" | "warning" | "info";

const METADATA_TYPE: Record<AnnotationLevel, string> = {
  error: AnnotationMetadataEntryType.ERROR,
  warning: AnnotationMetadataEntryType.WARN,
  info: AnnotationMetadataEntryType.INFO,
};

/** True when this finding alone would fail a run at `failOn` (the CLI's `--fail-on` rule). */
export function stopsSynth(finding: Finding, report: Report, failOn: FailOn): boolean {
  return isFailing({ ...report, findings: [finding] }, failOn);
}

/**
 * Errors for failures at or above `failOn`; everything else is printed and does not stop the
 * synth: unknowns ("the configuration does not say") and failures below the threshold are
 * warnings, or infos when the policy's severity is info; waived findings are infos.
 */
export function levelOf(finding: Finding, report: Report, failOn: FailOn): AnnotationLevel {
  if (stopsSynth(finding, report, failOn)) return "error";
  if (finding.status === "waived" || finding.severity === "info") return "info";
  return "warning";
}

/** One line that names the policy, its severity and status, and the resource's Terraform address. */
export function annotationMessage(finding: Finding): string {
  const status = finding.status === "fail" ? "" : `, ${finding.status}`;
  const prefix = finding.status === "unknown" ? "cannot tell from the configuration: " : "";
  return `eks-sg-policy ${finding.policy} (${finding.severity}${status}) ${finding.address}: ${prefix}${finding.message}`;
}

/**
 * Adds the annotation once, without a stack trace: the trace would point into the gate, not at the
 * user's code, and validations can run twice on one tree (e.g. `Testing.synth(stack, true)` then
 * `app.synth()`).
 */
export function annotate(construct: IConstruct, level: AnnotationLevel, message: string): void {
  const type = METADATA_TYPE[level];
  if (construct.node.metadata.some((entry) => entry.type === type && entry.data === message)) return;
  construct.node.addMetadata(type, message, { stackTrace: false });
}
