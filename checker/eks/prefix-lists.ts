/**
 * Customer-managed prefix lists made in the plan (`aws_ec2_managed_prefix_list` with inline `entry`
 * blocks, and `aws_ec2_managed_prefix_list_entry` resources that add to one), so that a rule whose
 * peer is such a list is judged by its CIDRs. A list the plan does not make (AWS-managed ones,
 * `com.amazonaws.<region>.s3`, or lists of other configurations) stays undecided.
 */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isObject, isUnknown, type Value } from "../model/value";
import { parseCidr, type ParsedCidr } from "./cidr";
import { addToList } from "../model/add-to-list";

export type PrefixListPeer =
  | { readonly decided: true; readonly label: string; readonly cidrs: readonly ParsedCidr[] }
  | { readonly decided: false; readonly label: string; readonly reason: string };

export class PrefixListDirectory {
  private readonly entriesOf = new Map<ResourceInstance, ResourceInstance[]>();
  private readonly undecidedEntries: ResourceInstance[] = [];

  constructor(private readonly world: World) {
    for (const entry of world.ofType("aws_ec2_managed_prefix_list_entry")) {
      const found = world.designated("aws_ec2_managed_prefix_list", ["id"], world.read(entry, ["prefix_list_id"]));
      if (found.instances.length === 1 && !found.unknown) addToList(this.entriesOf, found.instances[0], entry);
      else this.undecidedEntries.push(entry);
    }
  }

  /** The list a value (an id, or an unknown id with references) designates, with its CIDRs when the plan decides them. */
  resolve(value: Value): PrefixListPeer {
    const found = this.world.designated("aws_ec2_managed_prefix_list", ["id", "arn"], value);
    const label = typeof value === "string" ? value : (found.instances[0]?.address ?? "a prefix list decided at apply time");
    if (found.instances.length !== 1 || found.unknown) {
      const reason = typeof value === "string" ? `${this.world.notIn(`prefix list ${value}`, true)} (AWS-managed, or made elsewhere)` : `the prefix list is decided at apply time (${isUnknown(value) ? value.describe() : "not an id"})`;
      return { decided: false, label, reason };
    }
    const list = found.instances[0];
    const cidrs: ParsedCidr[] = [];
    const texts = [this.world.read(list, ["entry"]), ...(this.entriesOf.get(list) ?? []).map((e) => [this.world.values(e)])];
    for (const entries of texts) {
      if (isUnknown(entries)) {
        if (entries.origin === "computed") continue;
        return { decided: false, label, reason: `the entries of ${list.address} are decided at apply time (${entries.describe()})` };
      }
      for (const entry of Array.isArray(entries) ? entries : []) {
        const cidr = isObject(entry) ? entry.cidr : undefined;
        const parsed = typeof cidr === "string" ? parseCidr(cidr) : undefined;
        if (!parsed) return { decided: false, label, reason: `an entry of ${list.address} is decided at apply time` };
        cidrs.push(parsed);
      }
    }
    // An entry whose list is decided at apply time may belong to this one.
    if (this.undecidedEntries.length > 0) return { decided: false, label, reason: `${this.undecidedEntries[0].address} may add to ${list.address}: its prefix_list_id is decided at apply time` };
    return { decided: true, label: list.address, cidrs };
  }
}
