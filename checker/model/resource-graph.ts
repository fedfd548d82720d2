/**
 * One model of an input, whatever its kind: every resource instance by full address, indexed by
 * type, with the world as it stands before the plan and as it will stand after it.
 */
import type { LoadedInput } from "../load/plan-document";
import { instancesFromPlan } from "./from-plan";
import { instancesFromSynth } from "./from-synth";
import { existedBefore, existsAfter, type ResourceInstance, type SensitiveTree } from "./resource-instance";
import { isUnknown, valueAt, type Path, type Ref, type Value } from "./value";

export type Side = "before" | "after";

/** The managed resources that exist on one side of the plan, with their values on that side. */
export class World {
  private readonly byType = new Map<string, ResourceInstance[]>();
  private readonly byAddress = new Map<string, ResourceInstance>();
  private readonly byAttribute = new Map<string, Map<string, ResourceInstance[]>>();

  constructor(
    readonly side: Side,
    instances: readonly ResourceInstance[],
  ) {
    const exists = side === "after" ? existsAfter : existedBefore;
    for (const instance of instances) {
      if (instance.mode !== "managed" || !exists(instance)) continue;
      this.byAddress.set(instance.address, instance);
      const list = this.byType.get(instance.type);
      if (list) list.push(instance);
      else this.byType.set(instance.type, [instance]);
    }
  }

  ofType(type: string): readonly ResourceInstance[] {
    return this.byType.get(type) ?? [];
  }

  get(address: string): ResourceInstance | undefined {
    return this.byAddress.get(address);
  }

  values(instance: ResourceInstance): Value {
    return (this.side === "after" ? instance.after : instance.before) ?? null;
  }

  /** The value at `path` of an instance on this side. */
  read(instance: ResourceInstance, path: Path): Value | undefined {
    return valueAt(this.values(instance), path);
  }

  /** Instances of `type` whose known string attribute `attribute` equals `value` (index built once per pair). */
  findByAttribute(type: string, attribute: string, value: string): readonly ResourceInstance[] {
    const indexKey = `${type}\u0000${attribute}`;
    let index = this.byAttribute.get(indexKey);
    if (!index) {
      index = new Map();
      for (const instance of this.ofType(type)) {
        const v = this.read(instance, [attribute]);
        if (typeof v !== "string") continue;
        const list = index.get(v);
        if (list) list.push(instance);
        else index.set(v, [instance]);
      }
      this.byAttribute.set(indexKey, index);
    }
    return index.get(value) ?? [];
  }

  /**
   * The instances of `type` that a value designates: a known value of one of `attributes` (an id, a
   * name) or an unknown one that references them. `unknown` is set when the value does not decide.
   */
  designated(type: string, attributes: string | readonly string[], value: Value | undefined): { instances: ResourceInstance[]; unknown?: string } {
    const names = typeof attributes === "string" ? [attributes] : attributes;
    if (typeof value === "string") {
      const found = [...new Set(names.flatMap((attribute) => this.findByAttribute(type, attribute, value)))];
      return found.length > 0 ? { instances: found } : { instances: [], unknown: `${names[0]} "${value}" is not made in this plan` };
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
  readonly kind: LoadedInput["kind"];
  readonly formatVersion?: string;
  readonly terraformVersion?: string;
  readonly stack?: string;
}

export class ResourceGraph {
  readonly instances: ReadonlyMap<string, ResourceInstance>;
  readonly after: World;
  readonly before: World;
  private readonly byType = new Map<string, ResourceInstance[]>();

  constructor(
    readonly input: InputInfo,
    instances: readonly ResourceInstance[],
  ) {
    const map = new Map<string, ResourceInstance>();
    for (const instance of instances) {
      map.set(instance.deposed ? `${instance.address} (deposed ${instance.deposed})` : instance.address, instance);
      const list = this.byType.get(instance.type);
      if (list) list.push(instance);
      else this.byType.set(instance.type, [instance]);
    }
    this.instances = map;
    this.after = new World("after", instances);
    this.before = new World("before", instances);
  }

  /** Every instance of a type, whatever the plan does to it (deleted ones included). */
  ofType(type: string): readonly ResourceInstance[] {
    return this.byType.get(type) ?? [];
  }

  world(side: Side): World {
    return side === "after" ? this.after : this.before;
  }
}

export function buildGraph(input: LoadedInput): ResourceGraph {
  if (input.kind === "plan") {
    const { instances } = instancesFromPlan(input.document);
    return new ResourceGraph(
      { path: input.path, kind: "plan", formatVersion: input.formatVersion, terraformVersion: input.terraformVersion },
      instances,
    );
  }
  return new ResourceGraph({ path: input.path, kind: "synth", stack: input.stack }, instancesFromSynth(input.document));
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
