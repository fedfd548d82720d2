/**
 * Values of resource attributes as the checker sees them: JSON, except that a value the plan does
 * not decide is an `Unknown` — never `undefined`, never `null`, never an empty list.
 */

/** One step of an attribute path: a key in an object or an index in a list. */
export type Step = string | number;
export type Path = readonly Step[];

/** A place a value comes from: a resource instance (full address) and an attribute path inside it. */
export interface Ref {
  readonly address: string;
  readonly path: Path;
}

/**
 * Why a value is unknown:
 * - `computed`: the configuration does not set it, so the provider computes it at apply time;
 * - `expression`: it comes from an expression; `refs` says where it comes from, `unresolved` what
 *   could not be followed (a `local`, a data source, ...);
 * - `no-config`: the plan has no configuration for it (older formats, dynamic blocks);
 * - `token`: a `${...}` token in synthesized CDKTF output.
 */
export type UnknownOrigin = "computed" | "expression" | "no-config" | "token";

/** One `${...}` of a template string: its text and where it leads. */
export interface TemplateToken {
  readonly source: string;
  readonly refs: readonly Ref[];
  readonly unresolved: readonly string[];
}

/** The text of a string with `${...}` tokens (synthesized CDKTF), so that structured text (YAML) can still be read. */
export interface Template {
  readonly text: string;
  readonly tokens: readonly TemplateToken[];
}

/**
 * What marks an `Unknown`, registered so that every copy of this code agrees: the command line runs
 * a bundle of the checker while a plugin imports the library, and values pass between the two
 * (scripts/bundle-cli.js). `isUnknown` and `instanceof Unknown` read it.
 */
const UNKNOWN_MARK = Symbol.for("eks-sg-policy.unknown");

export class Unknown {
  static [Symbol.hasInstance](value: unknown): boolean {
    return isUnknown(value);
  }

  constructor(
    readonly origin: UnknownOrigin,
    readonly reason: string,
    readonly refs: readonly Ref[] = [],
    readonly unresolved: readonly string[] = [],
    /** Known values the expression also uses (a variable's value, a module default), e.g. an SG id in a list. */
    readonly constants: readonly unknown[] = [],
    /** For a `token` string: the text with its tokens. */
    readonly template?: Template,
    /**
     * The value is one of these (`each.value` of a map built from references: the plan lists what
     * the map is built from, not which key holds which).
     */
    readonly oneOf: readonly Ref[] = [],
  ) {}

  /** True when every part of the expression was followed to a resource instance. */
  get fullyResolved(): boolean {
    return this.refs.length > 0 && this.unresolved.length === 0;
  }

  /** A short human explanation, e.g. for a finding message. */
  describe(): string {
    const parts = [this.reason];
    if (this.refs.length > 0) parts.push(`from ${this.refs.map(formatRef).join(", ")}`);
    if (this.oneOf.length > 0) parts.push(`one of ${this.oneOf.map(formatRef).join(", ")} (each.value of a map built from them; the plan does not say which key holds which)`);
    if (this.unresolved.length > 0) parts.push(`unresolved: ${this.unresolved.join("; ")}`);
    return parts.join("; ");
  }
}

export type Value = null | boolean | number | string | Unknown | Value[] | { [key: string]: Value };
export type ValueObject = { [key: string]: Value };

Object.defineProperty(Unknown.prototype, UNKNOWN_MARK, { value: true });

export function isUnknown(value: unknown): value is Unknown {
  return typeof value === "object" && value !== null && (value as { [UNKNOWN_MARK]?: boolean })[UNKNOWN_MARK] === true;
}

export function isObject(value: Value | undefined): value is ValueObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isUnknown(value);
}

/**
 * Reads a path. An `Unknown` met on the way is returned as it stands, because a wholly unknown
 * block also makes every leaf below it unknown. A missing key gives `undefined`.
 */
export function valueAt(value: Value | undefined, path: Path): Value | undefined {
  let current: Value | undefined = value;
  // Indexed: in baseline code a for-of allocates a result for every step, and every read of a value goes through here.
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    if (current === undefined || current === null) return undefined;
    if (isUnknown(current)) return current;
    if (typeof step === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (!isObject(current)) return undefined;
      current = current[step];
    }
  }
  return current;
}

/** The first element of a nested block list (`vpc_config[0]`), or the block itself when unknown. */
export function firstBlock(value: Value | undefined, key: string): ValueObject | Unknown | undefined {
  const block = valueAt(value, [key]);
  if (isUnknown(block)) return block;
  if (Array.isArray(block)) {
    const first = block[0];
    if (isUnknown(first) || isObject(first)) return first;
    return undefined;
  }
  return isObject(block) ? block : undefined;
}

export function formatPath(path: Path): string {
  let out = "";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else out += out === "" ? step : `.${step}`;
  }
  return out;
}

export function formatRef(ref: Ref): string {
  return ref.path.length === 0 ? ref.address : `${ref.address}.${formatPath(ref.path)}`;
}
