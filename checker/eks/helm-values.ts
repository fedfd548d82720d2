/**
 * What a `helm_release` installs: its chart, and its values as Helm merges them — each YAML text of
 * `values` in turn (maps merged key by key, anything else replaced), then each `set` and
 * `set_list` entry by its dotted name (`a.b[0]`; `\.` for a dot inside a key). Helm provider 2
 * writes `set` as blocks and provider 3 as a list of objects: the plan holds the same shape.
 */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isObject, isUnknown, type Ref, type Unknown, type Value, type ValueObject } from "../model/value";
import { setOwn } from "../load/own-member";
import { parseYaml } from "./manifests";

/** Whether a release's `chart` is this chart: its name with a repository, or an OCI reference that ends in it. */
export function isChart(name: unknown, chart: string): boolean {
  return typeof name === "string" && (name === chart || name.endsWith(`/${chart}`));
}

/** Releases of a chart. */
export function releasesOfChart(world: World, chart: string): ResourceInstance[] {
  return world.ofType("helm_release").filter((release) => isChart(world.read(release, ["chart"]), chart));
}

function merge(into: ValueObject, from: ValueObject): void {
  for (const [key, value] of Object.entries(from)) {
    const there = into[key];
    if (isObject(there) && isObject(value)) merge(there, value);
    else setOwn(into, key, value);
  }
}

/** The largest list index Helm's `--set` parser takes (helm.sh/helm strvals, `MaxIndex`). */
const MAX_INDEX = 65536;

/** `a.b\.c[1]` → ["a", "b.c", 1]: Helm's `--set` names; undefined for one Helm refuses. */
function setPath(name: string): (string | number)[] | undefined {
  const path: (string | number)[] = [];
  let key = "";
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === "\\" && i + 1 < name.length) key += name[++i];
    else if (c === ".") {
      if (key !== "") path.push(key);
      key = "";
    } else if (c === "[") {
      const end = name.indexOf("]", i);
      const index = Number(name.slice(i + 1, end));
      if (end < 0 || !Number.isInteger(index) || index < 0 || index > MAX_INDEX) return undefined;
      if (key !== "") path.push(key);
      path.push(index);
      key = "";
      i = end;
    } else key += c;
  }
  if (key !== "") path.push(key);
  return path.length > 0 ? path : undefined;
}

function place(values: ValueObject, path: (string | number)[], value: Value): void {
  let at: ValueObject | Value[] = values;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    const last = i === path.length - 1;
    const next = typeof path[i + 1] === "number" ? [] : {};
    if (Array.isArray(at)) {
      if (typeof key !== "number") return;
      if (last) at[key] = value;
      else at = (at[key] = isObject(at[key]) || Array.isArray(at[key]) ? at[key] : next) as ValueObject | Value[];
    } else {
      if (typeof key === "number") return;
      if (last) setOwn(at, key, value);
      else {
        const there = at[key];
        const child = isObject(there) || Array.isArray(there) ? there : next;
        setOwn(at, key, child);
        at = child as ValueObject | Value[];
      }
    }
  }
}

/** The release's values, or why the plan cannot tell them (with what the undecided part refers to). */
export function helmValues(world: World, release: ResourceInstance): { readonly values: ValueObject } | { readonly unknown: string; readonly refs: readonly Ref[] } {
  const values: ValueObject = {};
  const undecided = (what: string, value: Unknown) => ({ unknown: `${what} of ${release.address} ${what.startsWith("values") ? "are" : "is"} decided at apply time (${value.describe()})`, refs: value.refs });
  const texts = world.read(release, ["values"]);
  if (isUnknown(texts)) return undecided("values", texts);
  for (const text of Array.isArray(texts) ? texts : []) {
    if (isUnknown(text)) return undecided("values", text);
    if (typeof text !== "string") continue;
    const parsed = parseYaml(text, undefined);
    if ("error" in parsed) return { unknown: `a values text of ${release.address} is ${parsed.error}`, refs: [] };
    for (const document of parsed.documents) if (isObject(document)) merge(values, document);
  }
  for (const list of ["set", "set_list"]) {
    const entries = world.read(release, [list]);
    if (isUnknown(entries)) return undecided(list, entries);
    for (const entry of Array.isArray(entries) ? entries : []) {
      if (!isObject(entry)) continue;
      if (isUnknown(entry.name)) return undecided(`a ${list} name`, entry.name);
      if (typeof entry.name !== "string") continue;
      const path = setPath(entry.name);
      // Helm stops on such a name and installs nothing: what the release would hold is not known.
      if (!path) return { unknown: `the ${list} name ${JSON.stringify(entry.name)} of ${release.address} is one Helm refuses (empty, or a list index that is not a whole number from 0 to ${MAX_INDEX})`, refs: [] };
      if (entry.value !== undefined) place(values, path, entry.value);
    }
  }
  return { values };
}
