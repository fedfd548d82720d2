/**
 * One model of an input, whatever its kind: every resource instance by full address, indexed by
 * type, with the world as it stands before the plan and as it will stand after it.
 */
import type { InputKind, LoadedInput } from "../load/plan-document";
import { preparePlan, type JoinHooks, type ModelOptions, type PreparedInput } from "./from-plan";
import { prepareState } from "./from-state";
import { instanceSecrets, redactorOf, type Redact } from "./sensitive-values";
import { existedBefore, existsAfter, type ResourceInstance, type SensitiveTree } from "./resource-instance";
import { isUnknown, valueAt, type Path, type Ref, type Value } from "./value";
import { addToList } from "./add-to-list";

export type Side = "before" | "after";

/** What a world is made of, for what it says about things it does not hold. */
interface WorldScope {
  /** Several inputs joined (addresses carry labels). */
  readonly joined: boolean;
  /** The `terraform_remote_state` data sources read, whose writers may hold what is missing. */
  readonly remoteStates: readonly string[];
}

/** The label of a joined world's address (`nodes` of `nodes::aws_eks_node_group.x`). */
function labelOf(address: string): string {
  const cut = address.indexOf(LABEL_SEPARATOR);
  return cut < 0 ? "" : address.slice(0, cut);
}

/**
 * The managed resources that exist on one side of the plan, with their values on that side; and
 * the data sources of LOOKED_UP_TYPES read at plan time, which only `findByAttribute` (and so
 * `designated`) finds: a VPC or subnet a cluster stack reads from a network made elsewhere, or
 * the cluster a node stack reads, is judged by what it is, and no policy judges it as a resource
 * of this plan.
 */
export class World {
  private readonly byType = new Map<string, ResourceInstance[]>();
  private readonly lookedUpByType = new Map<string, ResourceInstance[]>();
  private readonly byAddress = new Map<string, ResourceInstance>();
  private readonly byAttribute = new Map<string, Map<string, ResourceInstance[]>>();

  constructor(
    readonly side: Side,
    instances: readonly ResourceInstance[],
    private readonly scope: WorldScope = { joined: false, remoteStates: [] },
  ) {
    const exists = side === "after" ? existsAfter : existedBefore;
    // Indexed loops here and below: in baseline code a for-of allocates a result for every step.
    for (let i = 0; i < instances.length; i++) {
      const instance = instances[i];
      if (!exists(instance)) continue;
      if (instance.mode !== "managed") {
        // A data source whose read waits for apply has no values to find it by.
        if (instance.action === "no-op") addToList(this.lookedUpByType, instance.type, instance);
        continue;
      }
      this.byAddress.set(instance.address, instance);
      addToList(this.byType, instance.type, instance);
    }
  }

  ofType(type: string): readonly ResourceInstance[] {
    return this.byType.get(type) ?? [];
  }

  /** The data sources of `type` read at plan time (LOOKED_UP_TYPES in from-plan.ts). */
  lookedUp(type: string): readonly ResourceInstance[] {
    return this.lookedUpByType.get(type) ?? [];
  }

  get(address: string): ResourceInstance | undefined {
    return this.byAddress.get(address);
  }

  values(instance: ResourceInstance): Value {
    if (this.side === "before") return instance.before ?? null;
    // A forgotten object keeps the values it had (existsAfter).
    const after = instance.after;
    return after !== null ? after : instance.action === "forget" ? instance.before : null;
  }

  /** The value at `path` of an instance on this side. */
  read(instance: ResourceInstance, path: Path): Value | undefined {
    return valueAt(this.values(instance), path);
  }

  /** True when the world is made of several inputs. */
  get joined(): boolean {
    return this.scope.joined;
  }

  /**
   * "`subject` is not (made) in this plan", in the words of this world: in a joined world, no input
   * has it; where remote state is read, which one may hold it and how to give it.
   */
  notIn(subject: string, made = false): string {
    const where = this.scope.joined ? `${made ? "made by" : "in"} any input` : `${made ? "made " : ""}in this plan`;
    const reads = this.scope.remoteStates;
    const hint =
      reads.length > 0
        ? ` (it may come from remote state ${reads.join(", ")}: give the plan, cdk.tf.json or state that writes it with --context)`
        : this.scope.joined
          ? " (give the plan, cdk.tf.json or state that makes it with --context)"
          : "";
    return `${subject} is not ${where}${hint}`;
  }

  /**
   * Instances of `type` whose known string attribute `attribute` equals `value` (index built once
   * per pair). In a joined world, those of the input of `near` (an address) come first, and alone
   * when there are any: a name is looked up in its own input before the others.
   */
  findByAttribute(type: string, attribute: string, value: string, near?: string): readonly ResourceInstance[] {
    const indexKey = `${type}\u0000${attribute}`;
    let index = this.byAttribute.get(indexKey);
    if (!index) {
      index = new Map();
      for (const instance of [...this.ofType(type), ...this.lookedUp(type)]) {
        const v = this.read(instance, [attribute]);
        if (typeof v !== "string") continue;
        const list = index.get(v);
        if (list) list.push(instance);
        else index.set(v, [instance]);
      }
      this.byAttribute.set(indexKey, index);
    }
    const found = index.get(value) ?? [];
    return near === undefined ? found : this.preferOwnInput(found, near);
  }

  /** In a joined world, those of `found` made by the input of `near` (an address), when there are any; else all. */
  preferOwnInput(found: readonly ResourceInstance[], near: string): readonly ResourceInstance[] {
    if (found.length < 2 || !this.scope.joined) return found;
    const label = labelOf(near);
    const own = found.filter((instance) => labelOf(instance.address) === label);
    return own.length > 0 ? own : found;
  }

  /**
   * The instances of `type` that a value designates: a known value of one of `attributes` (an id, a
   * name) or an unknown one that references them. `unknown` is set when the value does not decide.
   */
  designated(type: string, attributes: string | readonly string[], value: Value | undefined, near?: string): { instances: ResourceInstance[]; unknown?: string } {
    const names = typeof attributes === "string" ? [attributes] : attributes;
    if (typeof value === "string") {
      const found = [...new Set(names.flatMap((attribute) => this.findByAttribute(type, attribute, value, near)))];
      return found.length > 0 ? { instances: found } : { instances: [], unknown: this.notIn(`${names[0]} "${value}"`, true) };
    }
    if (isUnknown(value)) {
      const instances = value.refs
        .filter((ref: Ref) => ref.path.length === 0 || names.includes(String(ref.path[0])))
        .map((ref) => this.get(ref.address))
        .filter((i): i is ResourceInstance => i !== undefined && i.type === type);
      return value.fullyResolved && instances.length > 0 ? { instances } : { instances, unknown: value.describe() };
    }
    return { instances: [] };
  }
}

export interface InputInfo {
  readonly path: string;
  readonly kind: InputKind;
  readonly formatVersion?: string;
  readonly terraformVersion?: string;
  readonly stack?: string;
  /** A context input takes part in the topology but gets no findings of its own. */
  readonly context?: boolean;
  /** A plan that acts on part of the configuration only (from-plan.ts: what it leaves out stands as in the state). */
  readonly incomplete?: boolean;
  /** In a joined world, the prefix of this input's addresses: `<label>::<address>`. */
  readonly label?: string;
}

/** Joins an input's label and an address in a world made of several inputs. */
export const LABEL_SEPARATOR = "::";

/** Where an instance of the world comes from: its input and its address there. */
export interface InstanceSource {
  readonly input: InputInfo;
  readonly address: string;
}

export class ResourceGraph {
  readonly instances: ReadonlyMap<string, ResourceInstance>;
  readonly after: World;
  readonly before: World;
  readonly inputs: readonly InputInfo[];
  private readonly byType = new Map<string, ResourceInstance[]>();
  private readonly byLabel = new Map<string, InputInfo>();

  /** Replaces every value the model knows to be sensitive, in a text or a structure of texts. */
  readonly redact: Redact;

  /**
   * One input, or several joined into one world (each with a `label`). `secrets`: values of
   * sensitive variables and outputs, besides what the instances mark sensitive; `remoteStates`:
   * the remote state data sources the inputs read.
   */
  constructor(inputs: InputInfo | readonly InputInfo[], instances: readonly ResourceInstance[], read: { secrets?: Iterable<string>; remoteStates?: readonly string[] } = {}) {
    this.inputs = Array.isArray(inputs) ? inputs : [inputs as InputInfo];
    for (const input of this.inputs) if (input.label !== undefined) this.byLabel.set(input.label, input);
    const map = new Map<string, ResourceInstance>();
    for (let i = 0; i < instances.length; i++) {
      const instance = instances[i];
      map.set(instance.deposed ? `${instance.address} (deposed ${instance.deposed})` : instance.address, instance);
      const list = this.byType.get(instance.type);
      if (list) list.push(instance);
      else this.byType.set(instance.type, [instance]);
    }
    this.instances = map;
    this.redact = redactorOf(instanceSecrets(instances, new Set(read.secrets ?? [])));
    const remoteStates = [...new Set(read.remoteStates ?? [])].sort();
    const scope: WorldScope = { joined: this.byLabel.size > 0, remoteStates };
    this.after = new World("after", instances, scope);
    this.before = new World("before", instances, scope);
  }

  /** True when the world is made of several inputs (addresses carry their input's label). */
  get joined(): boolean {
    return this.byLabel.size > 0;
  }

  /** The input an address of this world belongs to, and the address as that input writes it. */
  sourceOf(address: string): InstanceSource {
    const cut = address.indexOf(LABEL_SEPARATOR);
    const input = cut < 0 ? undefined : this.byLabel.get(address.slice(0, cut));
    if (input) return { input, address: address.slice(cut + LABEL_SEPARATOR.length) };
    return { input: this.inputs[0], address };
  }

  /** Every instance of a type, whatever the plan does to it (deleted ones included). */
  ofType(type: string): readonly ResourceInstance[] {
    return this.byType.get(type) ?? [];
  }

  world(side: Side): World {
    return side === "after" ? this.after : this.before;
  }
}

export function infoOf(input: LoadedInput, prepared: PreparedInput): InputInfo {
  const { path, kind, stack } = input;
  const formatVersion = input.kind === "synth" ? undefined : input.formatVersion;
  const terraformVersion = input.kind === "synth" ? undefined : input.terraformVersion;
  return {
    path,
    kind,
    ...(stack !== undefined ? { stack } : {}),
    ...(formatVersion !== undefined ? { formatVersion } : {}),
    ...(terraformVersion !== undefined ? { terraformVersion } : {}),
    ...(prepared.incomplete ? { incomplete: true } : {}),
  };
}

/** Reads an input so that others can ask it for outputs before its instances are built. */
export function prepareInput(input: LoadedInput, join?: JoinHooks, options?: ModelOptions): PreparedInput {
  switch (input.kind) {
    case "plan":
      return preparePlan(input.document, join, options);
    case "synth":
      // Loaded when a run has synth output: a plan check does without it (issue #13, start-up).
      return (require("./from-synth") as typeof import("./from-synth")).prepareSynth(input.document, join);
    case "state":
      return prepareState(input.document, join);
  }
}

/** The model of one input checked alone. */
export function buildGraph(input: LoadedInput): ResourceGraph {
  return buildGraphWith(input, {});
}

/** `buildGraph` as the options say (a second parameter of its own would take `map`'s index). */
export function buildGraphWith(input: LoadedInput, options: ModelOptions): ResourceGraph {
  const prepared = prepareInput(input, undefined, options);
  return new ResourceGraph(infoOf(input, prepared), prepared.instances(), { secrets: prepared.secrets(), remoteStates: prepared.remoteStates() });
}

/** True when any part of the value at `path` is marked sensitive. */
export function isSensitive(tree: SensitiveTree, path: Path): boolean {
  let current: SensitiveTree | undefined = tree;
  for (const step of path) {
    if (current === true) return true;
    if (current === undefined || current === false) return false;
    current = Array.isArray(current) ? current[step as number] : (current as { [k: string]: SensitiveTree })[String(step)];
  }
  const anyTrue = (t: SensitiveTree | undefined): boolean =>
    t === true || (Array.isArray(t) ? t.some(anyTrue) : typeof t === "object" && t !== null ? Object.values(t).some(anyTrue) : false);
  return anyTrue(current);
}
