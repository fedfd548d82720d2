/**
 * Applies waivers to a report: a pure function of the report, the waivers and the time.
 *
 * - A `fail` or `unknown` finding that an in-force waiver matches (same policy, address glob, and
 *   input glob when given) becomes `waived`, keeps its severity and message, and carries the
 *   waiver under `waiver`. The first matching waiver in file order is the one recorded.
 * - A finding that only expired waivers match stays as it was, carries the expired waiver under
 *   `waiver` (status `expired`), and its message says when the waiver expired.
 * - Each waiver is reported: `applied`, `expired` or `unused` (in force, matched nothing).
 * - The summary is recounted: a waived finding is no longer failed or unknown; `waived` counts it.
 *
 * Findings already `waived` are left alone. Expiry is a UTC date, inclusive (`isInForce`).
 */
import { compareFindings, type Finding, type Report } from "../findings/report";
import { compileAddressGlob, compileInputGlob, type Matcher } from "./address-glob";
import {
  DAY_MS,
  expiryInstant,
  isInForce,
  LONG_LIVED_DAYS,
  type FindingWaiver,
  type WaivableFinding,
  type WaivedReport,
  type Waiver,
  type WaiverMatch,
  type WaiverResult,
} from "./waiver";

export interface ApplyWaiversResult {
  readonly report: WaivedReport;
  readonly waiverResults: readonly WaiverResult[];
}

interface Compiled {
  readonly waiver: Waiver;
  readonly inForce: boolean;
  readonly address: Matcher;
  readonly input?: Matcher;
}

function noteOf(waiver: Waiver, status: FindingWaiver["status"]): FindingWaiver {
  return {
    status,
    reason: waiver.reason,
    owner: waiver.owner,
    expires: waiver.expires,
    ...(waiver.ticket !== undefined ? { ticket: waiver.ticket } : {}),
    ...(waiver.source ? { source: waiver.source } : {}),
  };
}

/** The sentence added to the message of a finding whose waiver has expired. */
export function expiredNote(waiver: Pick<Waiver, "expires" | "owner">): string {
  return `(waiver by ${waiver.owner} expired on ${waiver.expires} UTC)`;
}

export function applyWaivers(report: Report, waivers: readonly Waiver[], now: Date): ApplyWaiversResult {
  if (Number.isNaN(now.getTime())) throw new TypeError("applyWaivers: now is not a valid date");
  const compiled: Compiled[] = waivers.map((waiver) => ({
    waiver,
    inForce: isInForce(waiver, now),
    address: compileAddressGlob(waiver.address),
    ...(waiver.input !== undefined ? { input: compileInputGlob(waiver.input) } : {}),
  }));
  const matches: WaiverMatch[][] = waivers.map(() => []);

  const findings: WaivableFinding[] = report.findings.map((finding: Finding): WaivableFinding => {
    if (finding.status === "waived") return finding;
    let applied: Waiver | undefined;
    let expired: Waiver | undefined;
    for (const [index, c] of compiled.entries()) {
      if (c.waiver.policy !== finding.policy || !c.address(finding.address)) continue;
      if (c.input && !c.input(finding.input)) continue;
      matches[index].push({ input: finding.input, address: finding.address, fingerprint: finding.fingerprint });
      if (c.inForce) applied ??= c.waiver;
      else expired ??= c.waiver;
    }
    if (applied) return { ...finding, status: "waived", waiver: noteOf(applied, "applied") };
    if (expired) return { ...finding, message: `${finding.message} ${expiredNote(expired)}`, waiver: noteOf(expired, "expired") };
    return finding;
  });
  findings.sort(compareFindings);

  const waiverResults: WaiverResult[] = compiled.map(({ waiver, inForce }, index) => ({
    policy: waiver.policy,
    address: waiver.address,
    ...(waiver.input !== undefined ? { input: waiver.input } : {}),
    reason: waiver.reason,
    owner: waiver.owner,
    expires: waiver.expires,
    ...(waiver.ticket !== undefined ? { ticket: waiver.ticket } : {}),
    ...(waiver.source ? { source: waiver.source } : {}),
    status: !inForce ? "expired" : matches[index].length > 0 ? "applied" : "unused",
    ...(inForce && expiryInstant(waiver.expires) - now.getTime() > LONG_LIVED_DAYS * DAY_MS ? { longLived: true } : {}),
    matches: matches[index],
  }));

  const summary = {
    ...report.summary,
    failed: findings.filter((f) => f.status === "fail").length,
    unknown: findings.filter((f) => f.status === "unknown").length,
    waived: findings.filter((f) => f.status === "waived").length,
  };
  return { report: { ...report, findings, summary, waivers: waiverResults }, waiverResults };
}
