/**
 * The `configuration` section as a tree of module configurations. Configuration addresses are
 * relative to their module and carry no instance keys: one config module per module call.
 */
import type { ConfigModuleJson, ConfigResourceJson, ModuleCallJson } from "../load/plan-document";

export class ConfigModule {
  readonly resources = new Map<string, ConfigResourceJson>();
  readonly children = new Map<string, ConfigModule>();

  constructor(
    readonly json: ConfigModuleJson,
    readonly callPath: readonly string[],
    readonly parent?: ConfigModule,
    readonly call?: ModuleCallJson,
  ) {
    for (const resource of json.resources ?? []) {
      const local = resource.mode === "data" ? `data.${resource.type}.${resource.name}` : `${resource.type}.${resource.name}`;
      this.resources.set(local, resource);
    }
    for (const [name, child] of Object.entries(json.module_calls ?? {})) {
      this.children.set(name, new ConfigModule(child.module ?? {}, [...callPath, name], this, child));
    }
  }

  get isRoot(): boolean {
    return this.parent === undefined;
  }

  /** The module reached by following call names from here; `undefined` when the plan lacks it. */
  descend(names: readonly string[]): ConfigModule | undefined {
    let current: ConfigModule | undefined = this;
    for (const name of names) current = current?.children.get(name);
    return current;
  }
}

export function indexConfiguration(root: ConfigModuleJson | undefined): ConfigModule | undefined {
  return root ? new ConfigModule(root, []) : undefined;
}
