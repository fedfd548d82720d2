/**
 * The AWS region a resource is made in, when the input decides it. EKS clusters, launch templates
 * and SGs are regional, and their names and tags mean something within one region only, so a
 * configuration that makes the same names in two regions (a module per region, with provider
 * aliases) is told apart by region. The AWS provider makes a resource in the region of its
 * provider configuration or, from provider 6, in the one its own `region` argument names
 * ("Enhanced Region Support", hashicorp.github.io/terraform-provider-aws/enhanced-region-support).
 * Undecided (undefined) when the region comes from the environment or a profile, or from a value
 * the plan does not hold.
 */
import type { ConfigResourceJson, ExpressionJson, JsonValue, ProviderConfigJson } from "../load/plan-document";
import { lookupExpression } from "./expression-lookup";
import { isObject, type Value } from "./value";

/** What decides the region a provider configuration names: its `region` expression, in its module. */
export type ResolveRegion = (expression: ExpressionJson, moduleAddress: string) => readonly JsonValue[] | undefined;

/** The one text among `values`, if they are all the same text. */
function oneText(values: readonly unknown[] | undefined): string | undefined {
  if (!values || values.length === 0) return undefined;
  const first = values[0];
  return typeof first === "string" && first !== "" && values.every((v) => v === first) ? first : undefined;
}

/**
 * The region of an instance of an `aws_` resource type: its own `region` argument when it has one,
 * else its provider configuration's. `region` in `after` is the provider 6 argument (provider 5
 * types with an attribute of that name, such as `aws_s3_bucket`, mean the same by it).
 */
export function instanceRegion(type: string, after: Value | null, ownRegionSet: boolean, providerRegion: () => string | undefined): string | undefined {
  if (!type.startsWith("aws_")) return undefined;
  const own = isObject(after) ? after.region : undefined;
  if (typeof own === "string" && own !== "") return own;
  // A region set in the configuration but not known yet is not the provider's.
  if (own !== undefined && own !== null && ownRegionSet) return undefined;
  return providerRegion();
}

/** Region lookups for one plan: each provider configuration resolved once. */
export class PlanRegions {
  private readonly byKey = new Map<string, string | undefined>();

  constructor(
    private readonly providers: { readonly [key: string]: ProviderConfigJson | undefined } | undefined,
    private readonly resolve: ResolveRegion,
  ) {}

  /** The region of the provider configuration(s) a configured resource uses (OpenTofu may list several). */
  ofResource(resource: ConfigResourceJson | undefined): string | undefined {
    if (!resource) return undefined;
    const keys = resource.provider_config_keys ?? (resource.provider_config_key !== undefined ? [resource.provider_config_key] : []);
    return oneText(keys.map((key) => this.ofKey(key)));
  }

  /** Whether the configuration sets a resource's own `region` argument. */
  static setsOwnRegion(resource: ConfigResourceJson | undefined): boolean {
    return lookupExpression(resource?.expressions, ["region"]).found === "expression";
  }

  private ofKey(key: string): string | undefined {
    if (this.byKey.has(key)) return this.byKey.get(key);
    const provider = this.providers?.[key];
    // The AWS provider, whatever local name the configuration gives it.
    const isAws = provider?.full_name !== undefined ? provider.full_name.endsWith("/hashicorp/aws") : provider?.name === "aws";
    const expression = isAws ? provider?.expressions?.region : undefined;
    const region = expression === undefined || Array.isArray(expression) ? undefined : oneText(this.resolve(expression, provider?.module_address ?? ""));
    this.byKey.set(key, region);
    return region;
  }
}

/** Two regions known and different: the two resources cannot be one another's cluster, template or SG. */
export function inOtherRegion(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}
