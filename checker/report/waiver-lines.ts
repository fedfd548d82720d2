/**
 * Words for what became of waivers, for formatters: expired and unused waivers are what a person
 * has to act on; applied ones show up as waived findings.
 */
import { describeSource, type WaiverResult, type WaiverStatus } from "../waivers/waiver";

/** One sentence about an expired or unused waiver; `undefined` for an applied one. */
export function describeWaiverResult(result: WaiverResult): string | undefined {
  if (result.status === "expired") {
    const n = result.matches.length;
    return n > 0
      ? `expired on ${result.expires} UTC (owner ${result.owner}); the ${n === 1 ? "finding it matches counts" : `${n} findings it matches count`} again: renew it with a later date or fix the finding${n === 1 ? "" : "s"}`
      : `expired on ${result.expires} UTC (owner ${result.owner}) and matches no finding: remove it`;
  }
  if (result.status === "unused") return `matched no finding: remove it, or correct its policy, address or input`;
  if (result.longLived) return `holds until ${result.expires}, more than a year away: an exception should be reviewed within a year; give it a nearer date and renew it then`;
  return undefined;
}

/**
 * Text lines for the expired and unused waivers, in file order, to print before the summary line:
 * `WAIVER EXPIRED - eks-sg-policy.config.json waivers[0] - public-endpoint aws_eks_cluster.this - expired on ...`.
 * They start with neither FAIL nor WARN, so conftest-style parsers (Atlantis) do not count them.
 */
export function waiverLines(results: readonly WaiverResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const sentence = describeWaiverResult(result);
    if (!sentence) continue;
    const label = result.status === "expired" ? "WAIVER EXPIRED" : result.status === "unused" ? "WAIVER UNUSED" : "WAIVER LONG-LIVED";
    const scope = `${result.policy} ${result.address}${result.input !== undefined ? ` (input ${result.input})` : ""}`;
    lines.push(`${label} - ${describeSource(result)} - ${scope} - ${sentence}`);
  }
  return lines;
}

export function waiverCounts(results: readonly WaiverResult[]): Record<WaiverStatus, number> {
  const counts: Record<WaiverStatus, number> = { applied: 0, expired: 0, unused: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}
