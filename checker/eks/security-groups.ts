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
  /** Its tags after the plan: `tags_all` (provider `default_tags` included) and `aws_ec2_tag` resources. */
  readonly tags: SgTags;
  /** Its group name (what selectors' `name` matches), or what the plan knows of it: a prefix at most. */
  readonly groupName: string | UndecidedText;
  /** Cluster names it is tagged for (`kubernetes.io/cluster/<name>`); `unknown` when its tags are decided at apply. */
  readonly clusterTags: readonly string[] | "unknown";
  /** Set when rules that no input holds may open it: what to say of them (an SG made elsewhere, or the cluster SG of a cluster read by a data source). */
  readonly rulesElsewhere?: string;
}

/** Text decided at apply time: why, and how it starts when the plan knows that much (`name_prefix`). */
export interface UndecidedText {
  readonly unknown: string;
  readonly prefix?: string;
}

export interface SgTags {
  /** Tags whose values the plan knows. */
  readonly values: ReadonlyMap<string, string>;
  /** Keys whose values are decided at apply time. */
  readonly undecided: ReadonlyMap<string, UndecidedText>;
  /** Set when the set of keys itself is not known (tags decided at apply, or an SG made elsewhere). */
  readonly unknown?: string;
}

/** The SGs a value designates; `unknown` says what could not be decided (then `members` may be incomplete). */
export interface SgSet {
  readonly members: readonly SgKey[];
  readonly unknown?: string;
  /** For one SG that the plan narrows to these (an `each.value` of a map of SG ids): it is one of them. */
  readonly oneOf?: readonly SgKey[];
}

export const clusterSgKey = (clusterAddress: string): SgKey => `${clusterAddress}.vpc_config[0].cluster_security_group_id`;
export const remoteAccessSgKey = (nodeGroupAddress: string): SgKey => `${nodeGroupAddress}.resources[0].remote_access_security_group_id`;

/** Tags as a value of the plan (`tags_all`): known values, keys with undecided values, or wholly unknown. */
function tagsOf(tags: Value | undefined): { values: Map<string, string>; undecided: Map<string, UndecidedText>; unknown?: string } {
  const values = new Map<string, string>();
  const undecided = new Map<string, UndecidedText>();
  if (isUnknown(tags)) return tags.origin === "computed" ? { values, undecided } : { values, undecided, unknown: `its tags are decided at apply time (${tags.describe()})` };
  if (!isObject(tags)) return { values, undecided };
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value === "string") values.set(key, value);
    else if (isUnknown(value)) undecided.set(key, { unknown: value.describe() });
  }
  return { values, undecided };
}

function clusterTagsOf(tags: SgTags): readonly string[] | "unknown" {
  if (tags.unknown) return "unknown";
  const keys = [...tags.values.keys(), ...tags.undecided.keys()];
  return keys.filter((k) => k.startsWith(CLUSTER_TAG_PREFIX)).map((k) => k.slice(CLUSTER_TAG_PREFIX.length));
}

/** A security group whose tags can still change while the directory is built (aws_ec2_tag). */
type Building = Omit<SecurityGroup, "tags" | "clusterTags"> & { tags: { values: Map<string, string>; undecided: Map<string, UndecidedText>; unknown?: string } };

function isClusterSgRef(ref: Ref): boolean {
  return ref.path.includes("cluster_security_group_id");
}

/** Turns SG ids (known strings or unknown values with references) into SG keys. */
const noTags = () => ({ values: new Map<string, string>(), undecided: new Map<string, UndecidedText>() });

export class SgDirectory {
  private readonly groups = new Map<SgKey, Building>();
  private readonly finished = new Map<SgKey, SecurityGroup>();
  private readonly clusterSgIds = new Map<string, SgKey>();

  constructor(private readonly world: World) {
    for (const sg of world.ofType("aws_security_group")) {
      // tags_all adds the provider's default_tags; before apply it may be unknown, then tags is what we have.
      const all = world.read(sg, ["tags_all"]);
      const tags = tagsOf(isObject(all) ? all : world.read(sg, ["tags"]));
      const name = world.read(sg, ["name"]);
      const prefix = world.read(sg, ["name_prefix"]);
      const groupName: string | UndecidedText =
        typeof name === "string"
          ? name
          : { unknown: isUnknown(name) ? `its name is decided at apply time (${name.describe()})` : "it has no name in the plan", ...(typeof prefix === "string" ? { prefix } : {}) };
      this.groups.set(sg.address, { key: sg.address, kind: "terraform", address: sg.address, label: sg.address, tags, groupName });
    }
  }

  /**
   * The cluster SG EKS makes: tagged `aws:eks:cluster-name` and `kubernetes.io/cluster/<name>`, and
   * named (and Name-tagged) `eks-cluster-sg-<name>-<id>` with an id chosen at creation.
   */
  addClusterSg(cluster: ResourceInstance, name: string | undefined): SgKey {
    const key = clusterSgKey(cluster.address);
    const tags = noTags();
    // EKS names it eks-cluster-sg-<cluster>-<id>, and tags it so (sec-group-reqs).
    const eksName: UndecidedText = { unknown: "its name ends with an id EKS chooses when it makes the cluster", ...(name ? { prefix: `eks-cluster-sg-${name}-` } : {}) };
    if (name) {
      tags.values.set("aws:eks:cluster-name", name);
      tags.values.set(`${CLUSTER_TAG_PREFIX}${name}`, "owned");
      tags.undecided.set("Name", eksName);
    }
    const label = `the cluster SG of ${cluster.address}`;
    this.groups.set(key, {
      key,
      kind: "cluster",
      address: cluster.address,
      label,
      tags: name ? tags : { ...tags, unknown: "the cluster's name, which EKS tags it with, is decided at apply time" },
      groupName: eksName,
      // The stack that makes the cluster may add rules to it; the plan holds only EKS's own and its own.
      ...(cluster.mode === "data" ? { rulesElsewhere: `the rules of ${label} beyond EKS's own are not in ${this.world.joined ? "any input" : "this plan"} (the cluster is made elsewhere)` } : {}),
    });
    const known = this.world.read(cluster, ["vpc_config", 0, "cluster_security_group_id"]);
    if (typeof known === "string") this.clusterSgIds.set(known, key);
    return key;
  }

  addRemoteAccessSg(nodeGroup: ResourceInstance): SgKey {
    const key = remoteAccessSgKey(nodeGroup.address);
    this.groups.set(key, {
      key,
      kind: "remote-access",
      address: nodeGroup.address,
      label: `the remote-access SG EKS makes for ${nodeGroup.address}`,
      tags: noTags(),
      groupName: { unknown: "EKS names it when it makes the node group" },
    });
    return key;
  }

  /** Tags that `aws_ec2_tag` resources add to SGs (terraform-aws-eks tags the cluster SG this way). */
  addTagResources(): void {
    for (const tag of this.world.ofType("aws_ec2_tag")) {
      const set = this.resolve(this.world.read(tag, ["resource_id"]));
      const key = this.world.read(tag, ["key"]);
      const value = this.world.read(tag, ["value"]);
      for (const member of set.members) {
        const group = this.groups.get(member);
        if (!group) continue;
        if (typeof key !== "string") group.tags.unknown ??= `${tag.address} adds a tag whose key is decided at apply time`;
        else if (typeof value === "string") group.tags.values.set(key, value);
        else group.tags.undecided.set(key, { unknown: `${tag.address}: ${isUnknown(value) ? value.describe() : "no value"}` });
      }
    }
  }

  get(key: SgKey): SecurityGroup | undefined {
    let done = this.finished.get(key);
    if (!done) {
      const group = this.groups.get(key);
      if (!group) return undefined;
      done = { ...group, clusterTags: clusterTagsOf(group.tags) };
      this.finished.set(key, done);
    }
    return done;
  }

  /** Every SG the directory knows, made in the plan or not. */
  *all(): IterableIterator<SecurityGroup> {
    for (const key of this.groups.keys()) yield this.get(key)!;
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
      // Nearly always one reference to an SG's id: no lists to build for it (issue #13).
      if (value.refs.length === 1 && value.unresolved.length === 0 && value.oneOf.length === 0 && value.constants.length === 0) {
        const key = this.sgOfRef(value.refs[0]);
        if (key) return { members: [key] };
      }
      const members: SgKey[] = [];
      const problems = [...value.unresolved];
      let others: Ref[] | undefined;
      for (const ref of value.refs) {
        const key = this.sgOfRef(ref);
        if (key) members.push(key);
        else (others ??= []).push(ref);
      }
      // A value from a manifest has the references of the whole manifest (terraform lists them per
      // attribute): beside an SG's id, another resource's `id` (the ENIConfig's subnet) is not a candidate.
      for (const ref of others ?? []) {
        if (!(members.length > 0 && this.isOtherResourceId(ref))) problems.push(`${ref.address}${ref.path.length ? `.${ref.path.join(".")}` : ""} is not a security group id`);
      }
      const oneOf = value.oneOf.map((ref) => this.sgOfRef(ref));
      if (value.refs.length === 0 && problems.length === 0 && oneOf.length > 0 && oneOf.every((k): k is SgKey => k !== undefined)) {
        const distinct = [...new Set(oneOf)];
        // One of one: a map with a single SG in it.
        return distinct.length === 1 ? { members: distinct } : { members: [], unknown: value.describe(), oneOf: distinct };
      }
      if (value.oneOf.length > 0) problems.push(value.describe());
      // Known ids the expression also uses (a variable holding an existing SG's id).
      for (const constant of value.constants.flat()) if (typeof constant === "string" && constant.startsWith("sg-")) members.push(this.byId(constant));
      if (value.refs.length === 0 && members.length === 0 && problems.length === 0) problems.push(value.reason);
      return { members: [...new Set(members)], ...(problems.length ? { unknown: problems.join("; ") } : {}) };
    }
    return { members: [], unknown: `unexpected value ${JSON.stringify(value)}` };
  }

  /** The SG a reference designates (an SG's id, or a cluster's cluster SG id), if it does. */
  private sgOfRef(ref: Ref): SgKey | undefined {
    const target = this.world.get(ref.address);
    if (target?.type === "aws_security_group" && (ref.path.length === 0 || ref.path[0] === "id")) return target.address;
    if (target?.type === "aws_eks_cluster" && isClusterSgRef(ref)) return clusterSgKey(target.address);
    return undefined;
  }

  /** A reference to the `id` of a resource of the plan that is not an SG: its value is never an SG id. */
  private isOtherResourceId(ref: Ref): boolean {
    const target = this.world.get(ref.address);
    return target !== undefined && target.type !== "aws_security_group" && target.type !== "aws_eks_cluster" && ref.path.length === 1 && ref.path[0] === "id";
  }

  /** The SG with this id: made in the plan, a cluster SG, or one known only by its id. */
  byId(id: string): SgKey {
    const made = this.world.findByAttribute("aws_security_group", "id", id)[0];
    if (made) return made.address;
    const cluster = this.clusterSgIds.get(id);
    if (cluster) return cluster;
    if (!this.groups.has(id)) {
      const why = this.world.notIn(id, true);
      const label = `${id} (${this.world.joined ? "in no input" : "not in this plan"})`;
      const rulesElsewhere = `the rules of ${label} are not in ${this.world.joined ? "any input" : "this plan"}`;
      this.groups.set(id, { key: id, kind: "external", label, tags: { ...noTags(), unknown: why }, groupName: { unknown: why }, rulesElsewhere });
    }
    return id;
  }
}
