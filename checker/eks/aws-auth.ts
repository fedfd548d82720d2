/**
 * The aws-auth ConfigMap (`kube-system/aws-auth`), the older way to let IAM roles into a cluster:
 * a role that `mapRoles` puts in the group `system:nodes` is one that nodes join with (EKS user
 * guide, *Grant IAM users access to Kubernetes with a ConfigMap*: the node role's entry has the
 * groups `system:bootstrappers` and `system:nodes`). The plan may apply it as a manifest
 * (`kubectl_manifest`, `kubernetes_manifest`) or as a `kubernetes_config_map` (v1) or
 * `kubernetes_config_map_v1_data`, as terraform-aws-eks's `modules/aws-auth` does.
 */
import type { World } from "../model/resource-graph";
import { isObject, valueAt, type Value } from "../model/value";
import { parseYaml, type KubernetesObject } from "./manifests";

/** An aws-auth ConfigMap the plan applies: the resource, and its `mapRoles` text as planned. */
export interface AwsAuthMap {
  readonly address: string;
  readonly mapRoles: Value | undefined;
}

const NAME = "aws-auth";
const NAMESPACE = "kube-system";
const CONFIG_MAP_TYPES = ["kubernetes_config_map", "kubernetes_config_map_v1", "kubernetes_config_map_v1_data"];

/** The aws-auth ConfigMaps among the plan's manifests and ConfigMap resources. */
export function awsAuthMaps(world: World, objects: readonly KubernetesObject[]): AwsAuthMap[] {
  const maps: AwsAuthMap[] = objects
    .filter((o) => o.kind === "ConfigMap" && o.name === NAME && o.namespace === NAMESPACE)
    .map((o) => ({ address: o.address, mapRoles: valueAt(o.body, ["data", "mapRoles"]) }));
  for (const type of CONFIG_MAP_TYPES) {
    for (const instance of world.ofType(type)) {
      const metadata = world.read(instance, ["metadata", 0]);
      if (!isObject(metadata) || metadata.name !== NAME || metadata.namespace !== NAMESPACE) continue;
      maps.push({ address: instance.address, mapRoles: world.read(instance, ["data", "mapRoles"]) });
    }
  }
  return maps;
}

/** The role ARNs `mapRoles` puts in `system:nodes`; undefined when the text is not decided or not a YAML list. */
export function nodeRoleArns(mapRoles: Value | undefined): string[] | undefined {
  if (mapRoles === undefined || mapRoles === null) return [];
  if (typeof mapRoles !== "string") return undefined;
  const parsed = parseYaml(mapRoles, undefined);
  if (!("documents" in parsed)) return undefined;
  const [list] = parsed.documents;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  return list.flatMap((entry) => {
    if (!isObject(entry) || !Array.isArray(entry.groups) || !entry.groups.includes("system:nodes")) return [];
    return typeof entry.rolearn === "string" ? [entry.rolearn] : [];
  });
}
