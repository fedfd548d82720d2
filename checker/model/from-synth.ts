/**
 * `cdk.tf.json` (what `cdktf synth` writes) → resource instances, as if Terraform were about to
 * create every resource. `${...}` tokens become `Unknown` values pointing at what they reference.
 */
import type { JsonValue, SynthDocument } from "../load/plan-document";
import type { ResourceInstance } from "./resource-instance";
import { formatKey, parseTraversal } from "./traversal";
import { Unknown, type Ref, type TemplateToken, type Value } from "./value";

/** Meta-arguments, not resource attributes. */
const META_ARGUMENTS = new Set(["//", "count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection"]);

/**
 * Map-typed arguments. Every other object in Terraform JSON is a single nested block, which plan
 * JSON shows as a one-element list; the model uses the plan's shape.
 */
const MAP_ARGUMENTS = new Set(["tags", "tags_all", "labels", "triggers", "parameters", "variables", "environment", "metadata", "annotations", "default_tags"]);

/** Dynamic (any-typed) arguments: objects all the way down, never blocks (`kubernetes_manifest.manifest`). */
const DYNAMIC_ARGUMENTS = new Set(["manifest", "object", "input"]);

const TOKEN = /\$\{([^}]*)\}/g;
const TRAVERSAL = /(?<![\w.])([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[(?:\d+|"[^"]*"|\*)\])+)/g;

type Resolve = (text: string) => { refs: Ref[]; unresolved: string[] };

/** One `${...}`: the references it holds and what cannot be followed. */
function resolveToken(source: string, body: string, resolve: Resolve): TemplateToken {
  if (parseTraversal(body)) return { source, ...resolve(body) };
  const refs: Ref[] = [];
  const unresolved: string[] = [];
  let any = false;
  for (const inner of body.matchAll(TRAVERSAL)) {
    any = true;
    const r = resolve(inner[1]);
    refs.push(...r.refs);
    unresolved.push(...r.unresolved);
  }
  unresolved.push(any ? `\${${body}} (an expression, not a plain reference)` : `\${${body}}`);
  return { source, refs, unresolved };
}

/** A string with `${...}` in it: which references it holds and which of them cannot be followed. */
function tokenValue(text: string, resolve: Resolve): Unknown {
  const tokens = [...text.matchAll(TOKEN)].map((match) => resolveToken(match[0], match[1].trim(), resolve));
  return new Unknown(
    "token",
    "set by a token that Terraform resolves at plan or apply time",
    tokens.flatMap((t) => t.refs),
    tokens.flatMap((t) => t.unresolved),
    [],
    { text, tokens },
  );
}

function convert(value: JsonValue, key: string | undefined, resolve: Resolve, dynamic = false): Value {
  if (typeof value === "string") {
    if (!value.includes("${")) return value;
    // `$${` is Terraform's escape for a literal `${`.
    if (!/(^|[^$])\$\{/.test(value)) return value.replace(/\$\$\{/g, "${");
    return tokenValue(value, resolve);
  }
  if (Array.isArray(value)) return value.map((v) => convert(v, undefined, resolve, dynamic));
  if (value !== null && typeof value === "object") {
    const inside = dynamic || (key !== undefined && DYNAMIC_ARGUMENTS.has(key));
    const isMap = inside || (key !== undefined && MAP_ARGUMENTS.has(key));
    const object: { [k: string]: Value } = {};
    for (const [k, v] of Object.entries(value)) {
      if (k !== "//") object[k] = convert(v, isMap ? undefined : k, resolve, inside);
    }
    return key !== undefined && !isMap ? [object] : object;
  }
  return value;
}

function instanceKeys(config: { [argument: string]: JsonValue }): (string | number | undefined)[] {
  const count = config.count;
  if (typeof count === "number") return Array.from({ length: count }, (_, i) => i);
  const forEach = config.for_each;
  if (forEach && typeof forEach === "object" && !Array.isArray(forEach)) return Object.keys(forEach);
  if (Array.isArray(forEach) && forEach.every((k) => typeof k === "string")) return forEach as string[];
  return [undefined];
}

export function instancesFromSynth(document: SynthDocument): ResourceInstance[] {
  const addresses = new Set<string>();
  const bases = new Map<string, string[]>();
  const entries: { mode: "managed" | "data"; type: string; name: string; config: { [k: string]: JsonValue } }[] = [];
  for (const [mode, section] of [["managed", document.resource], ["data", document.data]] as const) {
    for (const [type, byName] of Object.entries(section ?? {})) {
      for (const [name, config] of Object.entries(byName)) {
        entries.push({ mode, type, name, config });
        const base = `${mode === "data" ? "data." : ""}${type}.${name}`;
        const keys = instanceKeys(config).map((k) => (k === undefined ? base : base + formatKey(k)));
        bases.set(base, keys);
        keys.forEach((k) => addresses.add(k));
      }
    }
  }

  const resolve: Resolve = (text) => {
    const steps = parseTraversal(text);
    if (!steps || steps[0].kind !== "attr") return { refs: [], unresolved: [text] };
    const root = steps[0].name;
    if (root === "var") return { refs: [], unresolved: [`${text} (an input variable, set at plan time)`] };
    if (root === "local") return { refs: [], unresolved: [`${text} (a local value)`] };
    if (root === "data") return { refs: [], unresolved: [`${text} (a data source)`] };
    if (["each", "count", "module", "path", "terraform", "self"].includes(root)) return { refs: [], unresolved: [text] };
    const [, name, index] = steps;
    if (name?.kind !== "attr") return { refs: [], unresolved: [text] };
    const base = `${root}.${name.name}`;
    const indexed = index?.kind === "index" && index.key !== "*";
    const rest = steps.slice(indexed ? 3 : 2).flatMap((s) => (s.kind === "attr" ? [s.name] : s.key === "*" ? [] : [s.key]));
    const targets = indexed ? [base + formatKey(index.key as string | number)] : (bases.get(base) ?? [base]);
    return { refs: targets.map((address) => ({ address, path: rest })), unresolved: [] };
  };

  const instances: ResourceInstance[] = [];
  for (const { mode, type, name, config } of entries) {
    const metadata = (config["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
    const attributes: { [k: string]: Value } = {};
    for (const [key, value] of Object.entries(config)) {
      if (!META_ARGUMENTS.has(key)) attributes[key] = convert(value, key, resolve);
    }
    for (const index of instanceKeys(config)) {
      const base = `${mode === "data" ? "data." : ""}${type}.${name}`;
      instances.push({
        address: index === undefined ? base : base + formatKey(index),
        moduleAddress: "",
        mode,
        type,
        name,
        index,
        action: mode === "data" ? "read" : "create",
        before: null,
        after: attributes,
        beforeSensitive: false,
        afterSensitive: false,
        constructPath: metadata?.path,
      });
    }
  }
  return instances;
}
