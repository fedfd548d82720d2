/**
 * `cdk.tf.json` (what `cdktf synth` writes) → resource instances, as if Terraform were about to
 * create every resource. `${...}` tokens become `Unknown` values pointing at what they reference.
 */
import type { JsonValue, SynthDocument } from "../load/plan-document";
import type { JoinHooks, PreparedInput } from "./from-plan";
import { navigate, type Resolution } from "./reference-resolver";
import { instanceRegion, isKubernetesResource } from "./provider-configs";
import { secretsOf } from "./sensitive-values";
import type { ResourceInstance, SensitiveTree } from "./resource-instance";
import { formatKey, parseTraversal, type TraversalStep } from "./traversal";
import { isUnknown, Unknown, type Path, type Ref, type TemplateToken, type Value } from "./value";

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

/** What a reference leads to; `sensitive` when it is a sensitive output another input knows. */
type Resolve = (text: string) => { refs: Ref[]; unresolved: string[]; constants?: JsonValue[]; sensitive?: boolean };

/** A token that stands for one known scalar (a remote state output another input knows). */
interface KnownToken {
  readonly source: string;
  readonly constant: string | number | boolean;
}

function knownScalar(resolution: ReturnType<Resolve>): string | number | boolean | undefined {
  const [only, ...more] = resolution.constants ?? [];
  if (more.length > 0 || resolution.refs.length > 0 || resolution.unresolved.length > 0) return undefined;
  return typeof only === "string" || typeof only === "number" || typeof only === "boolean" ? only : undefined;
}

/** One `${...}`: the references it holds and what cannot be followed. */
function resolveToken(source: string, body: string, resolve: Resolve): TemplateToken | KnownToken {
  if (parseTraversal(body)) {
    const resolution = resolve(body);
    const constant = knownScalar(resolution);
    return constant !== undefined ? { source, constant } : { source, refs: resolution.refs, unresolved: resolution.unresolved };
  }
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

/**
 * A string with `${...}` in it: which references it holds and which of them cannot be followed.
 * Tokens another input decides (a known remote state output) are replaced by their value.
 */
function tokenValue(text: string, resolve: Resolve): Value {
  const resolved = [...text.matchAll(TOKEN)].map((match) => resolveToken(match[0], match[1].trim(), resolve));
  const known = resolved.filter((t): t is KnownToken => "constant" in t);
  if (known.length > 0) {
    if (known.length === resolved.length && text === known[0].source) return known[0].constant;
    for (const token of known) text = text.split(token.source).join(String(token.constant));
    if (known.length === resolved.length) return text;
  }
  const tokens = resolved.filter((t): t is TemplateToken => !("constant" in t));
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

const REMOTE_STATE_HINT = "remote state: give the cdk.tf.json, plan or state of the stack or configuration that writes it, with --context or as another input";

/** `data.terraform_remote_state.<name>.outputs.<output>…`: the data address, the output and the rest. */
function remoteStateRead(steps: readonly TraversalStep[]): { address: string; output: string; rest: (string | number)[] } | undefined {
  const [, type, name, ...more] = steps;
  if (type?.kind !== "attr" || type.name !== "terraform_remote_state" || name?.kind !== "attr") return undefined;
  const indexed = more[0]?.kind === "index" && more[0].key !== "*" ? more.shift() : undefined;
  const [outputs, output, ...rest] = more;
  if (outputs?.kind !== "attr" || outputs.name !== "outputs" || output?.kind !== "attr") return undefined;
  const address = `data.terraform_remote_state.${name.name}${indexed?.kind === "index" ? formatKey(indexed.key as string | number) : ""}`;
  return { address, output: output.name, rest: rest.flatMap((s) => (s.kind === "attr" ? [s.name] : s.key === "*" ? [] : [s.key])) };
}

/**
 * Arguments a data source gives back as they were configured: what it looks its object up by.
 * Terraform rejects a read whose result changes a configured, non-computed argument ("Provider
 * produced invalid object"), and these lookups return the object of that name. So a CDKTF node
 * stack's `${data.aws_eks_cluster.this.name}` is its configured name at synth time already, when
 * nothing has been read.
 */
const ECHOED_ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  aws_eks_cluster: ["name"],
};

/** `data.<type>.<name>.<argument>` of a data source that gives the argument back, when it is literal text. */
function echoedArgument(document: SynthDocument, steps: readonly TraversalStep[]): string | undefined {
  const [, type, name, attribute, ...more] = steps;
  if (type?.kind !== "attr" || name?.kind !== "attr" || attribute?.kind !== "attr" || more.length > 0 || !ECHOED_ARGUMENTS[type.name]?.includes(attribute.name)) return undefined;
  const config = document.data?.[type.name]?.[name.name];
  if (!config || config.count !== undefined || config.for_each !== undefined) return undefined;
  const value = config[attribute.name];
  return typeof value === "string" && !value.includes("${") ? value : undefined;
}

export function prepareSynth(document: SynthDocument, join?: JoinHooks): PreparedInput {
  const qualify = join ? join.qualify : (address: string) => address;
  const bases = new Map<string, string[]>();
  const entries: { mode: "managed" | "data"; type: string; name: string; config: { [k: string]: JsonValue } }[] = [];
  for (const [mode, section] of [["managed", document.resource], ["data", document.data]] as const) {
    for (const [type, byName] of Object.entries(section ?? {})) {
      for (const [name, config] of Object.entries(byName)) {
        entries.push({ mode, type, name, config });
        const base = `${mode === "data" ? "data." : ""}${type}.${name}`;
        bases.set(base, instanceKeys(config).map((k) => (k === undefined ? base : base + formatKey(k))));
      }
    }
  }

  const resolve: Resolve = (text) => {
    const steps = parseTraversal(text);
    if (!steps || steps[0].kind !== "attr") return { refs: [], unresolved: [text] };
    const root = steps[0].name;
    if (root === "var") return { refs: [], unresolved: [`${text} (an input variable, set at plan time)`] };
    if (root === "local") return { refs: [], unresolved: [`${text} (a local value)`] };
    if (root === "data") {
      const echoed = echoedArgument(document, steps);
      if (echoed !== undefined) return { refs: [], unresolved: [], constants: [echoed] };
      const read = remoteStateRead(steps);
      if (!read) return { refs: [], unresolved: [`${text} (a data source)`] };
      const remote = join?.remoteState(read.address, read.output, read.rest);
      return remote ?? { refs: [], unresolved: [`${text} (${REMOTE_STATE_HINT})`] };
    }
    if (["each", "count", "module", "path", "terraform", "self"].includes(root)) return { refs: [], unresolved: [text] };
    const [, name, index] = steps;
    if (name?.kind !== "attr") return { refs: [], unresolved: [text] };
    const base = `${root}.${name.name}`;
    const indexed = index?.kind === "index" && index.key !== "*";
    const rest = steps.slice(indexed ? 3 : 2).flatMap((s) => (s.kind === "attr" ? [s.name] : s.key === "*" ? [] : [s.key]));
    const targets = indexed ? [base + formatKey(index.key as string | number)] : (bases.get(base) ?? [base]);
    return { refs: targets.map((address) => ({ address: qualify(address), path: rest })), unresolved: [] };
  };

  return {
    instances: () => instancesOf(entries, resolve, qualify, providerBlocks(document)),
    output(name, rest) {
      const output = document.output?.[name];
      if (!output || !("value" in output)) return undefined;
      return { ...resolutionOf(convert(output.value ?? null, undefined, resolve), rest), sensitive: output.sensitive === true };
    },
    remoteStates() {
      return Object.keys(document.data?.terraform_remote_state ?? {}).map((name) => `data.terraform_remote_state.${name}`);
    },
    secrets() {
      const out = new Set<string>();
      for (const variable of Object.values(document.variable ?? {})) if (variable?.sensitive === true) secretsOf(variable.default, out);
      for (const output of Object.values(document.output ?? {})) if (output?.sensitive === true && typeof output.value === "string" && !output.value.includes("${")) out.add(output.value);
      return out;
    },
    remoteStateConfig(dataAddress) {
      const match = /^data\.terraform_remote_state\.([^.[]+)/.exec(dataAddress);
      const config = match ? document.data?.terraform_remote_state?.[match[1]] : undefined;
      return config ? { backend: config.backend, config: config.config } : undefined;
    },
  };
}

/** A provider block, by the reference a resource's `provider` argument makes to it (`aws`, `aws.<alias>`). */
type ProviderBlocks = ReadonlyMap<string, { readonly [argument: string]: JsonValue }>;

function providerBlocks(document: SynthDocument): ProviderBlocks {
  const blocks = new Map<string, { [argument: string]: JsonValue }>();
  for (const [name, value] of Object.entries(document.provider ?? {})) {
    for (const block of Array.isArray(value) ? value : [value]) {
      if (block === null || typeof block !== "object" || Array.isArray(block)) continue;
      blocks.set(typeof block.alias === "string" ? `${name}.${block.alias}` : name, block);
    }
  }
  return blocks;
}

/** A Kubernetes provider block's `host`: its own, or inside Helm's `kubernetes` block (a list or one object). */
function hostOf(provider: { readonly [argument: string]: JsonValue } | undefined): JsonValue | undefined {
  if (provider?.host !== undefined) return provider.host;
  const kubernetes = provider?.kubernetes;
  const block = Array.isArray(kubernetes) ? kubernetes[0] : kubernetes;
  return block !== null && typeof block === "object" && !Array.isArray(block) ? block.host : undefined;
}

/**
 * The provider block a resource's `provider` argument names (`"aws.eu"`, as CDKTF writes it, or
 * the older `"${aws.eu}"`), or its type's default one.
 */
function providerKey(type: string, config: { [argument: string]: JsonValue }): string | undefined {
  const provider = config.provider;
  if (provider === undefined) return type.slice(0, type.indexOf("_"));
  const match = typeof provider === "string" ? /^(?:\$\{)?([\w-]+(?:\.[\w-]+)?)\}?$/.exec(provider) : null;
  return match ? match[1] : undefined;
}

/** A converted output value as a resolution: known parts as constants, tokens as references. */
function resolutionOf(value: Value, rest: Path): Resolution {
  if (isUnknown(value)) {
    const refs = value.refs.map((r) => ({ address: r.address, path: [...r.path, ...rest] }));
    return { refs, unresolved: [...value.unresolved], constants: [], oneOf: [] };
  }
  const known = navigate(value as JsonValue, rest);
  if (known === undefined) return { refs: [], unresolved: ["an output without that attribute"], constants: [], oneOf: [] };
  return { refs: [], unresolved: [], constants: [known], oneOf: [] };
}

function instancesOf(
  entries: readonly { mode: "managed" | "data"; type: string; name: string; config: { [k: string]: JsonValue } }[],
  resolve: Resolve,
  qualify: (address: string) => string,
  providers: ProviderBlocks,
): ResourceInstance[] {
  // A known value from a sensitive output makes the whole argument sensitive (redacted when shown).
  let sawSensitive = false;
  const tracking: Resolve = (text) => {
    const resolution = resolve(text);
    if (resolution.sensitive === true && knownScalar(resolution) !== undefined) sawSensitive = true;
    return resolution;
  };
  const instances: ResourceInstance[] = [];
  for (const { mode, type, name, config } of entries) {
    const metadata = (config["//"] as { metadata?: { path?: unknown } } | null | undefined)?.metadata;
    const attributes: { [k: string]: Value } = {};
    const sensitive: { [k: string]: SensitiveTree } = {};
    for (const [key, value] of Object.entries(config)) {
      if (META_ARGUMENTS.has(key)) continue;
      sawSensitive = false;
      attributes[key] = convert(value, key, tracking);
      if (sawSensitive) sensitive[key] = true;
    }
    const afterSensitive = Object.keys(sensitive).length > 0 ? sensitive : false;
    const provider = providers.get(providerKey(type, config) ?? "");
    const providerRegion = provider?.region;
    // A region written as a token is not known.
    const region = instanceRegion(type, attributes, "region" in attributes, typeof providerRegion === "string" && !providerRegion.includes("${") ? providerRegion : undefined);
    const host = isKubernetesResource(type) ? hostOf(provider) : undefined;
    const providerHost = host !== undefined ? convert(host, "host", resolve) : undefined;
    for (const index of instanceKeys(config)) {
      const base = `${mode === "data" ? "data." : ""}${type}.${name}`;
      instances.push({
        address: qualify(index === undefined ? base : base + formatKey(index)),
        moduleAddress: "",
        mode,
        type,
        name,
        index,
        action: mode === "data" ? "read" : "create",
        before: null,
        after: attributes,
        beforeSensitive: false,
        afterSensitive,
        constructPath: typeof metadata?.path === "string" ? metadata.path : undefined,
        region,
        providerHost,
      });
    }
  }
  return instances;
}

/** One stack checked alone. */
export function instancesFromSynth(document: SynthDocument): ResourceInstance[] {
  return prepareSynth(document).instances();
}
