/** Waivers: accepted, owned, time-boxed exceptions to findings, and what applying them reports. */
import type { Finding, Report } from "../findings/report";

/** One waiver as written in the configuration or a waivers file. */
export interface Waiver {
  /** The policy id the waiver is for (exact). */
  readonly policy: string;
  /** A glob over resource addresses (see `address-glob.ts` and docs/configuration.md). */
  readonly address: string;
  /** Optional glob over the input path, when the same address exists in several plans. */
  readonly input?: string;
  /** Why the finding is acceptable: at least 10 characters. */
  readonly reason: string;
  /** Who accepted the risk. */
  readonly owner: string;
  /** The last day the waiver holds, `YYYY-MM-DD`, in UTC: it holds through that whole day. */
  readonly expires: string;
  /** Optional ticket or link. */
  readonly ticket?: string;
  /** Where it was written, for messages and reports. */
  readonly source?: WaiverSource;
}

export interface WaiverSource {
  /** The file as named to the user. */
  readonly file: string;
  /** The JSON path of the waiver in that file: `waivers[2]`. */
  readonly path: string;
}

/** What a finding carries about the waiver that matched it. */
export interface FindingWaiver {
  /** `applied`: the finding is waived. `expired`: the waiver ran out, and the finding counts again. */
  readonly status: "applied" | "expired";
  readonly reason: string;
  readonly owner: string;
  readonly expires: string;
  readonly ticket?: string;
  readonly source?: WaiverSource;
}

/** A finding, with the waiver that matched it (if any) as an extra key. */
export type WaivableFinding = Finding & { readonly waiver?: FindingWaiver };

export type WaiverStatus = "applied" | "expired" | "unused";

/** What became of one waiver: the waiver as written, its status and what it matched. */
export interface WaiverResult extends Waiver {
  /**
   * `applied`: in force and matched at least one finding. `expired`: past its date (whatever it
   * matched: the findings it matches count again). `unused`: in force but matched nothing.
   */
  readonly status: WaiverStatus;
  /** In force for more than LONG_LIVED_DAYS from now (`expires: "9999-12-31"`): reported for review. */
  readonly longLived?: boolean;
  /** The `fail`/`unknown` findings it matched, in report order. */
  readonly matches: readonly WaiverMatch[];
}

export interface WaiverMatch {
  readonly input: string;
  readonly address: string;
  readonly fingerprint: string;
}

/** A report after waivers: the findings may carry `waiver`, and `waivers` says what became of each. */
export interface WaivedReport extends Report {
  readonly findings: readonly WaivableFinding[];
  readonly waivers: readonly WaiverResult[];
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A waiver that holds longer than this is reported as long-lived: an exception is meant to be reviewed. */
export const LONG_LIVED_DAYS = 366;

/** The first instant at which a waiver expiring on `expires` no longer holds: the next UTC midnight. */
export function expiryInstant(expires: string): number {
  const [year, month, day] = expires.split("-").map(Number);
  return Date.UTC(year, month - 1, day) + DAY_MS;
}

/** True when the waiver still holds at `now`: through the whole of its `expires` day, UTC. */
export function isInForce(waiver: Pick<Waiver, "expires">, now: Date): boolean {
  return now.getTime() < expiryInstant(waiver.expires);
}

/** `eks-sg-policy.config.json waivers[2]`, or the waiver's policy and address when it has no source. */
export function describeSource(waiver: Pick<Waiver, "source" | "policy" | "address">): string {
  return waiver.source ? `${waiver.source.file} ${waiver.source.path}` : `waiver ${waiver.policy} ${waiver.address}`;
}
