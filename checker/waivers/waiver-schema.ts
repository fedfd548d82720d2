/**
 * The JSON Schema of a waiver list (validated with ajv), what to tell the user about each field,
 * and the checks a schema cannot express (glob syntax). Shared by the configuration file and the
 * waivers file: in both, the list is the top-level `waivers` key.
 */
import { closest, type FieldHint } from "../user-files/json-file";
import { addressGlobProblem, compileAddressGlob } from "./address-glob";
import type { Waiver, WaiverSource } from "./waiver";

export const WAIVER_KEYS = ["policy", "address", "input", "reason", "owner", "expires", "ticket"] as const;
export const REASON_MIN = 10;

/** At least REASON_MIN characters from the first to the last non-space one. */
const REASON_PATTERN = `^\\s*\\S[\\s\\S]{${REASON_MIN - 2},}\\S\\s*$`;

export function waiverSchema(policyIds: readonly string[]): object {
  return {
    type: "object",
    additionalProperties: false,
    required: ["policy", "address", "reason", "owner", "expires"],
    properties: {
      policy: { type: "string", enum: [...policyIds] },
      address: { type: "string", minLength: 1 },
      input: { type: "string", minLength: 1 },
      reason: { type: "string", pattern: REASON_PATTERN },
      owner: { type: "string", pattern: "\\S" },
      expires: { type: "string", format: "utc-date" },
      ticket: { type: "string" },
    },
  };
}

export function waiverListSchema(policyIds: readonly string[]): object {
  return { type: "array", items: waiverSchema(policyIds) };
}

const isWaiver = (s: readonly (string | number)[]) => s.length === 2 && s[0] === "waivers" && typeof s[1] === "number";
const isWaiverField = (field: string) => (s: readonly (string | number)[]) =>
  s.length === 3 && s[0] === "waivers" && typeof s[1] === "number" && s[2] === field;

const MISSING: Record<string, string> = {
  policy: 'Name the policy id the waiver is for, e.g. "public-endpoint" (eks-sg-policy list shows them)',
  address: 'Give the resource address or a glob over addresses, e.g. "module.eks.aws_eks_node_group.this[*]"',
  reason: `Say in at least ${REASON_MIN} characters why the finding is acceptable`,
  owner: 'Name who accepted the risk and answers for it, e.g. "@platform-security" or an email address',
  expires: 'Give the last day the waiver holds as YYYY-MM-DD (UTC), e.g. "2027-01-31"',
};

/** What to say about each waiver field. `policyIds` lists the valid ids for unknown-policy errors. */
export function waiverHints(policyIds: readonly string[]): FieldHint[] {
  return [
    { matches: (s) => s.length === 1 && s[0] === "waivers", remedy: () => "Write waivers as a list of objects: [{\"policy\": ..., \"address\": ..., ...}]" },
    {
      matches: isWaiver,
      allowedKeys: WAIVER_KEYS,
      missing: MISSING,
      remedy: () => 'Write each waiver as an object with policy, address, reason, owner and expires',
    },
    {
      matches: isWaiverField("policy"),
      problem: (value, where, error) =>
        error.keyword === "enum" ? `${where} is ${JSON.stringify(value)}, which is not a policy id` : undefined,
      remedy: (value) => {
        const guess = typeof value === "string" ? closest(value, policyIds) : undefined;
        return `${guess ? `Did you mean ${JSON.stringify(guess)}? ` : ""}Valid ids: ${policyIds.join(", ")}`;
      },
    },
    { matches: isWaiverField("address"), remedy: () => MISSING.address },
    { matches: isWaiverField("input"), remedy: () => 'Give a glob over input paths, e.g. "plans/prod/*.json", or leave "input" out' },
    {
      matches: isWaiverField("reason"),
      problem: (value, where, error) =>
        error.keyword === "pattern" && typeof value === "string"
          ? `${where} has ${value.trim().length} characters, and a reason needs at least ${REASON_MIN}`
          : undefined,
      remedy: () => 'Say why the finding is acceptable and what limits the risk, e.g. "Bastion reachable from the corporate VPN only"',
    },
    {
      matches: isWaiverField("owner"),
      problem: (value, where, error) => (error.keyword === "pattern" ? `${where} is empty` : undefined),
      remedy: () => MISSING.owner,
    },
    {
      matches: isWaiverField("expires"),
      problem: (value, where, error) =>
        error.keyword === "format" ? `${where} is ${JSON.stringify(value)}, which is not a date written YYYY-MM-DD` : undefined,
      remedy: () => 'Write the last day (UTC) on which the waiver holds, e.g. "2027-01-31"',
    },
    { matches: isWaiverField("ticket"), remedy: () => 'Give the ticket as a string, e.g. "SEC-123", or leave "ticket" out' },
  ];
}

/** A problem the schema cannot see: an address glob that does not parse. */
export interface WaiverProblem {
  readonly path: string;
  readonly problem: string;
  readonly remedy: string;
}

/** Addresses unlike each other: a pattern that matches them all waives a policy everywhere. */
const UNLIKE_ADDRESSES = ["aws_eks_node_group.a", 'module.m["k"].aws_security_group.b[0]', "module.x.module.y.aws_eks_cluster.c", "kubernetes_manifest.d"];

/** Placeholder words people put where a reason or an owner is required. */
const PLACEHOLDERS = /^(todo|tbd|fixme|n\/?a|none|test|temp|wip|x+|\.+|-+|\?+|unknown|someone|me|owner|reason|because|ok|later)$/i;

/**
 * What a schema cannot see: an address glob that does not parse or matches every address (turning
 * a policy off belongs in `policies`, where it is reported), and a reason or owner that is a
 * placeholder (`xxxxxxxxxx`, `TODO`, `.`).
 */
export function waiverGlobProblem(list: readonly Record<string, unknown>[]): WaiverProblem | undefined {
  for (const [index, waiver] of list.entries()) {
    const address = String(waiver.address);
    const found = addressGlobProblem(address);
    if (found) return { path: `waivers[${index}].address`, problem: `${JSON.stringify(address)} ${found.problem}`, remedy: found.remedy };
    const matches = compileAddressGlob(address);
    if (UNLIKE_ADDRESSES.every((a) => matches(a))) {
      return {
        path: `waivers[${index}].address`,
        problem: `${JSON.stringify(address)} matches every address, which waives ${String(waiver.policy)} everywhere`,
        remedy: `Name the resources the waiver is for (a glob such as "module.eks.aws_eks_node_group.this[*]"), or turn the policy off in "policies" ({"${String(waiver.policy)}": {"enabled": false}}), where every report shows it`,
      };
    }
    const reason = String(waiver.reason).trim();
    if (PLACEHOLDERS.test(reason) || new Set(reason.toLowerCase().replace(/[^a-z]/g, "")).size < 4) {
      return { path: `waivers[${index}].reason`, problem: `${JSON.stringify(reason)} is a placeholder, not a reason`, remedy: 'Say why the finding is acceptable and what limits the risk, e.g. "Bastion reachable from the corporate VPN only"' };
    }
    const owner = String(waiver.owner).trim();
    if (PLACEHOLDERS.test(owner.replace(/^@/, "")) || !/[A-Za-z0-9]/.test(owner)) {
      return { path: `waivers[${index}].owner`, problem: `${JSON.stringify(owner)} names nobody`, remedy: MISSING.owner };
    }
  }
  return undefined;
}

/** Waivers that passed the schema, with their source. */
export function toWaivers(list: readonly Record<string, unknown>[], file: string): Waiver[] {
  return list.map((raw, index) => {
    const source: WaiverSource = { file, path: `waivers[${index}]` };
    const waiver: Waiver = {
      policy: raw.policy as string,
      address: raw.address as string,
      ...(raw.input !== undefined ? { input: raw.input as string } : {}),
      reason: (raw.reason as string).trim(),
      owner: (raw.owner as string).trim(),
      expires: raw.expires as string,
      ...(raw.ticket !== undefined ? { ticket: raw.ticket as string } : {}),
      source,
    };
    return waiver;
  });
}
