/**
 * `securityGroupSelectorTerms` of a Karpenter `EC2NodeClass` or an EKS Auto Mode `NodeClass`: which
 * SGs of the plan they pick. As Karpenter does (pkg/providers/securitygroup in
 * aws/karpenter-provider-aws; karpenter.sh/docs/concepts/nodeclasses): terms are ORed; a term with
 * `id` picks that SG, else one with `name` picks by group name (not the Name tag), else its `tags`
 * must all match (ANDed), where the value `*` means "the key is present" and other values may hold
 * EC2's `*` and `?` wildcards. Every picked SG goes on the nodes.
 *
 * Only SGs the plan knows can be matched: a selector that picks none of them, or whose pick depends
 * on tags or names decided at apply time, leaves the set unknown. Karpenter and Auto Mode look for
 * SGs in their cluster's region, so SGs the plan puts in another region never match a name or tags.
 */
import { picomatch } from "../picomatch";
import { isObject, isUnknown, type Value } from "../model/value";
import type { SecurityGroup, SgDirectory, SgKey, SgSet, UndecidedText } from "./security-groups";

type Match = "yes" | "no" | { readonly undecided: string };

function globMatches(pattern: string, text: string): boolean {
  return /[*?]/.test(pattern) ? picomatch().isMatch(text, pattern, { dot: true, nobracket: true, noextglob: true, nonegate: true }) : pattern === text;
}

/**
 * A pattern against text decided at apply time: "no" when the text's known beginning already rules
 * it out (a name selector can never pick `eks-cluster-sg-<cluster>-…` unless it starts so).
 */
function undecidedMatch(pattern: string, text: UndecidedText, what: string): Match {
  if (text.prefix !== undefined) {
    const head = pattern.split(/[*?]/)[0];
    if (!head.startsWith(text.prefix) && !text.prefix.startsWith(head)) return "no";
  }
  return { undecided: `${what} (${text.unknown})` };
}

function tagMatches(sg: SecurityGroup, key: string, wanted: string): Match {
  const { tags } = sg;
  const value = tags.values.get(key);
  if (value !== undefined) return wanted === "*" || globMatches(wanted, value) ? "yes" : "no";
  const undecided = tags.undecided.get(key);
  if (undecided !== undefined) return wanted === "*" ? "yes" : undecidedMatch(wanted, undecided, `the value of its tag ${key} is decided at apply time`);
  return tags.unknown ? { undecided: tags.unknown } : "no";
}

function termMatches(sg: SecurityGroup, term: Record<string, string>): Match {
  let undecided: string | undefined;
  for (const [key, wanted] of Object.entries(term)) {
    const match = tagMatches(sg, key, wanted);
    if (match === "no") return "no";
    if (match !== "yes") undecided ??= match.undecided;
  }
  return undecided ? { undecided } : "yes";
}

function nameMatches(sg: SecurityGroup, wanted: string): Match {
  if (typeof sg.groupName === "string") return globMatches(wanted, sg.groupName) ? "yes" : "no";
  return undecidedMatch(wanted, sg.groupName, "its name is not known");
}

interface TermResult {
  readonly members: SgKey[];
  readonly undecided: string[];
}

/** Whether an SG may be in the region the selector looks in. */
export type InRegion = (sg: SecurityGroup) => boolean;

function byTest(sgs: SgDirectory, inRegion: InRegion, test: (sg: SecurityGroup) => Match, what: string): TermResult {
  const members: SgKey[] = [];
  const undecided: string[] = [];
  for (const sg of sgs.all()) {
    // SGs known only by id stand for the rest of the account: any of them could match.
    if (sg.kind === "external" || sg.kind === "remote-access" || !inRegion(sg)) continue;
    const match = test(sg);
    if (match === "yes") members.push(sg.key);
    else if (match !== "no") undecided.push(`whether ${sg.label} matches ${what}: ${match.undecided}`);
  }
  return { members, undecided };
}

/** A term's tags as text; a value decided at apply time leaves the term undecided. */
function tagTerm(tags: Value | undefined): Record<string, string> | { readonly undecided: string } {
  if (isUnknown(tags)) return { undecided: `its tags are decided at apply time (${tags.describe()})` };
  if (!isObject(tags)) return { undecided: "its tags are not a map" };
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value === "string") out[key] = value;
    else if (isUnknown(value)) return { undecided: `the value of tag ${key} is decided at apply time (${value.describe()})` };
    else out[key] = String(value);
  }
  return out;
}

function termResult(sgs: SgDirectory, inRegion: InRegion, term: Value): TermResult {
  if (isUnknown(term)) return { members: [], undecided: [`a term is decided at apply time (${term.describe()})`] };
  if (!isObject(term)) return { members: [], undecided: ["a term is not an object"] };
  if (term.id !== undefined && term.id !== null) {
    const set = sgs.resolve(term.id);
    return { members: [...set.members], undecided: set.unknown ? [`id: ${set.unknown}`] : [] };
  }
  if (term.name !== undefined && term.name !== null) {
    const name = term.name;
    if (typeof name !== "string") return { members: [], undecided: [isUnknown(name) ? `name is decided at apply time (${name.describe()})` : "name is not text"] };
    return byTest(sgs, inRegion, (sg) => nameMatches(sg, name), `name ${JSON.stringify(name)}`);
  }
  const tags = tagTerm(term.tags);
  if ("undecided" in tags && typeof tags.undecided === "string") return { members: [], undecided: [tags.undecided] };
  const wanted = tags as Record<string, string>;
  if (Object.keys(wanted).length === 0) return { members: [], undecided: ["a term selects nothing (no id, name or tags)"] };
  return byTest(sgs, inRegion, (sg) => termMatches(sg, wanted), `tags ${Object.keys(wanted).join(", ")}`);
}

/** The SGs a selector picks, or why the plan cannot tell. `undefined` selector terms: not given. */
export function selectSecurityGroups(sgs: SgDirectory, terms: Value | undefined, inRegion: InRegion = () => true): SgSet {
  if (isUnknown(terms)) return { members: [], unknown: `securityGroupSelectorTerms are decided at apply time (${terms.describe()})` };
  if (!Array.isArray(terms) || terms.length === 0) return { members: [], unknown: "securityGroupSelectorTerms is empty or not a list" };
  const results = terms.map((term) => termResult(sgs, inRegion, term));
  const members = [...new Set(results.flatMap((r) => r.members))];
  const undecided = results.flatMap((r) => r.undecided);
  if (undecided.length > 0) return { members, unknown: undecided.join("; ") };
  if (members.length === 0) return { members, unknown: "securityGroupSelectorTerms match no SG in this plan (nodes launch only if an SG made elsewhere matches)" };
  return { members };
}

/** Cluster names a selector names: `karpenter.sh/discovery` values, `aws:eks:cluster-name` values, `kubernetes.io/cluster/<name>` keys. */
export function clusterNamesInSelector(terms: Value | undefined): string[] {
  if (!Array.isArray(terms)) return [];
  const names: string[] = [];
  for (const term of terms) {
    const tags = isObject(term) ? term.tags : undefined;
    if (!isObject(tags)) continue;
    for (const [key, value] of Object.entries(tags)) {
      if ((key === "karpenter.sh/discovery" || key === "aws:eks:cluster-name") && typeof value === "string" && !/[*?]/.test(value)) names.push(value);
      if (key.startsWith("kubernetes.io/cluster/")) names.push(key.slice("kubernetes.io/cluster/".length));
    }
  }
  return [...new Set(names)];
}
