/**
 * Which version of a launch template a node group or ASG launches its instances from, and so whose
 * values (SGs above all) its nodes get.
 *
 * A plan shows one version of an existing template on each side: the provider reads the
 * template's latest version, and a change to what instances launch with makes a new version
 * (terraform-provider-aws, internal/service/ec2/ec2_launch_template.go: the read takes
 * `LatestVersionNumber`; the update calls CreateLaunchTemplateVersion and moves the default version
 * only with `update_default_version` or a new `default_version`). The plan then marks
 * `latest_version` unknown. A group launches the version it names: a number, `$Latest` or
 * `$Default`, and the default version when it names none (EKS API LaunchTemplateSpecification:
 * "If no version is specified, then the template's default version is used"; EC2 Auto Scaling
 * API LaunchTemplateSpecification: "The default value is $Default").
 */
import type { World } from "../model/resource-graph";
import { existedBefore, type ResourceInstance } from "../model/resource-instance";
import { isObject, isUnknown, type Value } from "../model/value";

export interface LaunchedVersion {
  /** The values the instances launch with: the template's on the side judged, or its values before the plan. */
  readonly values: Value;
  /** Set when the nodes keep the version the plan supersedes: which one, and why. */
  readonly kept?: string;
  /** Set when the plan does not show the values of the version launched. */
  readonly unknown?: string;
}

/** A version by number; `byDefault` when the group asks for the default version. */
type Asked = { readonly latest: true } | { readonly number: number; readonly byDefault?: boolean } | { readonly unknown: string };

const LATEST: Asked = { latest: true };

function versionNumber(value: Value | undefined): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  return typeof value === "string" && /^[1-9]\d*$/.test(value) ? Number(value) : undefined;
}

/** The version `$Default` means on this side of the plan. */
function defaultVersion(world: World, template: ResourceInstance): Asked {
  if (world.read(template, ["update_default_version"]) === true) return LATEST;
  const value = world.read(template, ["default_version"]);
  const number = versionNumber(value);
  if (number !== undefined) return { number, byDefault: true };
  return { unknown: `the default version of ${template.address} is decided at apply time${isUnknown(value) ? ` (${value.describe()})` : ""}` };
}

/** What a group's `version` asks for, on this side of the plan. */
function askedVersion(world: World, template: ResourceInstance, version: Value | undefined, makesVersion: boolean): Asked {
  if (version === undefined || version === null || version === "" || version === "$Default") return defaultVersion(world, template);
  if (version === "$Latest") return LATEST;
  const number = versionNumber(version);
  if (number !== undefined) return { number };
  if (!isUnknown(version)) return { unknown: `launch template version ${JSON.stringify(version)} is not a version number, $Latest or $Default` };
  if (version.origin === "computed") return defaultVersion(world, template);
  const own = version.refs.find((ref) => ref.address === template.address && (ref.path[0] === "latest_version" || ref.path[0] === "default_version"));
  if (own) return own.path[0] === "latest_version" ? LATEST : defaultVersion(world, template);
  // Any version of a template the plan leaves as it is shows the same SGs unless versions were
  // made outside Terraform; with a new version, which one is launched decides.
  return makesVersion ? { unknown: `the launch template version is decided at apply time (${version.describe()})` } : LATEST;
}

/**
 * The values instances launch with from `template` when their group asks for `version` (a
 * number, `$Latest`, `$Default`, unset, or an unknown that references the template's
 * `latest_version` or `default_version`).
 */
export function launchedVersion(world: World, template: ResourceInstance, version: Value | undefined): LaunchedVersion {
  const planned: LaunchedVersion = { values: world.values(template) };
  // A launch configuration has no versions; a template made (or made again) by this plan has only its first.
  if (template.type !== "aws_launch_template" || (world.side === "after" && (!existedBefore(template) || template.action === "replace"))) return planned;
  const latest = world.read(template, ["latest_version"]);
  const makesVersion = world.side === "after" && isUnknown(latest);
  const asked = askedVersion(world, template, version, makesVersion);
  if ("unknown" in asked) return { values: null, unknown: asked.unknown };
  if ("latest" in asked) return planned;
  const shown = versionNumber(latest);
  if (!makesVersion) {
    return asked.number === shown || shown === undefined ? planned : { values: null, unknown: `the nodes launch version ${asked.number} of ${template.address}, and the plan shows only version ${shown}` };
  }
  const before = isObject(template.before) ? versionNumber(template.before.latest_version) : undefined;
  if (before === undefined || asked.number > before) return planned;
  if (asked.number < before) {
    return { values: null, unknown: `the nodes launch version ${asked.number} of ${template.address}, older than the latest before this plan (${before}), whose values the plan does not show` };
  }
  const kept = asked.byDefault
    ? `the nodes launch the default version of ${template.address}, still version ${asked.number} from before this plan, since update_default_version is not true`
    : `the nodes launch version ${asked.number} of ${template.address}, the one from before this plan, not the version the plan makes`;
  return { values: template.before, kept };
}
