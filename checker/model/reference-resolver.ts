/**
 * Follows configuration references to the resource instances they name, so that an unknown
 * value still says where it comes from. It walks module inputs (`var.x` → the caller's argument),
 * module outputs (`module.m.out` → the output's expression), `count.index`, `each.key` and
 * `each.value` (→ the `for_each` collection at this instance's key), through any depth.
 *
 * What plan JSON cannot tell — `local.x` (locals are not in the plan), data sources, `path.*` —
 * is kept as an unresolved reason, never guessed.
 */
import type { ExpressionJson, JsonValue } from "../load/plan-document";
import type { ConfigModule } from "./config-index";
import {
  formatKey,
  formatModuleAddress,
  isStrictPrefix,
  parseTraversal,
  type ModuleSegment,
  type TraversalStep,
} from "./traversal";
import type { Path, Ref } from "./value";

export interface Resolution {
  refs: Ref[];
  unresolved: string[];
  constants: JsonValue[];
  /** The value is one of these (see `Unknown.oneOf`). */
  oneOf: Ref[];
  /** Set when the value comes from a sensitive output of another input. */
  sensitive?: boolean;
}

/** Where an expression is evaluated: a module instance, plus the object's `count`/`for_each` key. */
export interface Scope {
  readonly module: ConfigModule;
  readonly instance: readonly ModuleSegment[];
  readonly key?: string | number;
  readonly forEach?: ExpressionJson;
}

/** "Then take element `key` and read `rest`" — how `each.value.x` reads its collection. */
interface Pick {
  readonly key: string | number;
  readonly rest: Path;
}

export interface ResolverSources {
  /** How an instance address is named in the world it joins (an input's prefix when several inputs join). */
  readonly qualify?: (address: string) => string;
  /** The values of data sources read at plan time (prior state), by address. */
  readonly dataValues?: ReadonlyMap<string, JsonValue>;
  /**
   * Another input of the run that writes the remote state a `terraform_remote_state` reads: the
   * expression of its output, resolved there. `undefined` when no input is known to write it.
   */
  readonly remoteState?: (dataAddress: string, output: string, rest: Path) => Resolution | undefined;
  readonly rootVariables: { readonly [name: string]: JsonValue | undefined };
  /** Instances by module instance + `type.name`, e.g. `module.a["x"].aws_security_group.node`. */
  readonly instancesByBase: ReadonlyMap<string, ReadonlyArray<{ address: string; index?: string | number }>>;
  /** Child module instances by parent module instance address + call name. */
  readonly moduleInstances: ReadonlyMap<string, ReadonlyArray<readonly ModuleSegment[]>>;
}

const MAX_DEPTH = 64;

const empty = (): Resolution => ({ refs: [], unresolved: [], constants: [], oneOf: [] });
// Resolutions of one part, made whole: a resolution is made for every unknown value of a plan, and
// spreading an empty one first made five objects more (issue #13).
const refsOnly = (refs: Ref[]): Resolution => ({ refs, unresolved: [], constants: [], oneOf: [] });
const unresolvedOnly = (why: string): Resolution => ({ refs: [], unresolved: [why], constants: [], oneOf: [] });
const constantOnly = (value: JsonValue): Resolution => ({ refs: [], unresolved: [], constants: [value], oneOf: [] });

function merge(into: Resolution, from: Resolution): void {
  into.refs.push(...from.refs);
  into.unresolved.push(...from.unresolved);
  into.constants.push(...from.constants);
  into.oneOf.push(...from.oneOf);
}

/** Whether a step adds to the path it reads: `[*]` reads every element, so it does not. */
const addsToPath = (step: TraversalStep): boolean => step.kind === "attr" || step.key !== "*";

function stepsToPath(steps: readonly TraversalStep[], from = 0): Path {
  // Sized first: paths live in the model's refs, and a list grown by push reserves 17 slots.
  let length = 0;
  for (let i = from; i < steps.length; i++) if (addsToPath(steps[i])) length += 1;
  const path = new Array<string | number>(length);
  for (let i = from, at = 0; i < steps.length; i++) {
    const step = steps[i];
    if (addsToPath(step)) path[at++] = step.kind === "attr" ? step.name : step.key;
  }
  return path;
}

function formatSteps(steps: readonly TraversalStep[]): string {
  return steps.map((s, i) => (s.kind === "attr" ? (i === 0 ? s.name : `.${s.name}`) : s.key === "*" ? "[*]" : formatKey(s.key))).join("");
}

export function navigate(value: JsonValue | undefined, path: Path): JsonValue | undefined {
  let current = value;
  for (const step of path) {
    if (current === null || current === undefined || typeof current !== "object") return undefined;
    current = Array.isArray(current) ? (typeof step === "number" ? current[step] : undefined) : current[String(step)];
  }
  return current;
}

/** `toset(["a","b"])` iterated by `for_each` has each.value equal to each.key. */
function pickFromConstant(value: JsonValue, pick: Pick): JsonValue | undefined {
  if (Array.isArray(value) && value.includes(pick.key as JsonValue)) return navigate(pick.key as JsonValue, pick.rest);
  return navigate(value, [pick.key, ...pick.rest]);
}

export function withPath(res: Resolution, rest: Path): Resolution {
  if (rest.length === 0) return res;
  return {
    refs: res.refs.map((r) => ({ address: r.address, path: [...r.path, ...rest] })),
    oneOf: res.oneOf.map((r) => ({ address: r.address, path: [...r.path, ...rest] })),
    unresolved: res.unresolved,
    constants: res.constants.map((c) => navigate(c, rest)).filter((c): c is JsonValue => c !== undefined),
  };
}

interface ParsedReferences {
  /** The traversals that say the most (prefixes dropped), with their text. */
  readonly kept: readonly { readonly steps: TraversalStep[]; readonly text: string }[];
  /** Entries that are not plain traversals. */
  readonly invalid: readonly string[];
  /**
   * Whether the expression reads `each.key` or `count.index`. Terraform lists `x[each.key]` as `x`
   * and `each.key`, so whatever else it names may be what the key indexes.
   */
  readonly usesKey: boolean;
}

export class ReferenceResolver {
  private readonly memo = new Map<string, Resolution>();
  private readonly parsed = new WeakMap<readonly string[], ParsedReferences>();
  private readonly collectionIds = new Map<object, string>();

  constructor(private readonly sources: ResolverSources) {}

  resolveExpression(expression: ExpressionJson | undefined, scope: Scope, pick?: Pick, depth = 0): Resolution {
    if (expression === undefined || expression === null) return empty();
    if (Array.isArray(expression)) {
      const result = empty();
      // A nested block: everything its arguments refer to.
      for (const block of expression) {
        if (block === null || typeof block !== "object") continue;
        for (const inner of Object.values(block)) merge(result, this.resolveExpression(inner, scope, pick, depth));
      }
      return result;
    }
    if (typeof expression !== "object") return unresolvedOnly("an expression the plan does not describe");
    // Configurations written in JSON (cdk.tf.json) give both: the template text as a "constant" and its references.
    if (Array.isArray(expression.references) && expression.references.length > 0) return this.resolveReferences(expression.references, scope, pick, depth);
    if ("constant_value" in expression) {
      const value = expression.constant_value ?? null;
      const picked = pick ? pickFromConstant(value, pick) : value;
      return picked !== undefined ? constantOnly(picked) : unresolvedOnly(`element ${formatKey(pick!.key)} of a constant collection`);
    }
    if (Array.isArray(expression.references)) return this.resolveReferences(expression.references, scope, pick, depth);
    return unresolvedOnly("an expression the plan does not describe");
  }

  resolveReferences(references: readonly string[], scope: Scope, pick?: Pick, depth = 0): Resolution {
    const { kept, invalid, usesKey } = this.parse(references);
    // Most expressions name one thing: its resolution as it is (resolutions are not changed once
    // made), unless it carries more than the four lists a merge keeps.
    if (kept.length === 1 && invalid.length === 0) {
      const only = this.resolveReference(kept[0].steps, kept[0].text, scope, pick, usesKey, depth);
      if (only.sensitive === undefined) return only;
    }
    const result = empty();
    result.unresolved.push(...invalid);
    for (const { steps, text } of kept) merge(result, this.resolveReference(steps, text, scope, pick, usesKey, depth));
    return result;
  }

  /**
   * A configuration's `references` list parsed once: each module instance (1,000 of them in a
   * plan with `for_each` over a module) resolves the same expressions again (issue #13).
   */
  private parse(references: readonly string[]): ParsedReferences {
    const cached = this.parsed.get(references);
    if (cached) return cached;
    const invalid: string[] = [];
    const parsed: TraversalStep[][] = [];
    for (const text of references) {
      // A hand-edited or damaged plan may hold anything here; only text is a reference.
      if (typeof text !== "string") continue;
      const steps = parseTraversal(text);
      if (steps) parsed.push(steps);
      else invalid.push(text);
    }
    // Terraform ≥ 1.0.1 lists every prefix of a traversal; the longest one says the most.
    const seen = new Set<string>();
    const kept: { steps: TraversalStep[]; text: string }[] = [];
    for (const steps of parsed) {
      const text = formatSteps(steps);
      if (seen.has(text) || parsed.some((other) => isStrictPrefix(steps, other))) continue;
      seen.add(text);
      kept.push({ steps, text });
    }
    const usesKey = kept.some(({ steps }) => isRoot(steps, "each", "key") || isRoot(steps, "count", "index"));
    const result = { kept, invalid, usesKey };
    this.parsed.set(references, result);
    return result;
  }

  private resolveReference(steps: TraversalStep[], text: string, scope: Scope, pick: Pick | undefined, usesKey: boolean, depth: number): Resolution {
    if (depth > MAX_DEPTH) return unresolvedOnly(`${text} (reference chain too deep)`);
    // `each.value` reads the collection of the object it is in: two resources of one module with the
    // same keys (`for_each = aws_security_group.node`, then `for_each = aws_launch_template.node`)
    // read different ones.
    const collection = isRoot(steps, "each", "value") ? `|${this.collectionKey(scope.forEach)}` : "";
    const memoKey = `${formatModuleAddress(scope.instance)}|${keyText(scope.key)}|${text}|${pick ? `${keyText(pick.key)}:${pick.rest.join(".")}` : ""}|${usesKey}${collection}`;
    const cached = this.memo.get(memoKey);
    if (cached) return cached;
    const result = this.resolveUncached(steps, text, scope, pick, usesKey, depth + 1);
    this.memo.set(memoKey, result);
    return result;
  }

  /**
   * What decides a `for_each` collection's elements: its references when it has any (objects that
   * iterate over the same variable share resolutions), else the expression itself.
   */
  private collectionKey(forEach: ExpressionJson | undefined): string {
    if (forEach === undefined || forEach === null || typeof forEach !== "object" || Array.isArray(forEach)) return "";
    if (Array.isArray(forEach.references) && forEach.references.length > 0) return forEach.references.join("\n");
    let id = this.collectionIds.get(forEach);
    if (id === undefined) this.collectionIds.set(forEach, (id = `#${this.collectionIds.size}`));
    return id;
  }

  private resolveUncached(steps: TraversalStep[], text: string, scope: Scope, pick: Pick | undefined, usesKey: boolean, depth: number): Resolution {
    const root = steps[0].kind === "attr" ? steps[0].name : "";
    const second = steps[1]?.kind === "attr" ? steps[1].name : undefined;
    const unresolved = (why: string): Resolution => unresolvedOnly(`${text} (${why})`);

    switch (root) {
      case "local":
        return unresolved("locals are not in plan JSON");
      case "data":
        return this.resolveData(steps, text, scope);
      case "path":
      case "terraform":
      case "self":
        return unresolved("not known to the plan");
      case "count":
        return scope.key === undefined ? unresolved("no count here") : constantOnly(scope.key);
      case "each":
        if (scope.key === undefined) return unresolved("no for_each here");
        if (second === "key") return constantOnly(scope.key);
        if (second === "value" && scope.forEach) {
          const collectionScope: Scope = { module: scope.module, instance: scope.instance };
          return this.resolveExpression(scope.forEach, collectionScope, { key: scope.key, rest: stepsToPath(steps, 2) }, depth);
        }
        return unresolved("no for_each collection here");
      case "var":
        return second === undefined ? unresolved("no variable name") : this.resolveVariable(second, stepsToPath(steps, 2), scope, pick, depth);
      case "module":
        return this.resolveModuleOutput(steps, text, scope, pick, usesKey, depth);
      default:
        return this.resolveResource(steps, scope, pick, usesKey);
    }
  }

  /**
   * A data source: what another input of the run says (`terraform_remote_state` whose writer is
   * given), else its value when it was read at plan time, else unresolved with what would decide it.
   */
  private resolveData(steps: TraversalStep[], text: string, scope: Scope): Resolution {
    const [, type, name, ...more] = steps;
    if (type?.kind !== "attr" || name?.kind !== "attr") return unresolvedOnly(`${text} (a data source)`);
    const indexed = more[0]?.kind === "index" && more[0].key !== "*" ? (more.shift() as { key: string | number }).key : undefined;
    const prefix = formatModuleAddress(scope.instance);
    const address = `${prefix ? `${prefix}.` : ""}data.${type.name}.${name.name}${indexed === undefined ? "" : formatKey(indexed)}`;
    const path = stepsToPath(more);
    if (type.name === "terraform_remote_state" && path[0] === "outputs" && typeof path[1] === "string") {
      const remote = this.sources.remoteState?.(address, path[1], path.slice(2));
      if (remote) return remote;
    }
    const known = this.sources.dataValues?.get(address);
    const value = known === undefined ? undefined : navigate(known, path);
    if (value !== undefined && value !== null) return constantOnly(value);
    const hint =
      type.name === "terraform_remote_state"
        ? "remote state: give the plan, cdk.tf.json or state of the configuration that writes it, with --context or as another input"
        : "a data source read at apply time";
    return unresolvedOnly(`${text} (${hint})`);
  }

  private resolveVariable(name: string, rest: Path, scope: Scope, pick: Pick | undefined, depth: number): Resolution {
    const { module } = scope;
    if (module.isRoot || !module.parent) {
      const value = this.sources.rootVariables[name];
      if (value === undefined) return unresolvedOnly(`var.${name} (no value in the plan)`);
      const picked = navigate(value, rest);
      const final = pick && picked !== undefined ? pickFromConstant(picked, pick) : picked;
      return final === undefined ? empty() : constantOnly(final);
    }
    const last = scope.instance[scope.instance.length - 1];
    const callerScope: Scope = {
      module: module.parent,
      instance: scope.instance.slice(0, -1),
      key: last?.key,
      forEach: module.call?.for_each_expression,
    };
    const argument = module.call?.expressions?.[name];
    if (argument !== undefined) {
      if (rest.length > 0 && pick) return unresolvedOnly(`var.${name} (indexed twice)`);
      return withPath(this.resolveExpression(argument, callerScope, pick, depth), rest);
    }
    const fallback = module.json.variables?.[name]?.default;
    const value = navigate(fallback ?? null, rest);
    const final = pick && value !== undefined ? pickFromConstant(value, pick) : value;
    return final === undefined ? empty() : constantOnly(final);
  }

  private resolveModuleOutput(steps: TraversalStep[], text: string, scope: Scope, pick: Pick | undefined, usesKey: boolean, depth: number): Resolution {
    const callName = steps[1]?.kind === "attr" ? steps[1].name : undefined;
    const child = callName ? scope.module.children.get(callName) : undefined;
    if (!callName || !child) return unresolvedOnly(`${text} (module not in the configuration)`);
    let i = 2;
    let key: string | number | undefined;
    const indexStep = steps[i];
    if (indexStep?.kind === "index") {
      if (indexStep.key !== "*") key = indexStep.key;
      i += 1;
    }
    let output = steps[i]?.kind === "attr" ? (steps[i] as { name: string }).name : undefined;
    let rest = stepsToPath(steps, i + 1);
    if (pick && key === undefined && output === undefined) {
      key = pick.key;
      output = typeof pick.rest[0] === "string" ? pick.rest[0] : undefined;
      rest = pick.rest.slice(1);
      pick = undefined;
    }
    if (output === undefined) return unresolvedOnly(`${text} (the plan does not say which output)`);
    const expression = child.json.outputs?.[output]?.expression;
    if (!expression) return unresolvedOnly(`${text} (no such output)`);
    const instances =
      key !== undefined
        ? [[...scope.instance, { name: callName, key }]]
        : (this.sources.moduleInstances.get(`${formatModuleAddress(scope.instance)}|${callName}`) ?? [[...scope.instance, { name: callName }]]);
    // One element of the output: `module.m.ids["a"]`, or `module.m.ids[each.key]` (read as
    // `aws_x.y[each.key]` is: where the expression reads the key, the key is taken for the index;
    // a manifest's whole body lists its references together).
    const next = steps[i + 1];
    const element =
      next?.kind === "index" && next.key !== "*"
        ? { key: next.key, rest: stepsToPath(steps, i + 2) }
        : !pick && usesKey && scope.key !== undefined && next === undefined
          ? { key: scope.key, rest: [] }
          : undefined;
    const result = empty();
    for (const instance of instances) {
      const value = this.resolveExpression(expression, { module: child, instance }, pick, depth);
      merge(result, (element && instanceWithKey(value, element.key, element.rest)) ?? withPath(value, rest));
    }
    return result;
  }

  private resolveResource(steps: TraversalStep[], scope: Scope, pick: Pick | undefined, usesKey: boolean): Resolution {
    const first = steps[0] as { name: string };
    const second = steps[1];
    if (second?.kind !== "attr") return unresolvedOnly(`${formatSteps(steps)} (not a resource reference)`);
    const prefix = formatModuleAddress(scope.instance);
    const base = `${prefix ? `${prefix}.` : ""}${first.name}.${second.name}`;
    const indexStep = steps[2];
    let attributes = stepsToPath(steps, indexStep?.kind === "index" ? 3 : 2);
    let addresses: string[];
    if (indexStep?.kind === "index" && indexStep.key !== "*") {
      addresses = [base + formatKey(indexStep.key)];
    } else {
      const known = this.sources.instancesByBase.get(base) ?? [];
      if (pick) {
        // each.value is an instance of this resource only when the collection is its instances.
        // A map built from references: this instance's value is one of them, but the plan does not say which.
        if (known.length > 0 && known.every((k) => k.index === undefined)) {
          return { refs: [], unresolved: [], constants: [], oneOf: known.map((k) => ({ address: this.qualify(k.address), path: attributes })) };
        }
        if (known.length > 0 && !known.some((k) => k.index === pick.key)) {
          // No instance has this key: the collection is built from the resource some other way
          // (`{ a = { ids = values(aws_x.y)[*].id } }` passed to a module), which the plan shows
          // only as a reference to it. The value comes from its instances; which, it does not say.
          return { refs: known.map((k) => ({ address: this.qualify(k.address), path: [] })), unresolved: [`element ${formatKey(pick.key)} of a collection built from ${this.qualify(base)}`], constants: [], oneOf: [] };
        }
        addresses = [base + formatKey(pick.key)];
        attributes = [...attributes, ...pick.rest];
      } else if (usesKey && scope.key !== undefined && known.some((k) => k.index === scope.key)) {
        // `aws_x.y[each.key]` is listed as `aws_x.y` plus `each.key`: the instance with our key.
        addresses = [base + formatKey(scope.key)];
      } else if (known.length > 0) {
        addresses = known.map((k) => k.address);
      } else {
        addresses = [base];
      }
    }
    return refsOnly(addresses.map((address) => ({ address: this.qualify(address), path: attributes })));
  }

  private qualify(address: string): string {
    return this.sources.qualify ? this.sources.qualify(address) : address;
  }
}

/**
 * The element `key` of a collection built from whole instances of resources with `for_each` or
 * `count` (`{ for k, sg in aws_security_group.this : k => sg.id }`: terraform lists only
 * `aws_security_group.this`): the instance with that key, as `aws_x.y[each.key]` is. Undefined
 * when the collection is anything else, or no instance has the key.
 */
function instanceWithKey(collection: Resolution, key: string | number, rest: Path): Resolution | undefined {
  const { refs } = collection;
  if (refs.length === 0 || collection.constants.length > 0 || collection.oneOf.length > 0 || refs.some((r) => r.path.length > 0)) return undefined;
  const suffix = formatKey(key);
  const chosen = refs.filter((r) => r.address.endsWith(suffix)).map((r) => ({ address: r.address, path: rest }));
  if (chosen.length === 0) return undefined;
  // Built from several resources with that key (`merge(aws_x.a, aws_x.b)`): one of them.
  return chosen.length === 1 ? { refs: chosen, unresolved: collection.unresolved, constants: [], oneOf: [] } : { refs: [], unresolved: collection.unresolved, constants: [], oneOf: chosen };
}

/** A key as memo keys write it: a count index and a for_each key of the same text pick different instances. */
function keyText(key: string | number | undefined): string {
  return typeof key === "number" ? `#${key}` : (key ?? "");
}

function isRoot(steps: readonly TraversalStep[], root: string, second: string): boolean {
  const [a, b] = steps;
  return a?.kind === "attr" && a.name === root && b?.kind === "attr" && b.name === second;
}
