/**
 * Kubernetes objects a `helm_release` of a "raw" chart applies (bedag/raw, the archived
 * incubator/raw and their forks): platforms apply NodeClasses, NodePools, ENIConfigs and
 * SecurityGroupPolicies this way as often as with kubectl_manifest. The chart writes out each item
 * of its `resources` value as it is (`toYaml`, its common labels merged in) and renders each text
 * of its `templates` value with Helm's `tpl` (bedag/helm-charts, `charts/raw/templates/resources.yaml`).
 *
 * A template without template actions renders to itself and is read as YAML; one with actions
 * (`{{ … }}`) is rendered by Helm when the release is installed, and kept as undecided, as are the
 * objects of a release whose values the plan does not decide.
 */
import type { World } from "../model/resource-graph";
import { isObject, isUnknown } from "../model/value";
import { releasesOfChart, helmValues } from "./helm-values";
import { objectOf, parseYaml, type KubernetesObject, type Manifests, type UndecidedManifest } from "./manifests";

export const RAW_CHART = "raw";

/** Kinds that choose SGs or subnets of ENIs, named in a text the plan cannot read (YAML, quoted or flow style, or JSON). */
const CAPACITY_KIND = /["']?\bkind["']?\s*:\s*["']?(EC2NodeClass|NodeClass|SecurityGroupPolicy|ENIConfig)\b/;

/** The objects the raw charts' releases apply, and the releases (or templates) the plan cannot read. */
export function rawChartManifests(world: World): Manifests {
  const objects: KubernetesObject[] = [];
  const undecided: UndecidedManifest[] = [];
  for (const release of releasesOfChart(world, RAW_CHART)) {
    const read = helmValues(world, release);
    if ("unknown" in read) {
      // Without references to go by, the values texts the plan holds say whether it may.
      const texts = world.read(release, ["values"]);
      const named = Array.isArray(texts) && texts.some((text) => typeof text === "string" && CAPACITY_KIND.test(text));
      undecided.push({ address: release.address, reason: read.unknown, refs: read.refs, ...(read.refs.length === 0 ? { definesCapacity: named } : {}) });
      continue;
    }
    const { resources, templates } = read.values;
    for (const [index, item] of (Array.isArray(resources) ? resources : []).entries()) {
      if (isObject(item)) objects.push(objectOf(release, item));
      else if (isUnknown(item)) undecided.push({ address: release.address, reason: `resources[${index}] of ${release.address} is decided at apply time (${item.describe()})`, refs: item.refs });
    }
    for (const [index, text] of (Array.isArray(templates) ? templates : []).entries()) {
      const where = `templates[${index}] of ${release.address}`;
      if (isUnknown(text)) undecided.push({ address: release.address, reason: `${where} is decided at apply time (${text.describe()})`, refs: text.refs });
      if (typeof text !== "string") continue;
      if (text.includes("{{")) {
        undecided.push({ address: release.address, reason: `${where} is a Helm template, rendered when the release is installed`, refs: [], definesCapacity: CAPACITY_KIND.test(text) });
        continue;
      }
      const parsed = parseYaml(text, undefined);
      if ("error" in parsed) undecided.push({ address: release.address, reason: `${where} is ${parsed.error}`, refs: [], definesCapacity: CAPACITY_KIND.test(text) });
      else for (const document of parsed.documents) if (isObject(document)) objects.push(objectOf(release, document));
    }
  }
  return { objects, undecided };
}
