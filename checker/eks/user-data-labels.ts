/**
 * Node labels a node's user data gives its kubelet, for what decides by label (custom networking's
 * ENIConfig name):
 *
 * - `--node-labels=<key>=<value>,…`, the kubelet flag, wherever the text passes it: the EKS AL2
 *   AMI's `bootstrap.sh --kubelet-extra-args` (awslabs/amazon-eks-ami, *Bootstrap script
 *   configuration*), an AL2023 `NodeConfig`'s `spec.kubelet.flags` (nodeadm, *NodeConfig* API);
 * - Bottlerocket's `[settings.kubernetes.node-labels]` table (bottlerocket-os/bottlerocket,
 *   *Kubernetes settings*: "node-labels: Labels in the form of key, value pairs").
 *
 * A launch template holds its `user_data` base64-encoded (the EC2 API's LaunchTemplateData), a
 * launch configuration as text; either may be gzip-compressed (cloud-init reads both). A MIME
 * multi-part text is searched whole. Later flags win over earlier ones, as the kubelet's flag
 * parsing does (inferred for labels repeated across parts).
 */
import type { World } from "../model/resource-graph";
import { isUnknown, valueAt, type Value } from "../model/value";
import { launchedVersion } from "./launch-template-versions";

/** What the user data of a node class says about one label. */
export type UserDataLabel = { readonly value: string; readonly source: string } | { readonly unknown: string } | { readonly none: true };

const FLAG = /--node-labels[= ]["']?([^\s"'\\]+)/g;
const BOTTLEROCKET_TABLE = /^\s*\[settings\.kubernetes\.node-labels\]\s*$/;
const TOML_PAIR = /^\s*(?:"([^"]+)"|([A-Za-z0-9_./-]+))\s*=\s*"([^"]*)"\s*$/;

/** The node labels a user-data text sets. */
export function labelsInUserData(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const match of text.matchAll(FLAG)) {
    for (const pair of match[1].split(",")) {
      const at = pair.indexOf("=");
      if (at > 0) labels.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }
  let inTable = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*\[/.test(line)) inTable = BOTTLEROCKET_TABLE.test(line);
    else if (inTable) {
      const pair = TOML_PAIR.exec(line);
      if (pair) labels.set(pair[1] ?? pair[2], pair[3]);
    }
  }
  return labels;
}

/** A user-data value as text: decoded from base64 when `encoded`, uncompressed when gzip'd. */
function textOf(value: string, encoded: boolean): string {
  const bytes = encoded ? Buffer.from(value, "base64") : Buffer.from(value, "utf8");
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      // Required here: loading node:zlib at every start costs what few plans need (issue #13).
      const { gunzipSync } = require("node:zlib") as typeof import("node:zlib");
      return gunzipSync(bytes, { maxOutputLength: 1 << 20 }).toString("utf8");
    } catch {
      return "";
    }
  }
  return bytes.toString("utf8");
}

/** What the user data of a node class's launch templates or configurations says of its labels. */
export interface UserData {
  /** The label `key`: the same value from each known text, none from any, or unknown when they differ. */
  label(key: string): UserDataLabel;
  /** Why some of the user data is not known, if it is not. */
  readonly undecided?: string;
}

/**
 * The user data of these launch templates or configurations, each text read once: of the version
 * the nodes launch (`versions`: the version asked for, by address; none asked, the default
 * version, as for a group that names none; launch-template-versions.ts).
 */
export function userDataOf(world: World, templates: readonly string[], versions: ReadonlyMap<string, Value | undefined> = new Map()): UserData {
  const texts: { labels: Map<string, string>; source: string }[] = [];
  let undecided: string | undefined;
  for (const address of templates) {
    const instance = world.get(address);
    if (!instance) continue;
    const launched = launchedVersion(world, instance, versions.get(address));
    if (launched.unknown) undecided ??= `the user data of ${address} is not known: ${launched.unknown}`;
    const data = valueAt(launched.values, ["user_data"]);
    if (isUnknown(data)) undecided ??= `the user data of ${address} is decided at apply time (${data.describe()})`;
    if (typeof data !== "string" || data === "") continue;
    texts.push({ labels: labelsInUserData(textOf(data, instance.type === "aws_launch_template")), source: `the user data of ${launched.kept ? `the version ${address} had before this plan` : address}` });
  }
  const label = (key: string): UserDataLabel => {
    const found = texts.filter((t) => t.labels.has(key)).map((t) => ({ value: t.labels.get(key)!, source: t.source }));
    const values = new Set(found.map((f) => f.value));
    if (values.size > 1) return { unknown: `the user data of its launch templates sets the label ${key} to ${[...values].join(", ")}, one per instance` };
    return found.length > 0 ? found[0] : { none: true };
  };
  return { label, ...(undecided ? { undecided } : {}) };
}
