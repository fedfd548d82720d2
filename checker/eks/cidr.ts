/** CIDR arithmetic (ipaddr.js): does a rule's CIDR contain a subnet's? */
import * as ipaddr from "ipaddr.js";

export type IpFamily = 4 | 6;

export interface ParsedCidr {
  readonly text: string;
  readonly family: IpFamily;
  readonly range: readonly [ipaddr.IPv4 | ipaddr.IPv6, number];
}

/**
 * The same few CIDRs come back in every cluster of a plan (`0.0.0.0/0`, the VPC's), and ipaddr.js
 * tries an IPv4 CIDR as IPv6 first, through an exception: each text is parsed once (issue #13).
 * Bounded, for a process that checks plan after plan.
 */
const parsed = new Map<string, ParsedCidr | undefined>();
const MAX_REMEMBERED = 10_000;

export function parseCidr(text: string): ParsedCidr | undefined {
  if (parsed.has(text)) return parsed.get(text);
  let cidr: ParsedCidr | undefined;
  try {
    const range = ipaddr.parseCIDR(text);
    cidr = { text, family: range[0].kind() === "ipv4" ? 4 : 6, range };
  } catch {
    cidr = undefined;
  }
  if (parsed.size >= MAX_REMEMBERED) parsed.clear();
  parsed.set(text, cidr);
  return cidr;
}

/** True when every address of `inner` is in `outer` (same family). */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  if (outer.family !== inner.family) return false;
  const [innerAddress, innerBits] = inner.range;
  const [outerAddress, outerBits] = outer.range;
  return innerBits >= outerBits && (innerAddress as ipaddr.IPv4).match(outerAddress as ipaddr.IPv4, outerBits);
}

/** A prefix of length 0 holds every address of its family: `0.0.0.0/0`, `::/0`, `::0/0`, `0::/0`… */
export function isWholeInternet(cidr: ParsedCidr): boolean {
  return cidr.range[1] === 0;
}

/** The same for CIDR text; text that is not a CIDR is not the whole internet. */
export function isWholeInternetText(text: string): boolean {
  const parsed = parseCidr(text);
  return parsed !== undefined && isWholeInternet(parsed);
}
