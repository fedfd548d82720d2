/**
 * Security groups as the topology sees them — Terraform-made ones, the EKS-made cluster SG of
 * each cluster, the EKS-made remote-access SG, and SGs known only by id — and how a value (an id,
 * a list of ids, an unknown id with its references) designates them.
 */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isObject, isUnknown, type Ref, type Value } from "../model/value";
import { CLUSTER_TAG_PREFIX } from "./node-launch-templates";

/** A stable key: the SG's resource address, `<cluster>.vpc_config[0].cluster_security_group_id`, or an external `sg-…` id. */
export type SgKey = string;

export type SecurityGroupKind = "terraform" | "cluster" | "remote-access" | "external";

export interface SecurityGroup {
  readonly key: SgKey;
  readonly kind: SecurityGroupKind;
  /** The resource that makes it: the aws_security_group, the cluster (cluster SG), the node group (remote-access SG). */
  readonly address?: string;
  /** How messages name it. */
  readonly label: string;
  /** Cluster names it is tagged for (`kubernetes.io/cluster/<name>`); `unknown` when its tags are decided at apply. */
  readonly clusterTags: readonly string[] | "unknown";
}

/** The SGs a value designates; `unknown` says what could not be decided (then `members` may be incomplete). */
export interface SgSet {
  readonly members: readonly SgKey[];
  readonly unknown?: string;
}

export const clusterSgKey = (clusterAddress: string): SgKey => `${clusterAddress}.vpc_config[0].cluster_security_group_id`;
export const remoteAccessSgKey = (nodeGroupAddress: string): SgKey => `${nodeGroupAddress}.resources[0].remote_access_security_group_id`;

export function clusterTagsOf(tags: Value | undefined): readonly string[] | "unknown" {
  if (isUnknown(tags)) return tags.origin === "computed" ? [] : "unknown";
  if (!isObject(tags)) return [];
  return Object.keys(tags)
    .filter((k) => k.startsWith(CLUSTER_TAG_PREFIX))
    .map((k) => k.slice(CLUSTER_TAG_PREFIX.length));
}

function isClusterSgRef(ref: Ref): boolean {
  return ref.path.includes("cluster_security_group_id");
}

/** Turns SG ids (known strings or unknown values with references) into SG keys. */
export class SgDirectory {
  private readonly groups = new Map<SgKey, SecurityGroup>();
  private readonly clusterSgIds = new Map<string, SgKey>();

  constructor(private readonly world: World) {
    for (const sg of world.ofType("aws_security_group")) {
      // tags_all adds the provider's default_tags; before apply it may be unknown, then tags is what we have.
      const all = world.read(sg, ["tags_all"]);
      const tags = isObject(all) ? all : world.read(sg, ["tags"]);
      this.groups.set(sg.address, { key: sg.address, kind: "terraform", address: sg.address, label: sg.address, clusterTags: clusterTagsOf(tags) });
    }
  }

  addClusterSg(cluster: ResourceInstance, name: string | undefined): SgKey {
    const key = clusterSgKey(cluster.address);
    this.groups.set(key, {
      key,
      kind: "cluster",
      address: cluster.address,
      label: `the cluster SG of ${cluster.address}`,
      clusterTags: name ? [name] : "unknown",
    });
    const known = this.world.read(cluster, ["vpc_config", 0, "cluster_security_group_id"]);
    if (typeof known === "string") this.clusterSgIds.set(known, key);
    return key;
  }

  addRemoteAccessSg(nodeGroup: ResourceInstance): SgKey {
    const key = remoteAccessSgKey(nodeGroup.address);
    this.groups.set(key, { key, kind: "remote-access", address: nodeGroup.address, label: `the remote-access SG EKS makes for ${nodeGroup.address}`, clusterTags: [] });
    return key;
  }

  get(key: SgKey): SecurityGroup | undefined {
    return this.groups.get(key);
  }

  all(): IterableIterator<SecurityGroup> {
    return this.groups.values();
  }

  /** The SGs a value (one id, a list of ids, or an unknown value) designates. */
  resolve(value: Value | undefined): SgSet {
    if (value === undefined || value === null || value === "") return { members: [] };
    if (Array.isArray(value)) {
      const parts = value.map((v) => this.resolve(v));
      const unknown = parts.map((p) => p.unknown).filter(Boolean);
      return { members: [...new Set(parts.flatMap((p) => p.members))], ...(unknown.length ? { unknown: unknown.join("; ") } : {}) };
    }
    if (typeof value === "string") return { members: [this.byId(value)] };
    if (isUnknown(value)) {
      const members: SgKey[] = [];
      const problems = [...value.unresolved];
      for (const ref of value.refs) {
        const target = this.world.get(ref.address);
        if (target?.type === "aws_security_group" && (ref.path.length === 0 || ref.path[0] === "id")) members.push(target.address);
        else if (target?.type === "aws_eks_cluster" && isClusterSgRef(ref)) members.push(clusterSgKey(target.address));
        else problems.push(`${ref.address}${ref.path.length ? `.${ref.path.join(".")}` : ""} is not a security group id`);
      }
      // Known ids the expression also uses (a variable holding an existing SG's id).
      for (const constant of value.constants.flat()) if (typeof constant === "string" && constant.startsWith("sg-")) members.push(this.byId(constant));
      if (value.refs.length === 0 && members.length === 0 && problems.length === 0) problems.push(value.reason);
      return { members: [...new Set(members)], ...(problems.length ? { unknown: problems.join("; ") } : {}) };
    }
    return { members: [], unknown: `unexpected value ${JSON.stringify(value)}` };
  }

  private byId(id: string): SgKey {
    const made = this.world.findByAttribute("aws_security_group", "id", id)[0];
    if (made) return made.address;
    const cluster = this.clusterSgIds.get(id);
    if (cluster) return cluster;
    if (!this.groups.has(id)) this.groups.set(id, { key: id, kind: "external", label: `${id} (not in this plan)`, clusterTags: "unknown" });
    return id;
  }
}
