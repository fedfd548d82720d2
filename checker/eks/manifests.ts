/**
 * Kubernetes objects in a plan: `kubernetes_manifest.manifest` (an object whose leaves may be
 * unknown, each with its references) and `kubectl_manifest.yaml_body` (a YAML string, read with the
 * `yaml` library; in synthesized CDKTF its `${...}` tokens become unknown leaves with their
 * references). A manifest whose text is decided at apply time is kept as undecided, never guessed.
 *
 * `yaml_body` is marked sensitive by the kubectl provider; its text is read, never printed. Objects
 * applied through a raw Helm chart are read by raw-charts.ts.
 */
import { boundDepth } from "../load/bound-depth";
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isObject, isUnknown, Unknown, valueAt, type Ref, type Template, type Value } from "../model/value";

export const MANIFEST_TYPES = ["kubectl_manifest", "kubernetes_manifest"] as const;

export interface KubernetesObject {
  /** The manifest resource instance that applies it. */
  readonly address: string;
  readonly instance: ResourceInstance;
  readonly apiVersion: Value | undefined;
  readonly kind: Value | undefined;
  readonly name?: string;
  readonly namespace?: string;
  /** The object as the plan shows it, with `Unknown` leaves where values are decided at apply time. */
  readonly body: Value;
}

export interface UndecidedManifest {
  readonly address: string;
  /** Why the object cannot be read, for messages. */
  readonly reason: string;
  readonly refs: readonly Ref[];
  /** Set when its text is known well enough to say whether it may define capacity (a Helm template naming its kind). */
  readonly definesCapacity?: boolean;
}

export interface Manifests {
  readonly objects: readonly KubernetesObject[];
  readonly undecided: readonly UndecidedManifest[];
}

const PLACEHOLDER = /\u0000eks-sg-policy-token-(\d+)\u0000/g;

/** Replaces each placeholder left in parsed YAML by the token's unknown value. */
function restoreTokens(value: unknown, template: Template): Value {
  if (typeof value === "string") {
    const matches = [...value.matchAll(PLACEHOLDER)];
    if (matches.length === 0) return value;
    const tokens = matches.map((m) => template.tokens[Number(m[1])]);
    return new Unknown(
      "token",
      "set by a token in the manifest that Terraform resolves at plan or apply time",
      tokens.flatMap((t) => t.refs),
      tokens.flatMap((t) => t.unresolved),
    );
  }
  if (Array.isArray(value)) return value.map((v) => restoreTokens(v, template));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreTokens(v, template)]));
  }
  return (value ?? null) as Value;
}

/**
 * The YAML documents of a text (JSON is YAML too); tokens (synthesized CDKTF) stand in as
 * placeholders while parsing. The error names no attribute: callers say which text it was.
 */
export function parseYaml(text: string, template: Template | undefined): { documents: Value[] } | { error: string } {
  let source = text;
  if (template) {
    let i = 0;
    source = text.replace(/\$\{[^}]*\}/g, () => `\u0000eks-sg-policy-token-${i++}\u0000`);
  }
  try {
    // Required on the first YAML manifest: most plans have none, and loading yaml costs ~50 ms of start-up (issue #13).
    const { parseAllDocuments } = require("yaml") as typeof import("yaml");
    const documents = parseAllDocuments(source);
    if (!Array.isArray(documents)) return { documents: [] };
    const errors = documents.flatMap((d) => d.errors);
    if (errors.length > 0) return { error: `not valid YAML (${errors[0].message.split("\n")[0]})` };
    const values = documents.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown).filter((v) => v !== null && v !== undefined);
    for (const value of values) boundDepth(value);
    return { documents: values.map((v) => (template ? restoreTokens(v, template) : (v as Value))) };
  } catch (error) {
    return { error: `not readable (${(error as Error).message.split("\n")[0]})` };
  }
}

function describeUnknown(attribute: string, value: Unknown): UndecidedManifest["reason"] {
  return `${attribute} is decided at apply time (${value.describe()})`;
}

export function objectOf(instance: ResourceInstance, body: Value): KubernetesObject {
  const name = valueAt(body, ["metadata", "name"]);
  const namespace = valueAt(body, ["metadata", "namespace"]);
  return {
    address: instance.address,
    instance,
    apiVersion: valueAt(body, ["apiVersion"]),
    kind: valueAt(body, ["kind"]),
    ...(typeof name === "string" ? { name } : {}),
    ...(typeof namespace === "string" ? { namespace } : {}),
    body,
  };
}

/** Every Kubernetes object the plan applies, and the manifests it cannot read. */
export function manifestsOf(world: World): Manifests {
  const objects: KubernetesObject[] = [];
  const undecided: UndecidedManifest[] = [];
  for (const instance of world.ofType("kubernetes_manifest")) {
    const manifest = world.read(instance, ["manifest"]);
    if (isUnknown(manifest)) undecided.push({ address: instance.address, reason: describeUnknown("manifest", manifest), refs: manifest.refs });
    else if (isObject(manifest)) objects.push(objectOf(instance, manifest));
  }
  for (const instance of world.ofType("kubectl_manifest")) {
    const yaml = world.read(instance, ["yaml_body"]);
    let parsed: ReturnType<typeof parseYaml> | undefined;
    if (typeof yaml === "string") parsed = parseYaml(yaml, undefined);
    else if (isUnknown(yaml) && yaml.template) parsed = parseYaml(yaml.template.text, yaml.template);
    else if (isUnknown(yaml)) undecided.push({ address: instance.address, reason: describeUnknown("yaml_body", yaml), refs: yaml.refs });
    if (parsed && "error" in parsed) undecided.push({ address: instance.address, reason: `yaml_body is ${parsed.error}`, refs: [] });
    else if (parsed) for (const document of parsed.documents) if (isObject(document)) objects.push(objectOf(instance, document));
  }
  return { objects, undecided };
}

/** `karpenter.k8s.aws/v1` → group `karpenter.k8s.aws`, version `v1`. */
export function apiGroupOf(object: KubernetesObject): { group: string; version: string } | undefined {
  if (typeof object.apiVersion !== "string") return undefined;
  const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/", 2) : ["", object.apiVersion];
  return { group, version };
}
