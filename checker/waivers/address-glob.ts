/**
 * Globs over Terraform resource addresses, matched with picomatch.
 *
 * Users write an address exactly as Terraform prints it (`terraform plan`, `terraform state list`):
 * `module.eks.aws_eks_node_group.this["general"]`. In such a pattern only these characters are
 * special:
 *
 * - `*` any run of characters, including none and including `.`, `[`, `]`, `"` and `/`;
 * - `?` exactly one character;
 * - `{a,b}` one of two or more alternatives (they may hold `*` and `?`; they nest);
 * - `\` makes the next character literal (`\*`, `\{`, `\,`, `\?`, `\\`).
 *
 * Everything else is literal, `[`, `]`, `"` and `.` included; so `this[*]` means "any index key"
 * and there are no character classes (use `{0,1}` instead of `[01]`). Because `"` must be written
 * `\"` inside a JSON string, a `'` in a pattern stands for `"` (Terraform never prints `'` around
 * keys): `this['general']` is the same pattern as `this["general"]`; a literal `'` is `\'`.
 *
 * picomatch treats `[`, `"`, `(`, `!`, `@`, `+` specially and `*` does not cross `/` (which index
 * keys such as `["10.0.0.0/16"]` contain), so the pattern is translated: every literal is escaped
 * with a backslash, and `/` is replaced by a private-use character in both the pattern and the
 * address.
 */
import { picomatch, type PicomatchOptions } from "../picomatch";

const SLASH = "\uE000";
const ADDRESS_OPTIONS: PicomatchOptions = { dot: true, nobracket: true, noextglob: true, nonegate: true, windows: false };

export interface GlobProblem {
  readonly problem: string;
  readonly remedy: string;
}

const LITERAL_BRACE = 'write a literal brace with a backslash before it (in JSON: "\\\\{")';

/** Why a pattern cannot be used, or `undefined` when it is fine. */
export function addressGlobProblem(pattern: string): GlobProblem | undefined {
  if (pattern.trim() === "") return { problem: "is empty", remedy: 'Give a resource address or a glob, e.g. "module.eks.aws_eks_node_group.this[*]"' };
  if (pattern !== pattern.trim()) return { problem: "starts or ends with a space", remedy: "Remove the spaces: addresses have none there" };
  // One entry per open brace: where it opened and whether a comma has split it yet.
  const groups: { start: number; comma: boolean }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      if (i === pattern.length - 1) return { problem: "ends with a lone backslash", remedy: 'A backslash makes the next character literal; for a backslash itself write two (in JSON: "\\\\\\\\")' };
      i += 1;
    } else if (c === "{") groups.push({ start: i, comma: false });
    else if (c === ",") {
      if (groups.length > 0) groups[groups.length - 1].comma = true;
    } else if (c === "}") {
      const group = groups.pop();
      if (!group) return { problem: 'has a "}" without its "{"', remedy: `Open the alternatives with "{", or ${LITERAL_BRACE}` };
      if (!group.comma) {
        return {
          problem: `has ${JSON.stringify(pattern.slice(group.start, i + 1))}, alternatives with only one choice`,
          remedy: `Separate two or more choices with commas, e.g. {general,batch}, or ${LITERAL_BRACE}`,
        };
      }
    }
  }
  if (groups.length > 0) return { problem: 'has a "{" without its "}"', remedy: `Close the alternatives with "}", or ${LITERAL_BRACE}` };
  return undefined;
}

/** The picomatch glob for an address pattern (see the file comment). Exported for tests. */
export function toPicomatchGlob(pattern: string): string {
  let out = "";
  let depth = 0;
  const literal = (c: string) => (c === "/" ? SLASH : /[A-Za-z0-9_]/.test(c) ? c : `\\${c}`);
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) {
      out += literal(pattern[i + 1]);
      i += 1;
    } else if (c === "*") {
      // Runs of stars are one star: no path segments here.
      while (pattern[i + 1] === "*") i += 1;
      out += "*";
    } else if (c === "?") out += "?";
    else if (c === "{") {
      depth += 1;
      out += "{";
    } else if (c === "}" && depth > 0) {
      depth -= 1;
      out += "}";
    } else if (c === "," && depth > 0) out += ",";
    else if (c === "'") out += '\\"';
    else out += literal(c);
  }
  return out;
}

export type Matcher = (text: string) => boolean;

/** A matcher for one address pattern. Call `addressGlobProblem` first for a message on bad patterns. */
export function compileAddressGlob(pattern: string): Matcher {
  const isMatch = picomatch()(toPicomatchGlob(pattern), ADDRESS_OPTIONS);
  return (address) => isMatch(address.split("/").join(SLASH));
}

const INPUT_OPTIONS: PicomatchOptions = { dot: true, windows: false };

const stripDotSlash = (p: string) => p.replace(/^(\.\/)+/, "");

/**
 * A matcher over input paths (as named on the command line, or `cdktf.out/stacks/<stack>/cdk.tf.json`
 * for a synth folder): an ordinary path glob, `*` within a folder, `**` across folders.
 * Backslashes in the path are read as `/`.
 */
export function compileInputGlob(pattern: string): Matcher {
  const isMatch = picomatch()(stripDotSlash(pattern), INPUT_OPTIONS);
  return (input) => isMatch(stripDotSlash(input.replace(/\\/g, "/")));
}
