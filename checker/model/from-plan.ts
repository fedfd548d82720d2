/**
 * Plan JSON → resource instances. `after` and `after_unknown` are merged into one value in which
 * each unknown leaf is an `Unknown` that says where it comes from.
 */
import type { ChangeJson, ConfigResourceJson, ExpressionJson, JsonValue, PlanDocument, ResourceChangeJson, StateModuleJson, StateResourceJson } from "../load/plan-document";
import { ConfigModule, indexConfiguration } from "./config-index";
import { lookupExpression } from "./expression-lookup";
import { navigate, ReferenceResolver, withPath, type Resolution, type Scope } from "./reference-resolver";
import { actionFromList, type ResourceInstance } from "./resource-instance";
import { hotMergeUnknown, sensitiveTree } from "./merge-unknown";
import { secretsOf } from "./sensitive-values";
import { addToList } from "./add-to-list";
import { instanceRegion, isKubernetesResource, ProviderConfigs } from "./provider-configs";
import { formatModuleAddress, moduleCallPath, parseModuleAddress, type ModuleSegment } from "./traversal";
import { formatRef, Unknown, type Path, type Ref, type Value } from "./value";

const COMPUTED = "not set in the configuration; the provider decides it at apply time";
const AFTER_APPLY = "known only after apply";

// Most unknown leaves of a plan (ids, ARNs, every attribute the provider fills in) carry nothing of
// their own: one shared value each instead of an object and four empty lists per leaf, which the
// garbage collector had to copy as the model grew (issue #13). Unknowns are immutable (readonly).
const COMPUTED_UNKNOWN = new Unknown("computed", COMPUTED);
const NO_CONFIG_UNKNOWN = new Unknown("no-config", AFTER_APPLY);

/** Plans without `resource_changes` (hand-made or very old) still list what exists in `planned_values`. */
function changesFromPlannedValues(root: StateModuleJson | undefined): ResourceChangeJson[] {
  const out: ResourceChangeJson[] = [];
  const walk = (module: StateModuleJson) => {
    for (const r of module.resources ?? []) {
      out.push({
        address: r.address,
        module_address: module.address,
        mode: r.mode,
        type: r.type,
        name: r.name,
        index: r.index,
        change: { actions: ["no-op"], before: r.values ?? null, after: r.values ?? null, after_sensitive: r.sensitive_values },
      });
    }
    for (const child of module.child_modules ?? []) walk(child);
  };
  if (root) walk(root);
  return out;
}

/** How one input's model joins others in a run (absent when the input is checked alone). */
export interface JoinHooks {
  /** The name an instance address takes in the joined world. */
  readonly qualify: (address: string) => string;
  /** The output of the input that writes the remote state a data source reads, resolved there. */
  readonly remoteState: (dataAddress: string, output: string, rest: Path) => Resolution | undefined;
}

/** An input ready to be modelled: what others may ask of it before its instances are built. */
export interface PreparedInput {
  /** A root output's value or where it comes from; `undefined` when there is no such output. */
  output(name: string, rest: Path): Resolution | undefined;
  /** Values of sensitive variables and outputs (instances carry their own marks). */
  secrets(): Set<string>;
  /** The `terraform_remote_state` data sources it reads (whose writers may hold what it lacks). */
  remoteStates(): string[];
  /** The `backend` and `config` of a root `terraform_remote_state` data source, as configured. */
  remoteStateConfig(dataAddress: string): RemoteStateConfig | undefined;
  instances(): ResourceInstance[];
  /** A plan that acts on part of its state only: it says so, or leaves some of the state's objects out. */
  readonly incomplete?: boolean;
}

export interface RemoteStateConfig {
  readonly backend: JsonValue | undefined;
  readonly config: JsonValue | undefined;
}

/**
 * Data sources whose reads at plan time the world holds as resources of their type, found by
 * their attributes (an id, a name) only: the VPC, subnets and DHCP options a cluster stack reads
 * from a network made elsewhere (`data "aws_vpc"`, `data "aws_subnet"`, `data "aws_subnets"`,
 * `data "aws_vpc_dhcp_options"`), and the cluster a node stack reads (`data "aws_eks_cluster"`).
 * Other data sources are reached through references alone.
 */
export const LOOKED_UP_TYPES: ReadonlySet<string> = new Set(["aws_vpc", "aws_subnet", "aws_subnets", "aws_vpc_dhcp_options", "aws_eks_cluster"]);

/** A resource of the prior state, with its address in full. */
interface PriorResource {
  readonly moduleAddress: string;
  readonly resource: StateResourceJson;
}

/**
 * What the prior state holds beside the changes: the data sources read at plan time (their values
 * by address, and those of LOOKED_UP_TYPES), and the managed objects, of which a plan that is not
 * complete (`-target`, `-exclude`, deferred changes) leaves some out.
 */
function readPriorState(plan: PlanDocument): { values: Map<string, JsonValue>; lookups: PriorResource[]; managed: PriorResource[] } {
  const values = new Map<string, JsonValue>();
  const lookups: PriorResource[] = [];
  const managed: PriorResource[] = [];
  const walk = (module: StateModuleJson | undefined) => {
    const moduleAddress = module?.address ?? "";
    for (const r of module?.resources ?? []) {
      if (!r.values) continue;
      // Terraform 0.12 wrote a child module's resources with their address in the module only.
      const resource = moduleAddress && !r.address.startsWith(`${moduleAddress}.`) ? { ...r, address: `${moduleAddress}.${r.address}` } : r;
      if (r.mode !== "data") {
        managed.push({ moduleAddress, resource });
        continue;
      }
      values.set(resource.address, r.values);
      if (LOOKED_UP_TYPES.has(r.type)) lookups.push({ moduleAddress, resource });
    }
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk(plan.prior_state?.values?.root_module);
  return { values, lookups, managed };
}

/** How inputs are modelled. */
export interface ModelOptions {
  /**
   * The caller gives the documents away: it loaded them for this model and reads them no more. The
   * planned values then take their unknowns in place instead of being copied (issue #13).
   */
  readonly consume?: boolean;
}

/** A plan ready to be modelled, with its configuration tree and resolver. */
export interface PreparedPlan extends PreparedInput {
  readonly config?: ConfigModule;
  readonly resolver: ReferenceResolver;
}

export function preparePlan(plan: PlanDocument, join?: JoinHooks, { consume = false }: ModelOptions = {}): PreparedPlan {
  const changes = plan.resource_changes ?? changesFromPlannedValues(plan.planned_values?.root_module);
  const config = indexConfiguration(plan.configuration?.root_module);

  // Each module address once, shared by its resources: its segment list (the resolver's caches key
  // on it) and its configuration.
  const moduleAddresses = new Map<string, { readonly segments: ModuleSegment[]; readonly config: ConfigModule | undefined }>();
  const moduleAt = (moduleAddress: string | undefined) => {
    const key = moduleAddress ?? "";
    let found = moduleAddresses.get(key);
    if (found === undefined) {
      const segments = parseModuleAddress(moduleAddress);
      found = { segments, config: config?.descend(moduleCallPath(segments)) };
      moduleAddresses.set(key, found);
    }
    return found;
  };

  const instancesByBase = new Map<string, { address: string; index?: string | number }[]>();
  const listedAddresses = new Set<string>();
  const moduleInstances = new Map<string, ModuleSegment[][]>();
  const seenModules = new Set<string>();
  // Module addresses whose instances (and their parents') are listed: each is walked once, not
  // once for every resource in it.
  const listedModules = new Set<string>();
  const list = (address: string, moduleAddress: string | undefined, mode: string | undefined, type: string, name: string, index: string | number | undefined) => {
    // A deposed object repeats its address.
    if (!listedAddresses.has(address)) {
      listedAddresses.add(address);
      addToList(instancesByBase, `${moduleAddress ? `${moduleAddress}.` : ""}${mode === "data" ? "data." : ""}${type}.${name}`, { address, index });
    }
    if (listedModules.has(moduleAddress ?? "")) return;
    listedModules.add(moduleAddress ?? "");
    const { segments } = moduleAt(moduleAddress);
    for (let depth = 1; depth <= segments.length; depth++) {
      const instance = segments.slice(0, depth);
      const formatted = formatModuleAddress(instance);
      if (seenModules.has(formatted)) continue;
      seenModules.add(formatted);
      addToList(moduleInstances, `${formatModuleAddress(instance.slice(0, -1))}|${instance[depth - 1].name}`, instance);
    }
  };
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    list(change.address, change.module_address, change.mode, change.type, change.name, change.index);
  }
  const prior = readPriorState(plan);
  // A complete plan has an action for every object of the prior state ("Complete", Terraform's
  // internal/plans/plan.go); one that is not (-target, -exclude, deferred changes) leaves the
  // others out, and its apply leaves them as they are. Plans before Terraform 1.8 do not say
  // whether they are complete: one that leaves objects out is not. A deposed object left out is on
  // its way out.
  const untouched = plan.complete === true ? [] : prior.managed.filter(({ resource }) => !listedAddresses.has(resource.address) && resource.deposed_key === undefined);
  for (const { moduleAddress, resource } of untouched) list(resource.address, moduleAddress || undefined, "managed", resource.type, resource.name, resource.index);
  const rootVariables: { [name: string]: JsonValue | undefined } = {};
  for (const [name, variable] of Object.entries(plan.variables ?? {})) rootVariables[name] = variable?.value;
  const resolver = new ReferenceResolver({
    rootVariables,
    instancesByBase,
    moduleInstances,
    dataValues: prior.values,
    ...(join ? { qualify: join.qualify, remoteState: join.remoteState } : {}),
  });

  // Provider configurations' arguments, resolved in the module that configures each.
  const inProviderModule = (expression: ExpressionJson, moduleAddress: string): Resolution | undefined => {
    const { segments, config: module } = moduleAt(moduleAddress || undefined);
    return module && resolver.resolveExpression(expression, { module, instance: segments });
  };
  const providers = new ProviderConfigs<Value | undefined>(
    plan.configuration?.provider_config,
    (expression, moduleAddress) => {
      const resolution = inProviderModule(expression, moduleAddress);
      return resolution && isDecided(resolution) ? resolution.constants : undefined;
    },
    (expression, moduleAddress) => {
      const resolution = inProviderModule(expression, moduleAddress);
      if (!resolution) return undefined;
      return isDecided(resolution) && resolution.constants.length === 1 ? (resolution.constants[0] as Value) : unknownOf(resolution);
    },
  );

  // How an instance's region is found, made once per configured resource (or type, without
  // configuration) and shared by its instances: the plan's instances are many (issue #13).
  const regionFinders = new Map<ConfigResourceJson | string, RegionOf>();
  const regionFinder = (type: string, resourceConfig: ConfigResourceJson | undefined): RegionOf => {
    const key = resourceConfig ?? type;
    let found = regionFinders.get(key);
    if (found === undefined) {
      const ownRegionSet = ProviderConfigs.setsOwnRegion(resourceConfig);
      const providerRegion = providers.regionOf(resourceConfig);
      found = (after) => instanceRegion(type, after, ownRegionSet, providerRegion);
      regionFinders.set(key, found);
    }
    return found;
  };

  const instances = (): ResourceInstance[] =>
    changes.map((change): ResourceInstance => {
      const { segments, config: module } = moduleAt(change.module_address);
      const local = `${change.mode === "data" ? "data." : ""}${change.type}.${change.name}`;
      const resourceConfig = module?.resources.get(local);
      const scope: Scope | undefined = module && {
        module,
        instance: segments,
        key: change.index,
        forEach: resourceConfig?.for_each_expression,
      };
      const makeUnknown = (path: Path): Unknown => {
        if (!resourceConfig || !scope) return NO_CONFIG_UNKNOWN;
        const lookup = lookupExpression(resourceConfig.expressions, path);
        if (lookup.found === "unset") return COMPUTED_UNKNOWN;
        if (lookup.found === "not-shown") return NO_CONFIG_UNKNOWN;
        const resolution = resolver.resolveExpression(lookup.expression, scope);
        // An argument set to null (often a module input left at its default) is unset.
        if (isDecided(resolution) && resolution.constants.every((c) => c === null)) return COMPUTED_UNKNOWN;
        return unknownOf(resolution);
      };
      const providerHost = isKubernetesResource(change.type) ? providers.hostOf(resourceConfig) : undefined;
      const instance = buildInstance(change, change.change, makeUnknown, consume, regionFinder(change.type, resourceConfig), providerHost);
      return join ? { ...instance, address: join.qualify(instance.address) } : instance;
    });
  // An object the plan does not change stands on both sides with its values in the prior state.
  const standing = ({ moduleAddress, resource }: PriorResource, mode: "managed" | "data"): ResourceInstance => {
    const values = resource.values as Value;
    const sensitive = sensitiveTree(resource.sensitive_values);
    const resourceConfig = moduleAt(moduleAddress || undefined).config?.resources.get(`${mode === "data" ? "data." : ""}${resource.type}.${resource.name}`);
    const providerHost = mode === "managed" && isKubernetesResource(resource.type) ? providers.hostOf(resourceConfig) : undefined;
    const instance: ResourceInstance = {
      address: resource.address,
      moduleAddress,
      mode,
      type: resource.type,
      name: resource.name,
      index: resource.index,
      action: "no-op",
      before: values,
      after: values,
      beforeSensitive: sensitive,
      afterSensitive: sensitive,
      region: regionFinder(resource.type, resourceConfig)(values),
      ...(providerHost !== undefined ? { providerHost } : {}),
    };
    return join ? { ...instance, address: join.qualify(instance.address) } : instance;
  };
  // A data source read at plan time is no change. One whose read waits for apply is among the
  // changes instead (action "read"), and its values in the prior state are those of an earlier read.
  const lookedUp = (): ResourceInstance[] => prior.lookups.filter(({ resource }) => !listedAddresses.has(resource.address)).map((entry) => standing(entry, "data"));

  const rootScope: Scope | undefined = config && { module: config, instance: [] };
  return {
    config,
    resolver,
    incomplete: plan.complete === false || untouched.length > 0,
    instances: () => [...instances(), ...untouched.map((entry) => standing(entry, "managed")), ...lookedUp()],
    output(name, rest) {
      const known = plan.planned_values?.outputs?.[name];
      if (known && known.value !== undefined) {
        const value = navigate(known.value, rest);
        const unresolved = value === undefined ? [`output ${name} has no ${rest.join(".")}`] : [];
        return { refs: [], unresolved, constants: value === undefined ? [] : [value], oneOf: [], sensitive: known.sensitive === true };
      }
      const expression = config?.json.outputs?.[name]?.expression;
      if (!expression || !rootScope) return undefined;
      return { ...withPath(resolver.resolveExpression(expression, rootScope), rest), sensitive: config?.json.outputs?.[name]?.sensitive === true };
    },
    remoteStates() {
      // Read at plan time, they are in the prior state, not among the changes.
      const read = [...prior.values.keys()].filter((address) => /(^|\.)data\.terraform_remote_state\./.test(address));
      const changed = changes.filter((c) => c.mode === "data" && c.type === "terraform_remote_state").map((c) => c.address);
      return [...new Set([...read, ...changed].map((address) => address.replace(/\[[^\]]*\]$/, "")))];
    },
    secrets() {
      const out = new Set<string>();
      for (const [name, variable] of Object.entries(plan.variables ?? {})) if (config?.json.variables?.[name]?.sensitive === true) secretsOf(variable?.value, out);
      for (const output of Object.values(plan.planned_values?.outputs ?? {})) if (output?.sensitive === true) secretsOf(output.value, out);
      return out;
    },
    remoteStateConfig(dataAddress) {
      const resource = config?.resources.get(dataAddress);
      if (!resource || resource.type !== "terraform_remote_state") return undefined;
      const constant = (key: string) => {
        const expression = resource.expressions?.[key];
        return expression && !Array.isArray(expression) && "constant_value" in expression ? (expression.constant_value ?? undefined) : undefined;
      };
      return { backend: constant("backend"), config: constant("config") };
    },
  };
}

/** A resolution that needs nothing decided at apply time: its constants are the value. */
function isDecided(resolution: Resolution): boolean {
  return resolution.refs.length === 0 && resolution.unresolved.length === 0 && resolution.oneOf.length === 0;
}

/** A value decided at apply time, as its expression says where it comes from. */
function unknownOf(resolution: Resolution): Unknown {
  const unresolved = resolution.unresolved.length < 2 ? resolution.unresolved : [...new Set(resolution.unresolved)];
  return new Unknown("expression", AFTER_APPLY, distinctRefs(resolution.refs), unresolved, resolution.constants, undefined, distinctRefs(resolution.oneOf));
}

/** An instance's region, from its values (provider-configs.ts). */
type RegionOf = (after: Value | null) => string | undefined;

/**
 * The refs without repeats, first kept. Most unknowns have one ref or none: no map, and no copy,
 * for those (a resolution is not changed once made; issue #13).
 */
function distinctRefs(refs: readonly Ref[]): readonly Ref[] {
  if (refs.length < 2) return refs;
  return [...new Map(refs.map((r) => [formatRef(r), r])).values()];
}

function buildInstance(
  rc: ResourceChangeJson,
  change: ChangeJson,
  makeUnknown: (path: Path) => Unknown,
  consume: boolean,
  regionOf: RegionOf,
  providerHost: Value | undefined,
): ResourceInstance {
  const action = actionFromList(change.actions);
  // A change made from planned_values (a state, an old plan) has one value for before and after.
  const inPlace = consume && change.after !== change.before;
  const after = change.after === undefined && change.after_unknown === undefined ? null : hotMergeUnknown(change.after ?? undefined, change.after_unknown, [], makeUnknown, inPlace);
  return {
    address: rc.address,
    moduleAddress: rc.module_address ?? "",
    mode: rc.mode ?? "managed",
    type: rc.type,
    name: rc.name,
    index: rc.index,
    deposed: rc.deposed,
    action,
    actionReason: rc.action_reason,
    replacePaths: change.replace_paths,
    before: (change.before ?? null) as Value | null,
    after: action === "delete" ? null : (after ?? null),
    beforeSensitive: sensitiveTree(change.before_sensitive),
    afterSensitive: sensitiveTree(change.after_sensitive),
    // A deleted instance's region is that of its values before the plan.
    region: regionOf(action === "delete" ? ((change.before ?? null) as Value | null) : (after ?? null)),
    providerHost,
  };
}

/** One input checked alone. */
export function instancesFromPlan(plan: PlanDocument): ResourceInstance[] {
  return preparePlan(plan).instances();
}
