/**
 * What a resource's provider configuration says about where it is made. The AWS region:
 * EKS clusters, launch templates and SGs are regional, and their names and tags mean something
 * within one region only, so a configuration that makes the same names in two regions (a module
 * per region, with provider aliases) is told apart by region. The AWS provider makes a resource in
 * the region of its provider configuration or, from provider 6, in the one its own `region`
 * argument names ("Enhanced Region Support",
 * hashicorp.github.io/terraform-provider-aws/enhanced-region-support). Undecided (undefined) when
 * the region comes from the environment or a profile, or from a value the plan does not hold.
 * And the Kubernetes API a manifest is applied to: the `host` of its kubernetes or kubectl provider
 * configuration, which names the cluster whose endpoint it is.
 */
import type { ConfigResourceJson, ExpressionJson, JsonValue, ProviderConfigJson } from "../load/plan-document";
import { lookupExpression } from "./expression-lookup";
import { isObject, type Value } from "./value";

/** An argument of a provider configuration, resolved in the module that configures it. */
export type ResolveArgument<T> = (expression: ExpressionJson, moduleAddress: string) => T;

/** Providers by the end of their source address (`full_name`), or by local name when the plan gives no source. */
interface ProviderNames {
  readonly sources: readonly string[];
  readonly localNames: readonly string[];
}

/** The AWS provider, whatever local name the configuration gives it. */
const AWS_PROVIDERS: ProviderNames = { sources: ["/hashicorp/aws"], localNames: ["aws"] };

/** The Kubernetes providers whose `host` says which cluster's API a manifest goes to. */
const KUBERNETES_PROVIDERS: ProviderNames = { sources: ["/hashicorp/kubernetes", "/alekc/kubectl", "/gavinbunney/kubectl"], localNames: ["kubernetes", "kubectl"] };

/** The Helm provider, whose `host` is inside its `kubernetes` block (provider 2) or object (provider 3). */
const HELM_PROVIDER: ProviderNames = { sources: ["/hashicorp/helm"], localNames: ["helm"] };

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
export function instanceRegion(type: string, after: Value | null, ownRegionSet: boolean, providerRegion: string | undefined): string | undefined {
  if (!type.startsWith("aws_")) return undefined;
  const own = isObject(after) ? after.region : undefined;
  if (typeof own === "string" && own !== "") return own;
  // A region set in the configuration but not known yet is not the provider's.
  if (own !== undefined && own !== null && ownRegionSet) return undefined;
  return providerRegion;
}

/** The provider configurations of one plan, each argument resolved once. */
export class ProviderConfigs<Host> {
  private readonly regions = new Map<string, string | undefined>();
  private readonly hosts = new Map<string, Host | undefined>();

  constructor(
    private readonly providers: { readonly [key: string]: ProviderConfigJson | undefined } | undefined,
    private readonly resolveRegion: ResolveArgument<readonly JsonValue[] | undefined>,
    private readonly resolveHost: ResolveArgument<Host>,
  ) {}

  /** The region of the provider configuration(s) a configured resource uses (OpenTofu may list several). */
  regionOf(resource: ConfigResourceJson | undefined): string | undefined {
    return oneText(keysOf(resource).map((key) => this.regionOfKey(key)));
  }

  /** The `host` of the Kubernetes provider configuration a configured resource uses, when it has one. */
  hostOf(resource: ConfigResourceJson | undefined): Host | undefined {
    const keys = keysOf(resource);
    return keys.length === 1 ? this.hostOfKey(keys[0]) : undefined;
  }

  /** Whether the configuration sets a resource's own `region` argument. */
  static setsOwnRegion(resource: ConfigResourceJson | undefined): boolean {
    return lookupExpression(resource?.expressions, ["region"]).found === "expression";
  }

  private regionOfKey(key: string): string | undefined {
    return this.argumentOf(this.regions, key, AWS_PROVIDERS, ["region"], (expression, module) => oneText(this.resolveRegion(expression, module)));
  }

  private hostOfKey(key: string): Host | undefined {
    // Helm's `kubernetes` object (provider 3) is one expression: its references are those of the host and its credentials, all the cluster's.
    if (configures(this.providers?.[key], HELM_PROVIDER)) return this.argumentOf(this.hosts, key, HELM_PROVIDER, ["kubernetes", 0, "host"], this.resolveHost);
    return this.argumentOf(this.hosts, key, KUBERNETES_PROVIDERS, ["host"], this.resolveHost);
  }

  /** An argument of the provider configuration `key`, when it configures one of `providers`; resolved once. */
  private argumentOf<T>(cache: Map<string, T | undefined>, key: string, providers: ProviderNames, path: readonly (string | number)[], resolve: ResolveArgument<T>): T | undefined {
    if (cache.has(key)) return cache.get(key);
    const provider = this.providers?.[key];
    const lookup = configures(provider, providers) ? lookupExpression(provider?.expressions, path) : undefined;
    const expression = lookup?.found === "expression" ? lookup.expression : undefined;
    const value = expression === undefined || Array.isArray(expression) ? undefined : resolve(expression, provider?.module_address ?? "");
    cache.set(key, value);
    return value;
  }
}

/** Whether a provider configuration is one of `providers`: by its source, else by its local name. */
function configures(provider: ProviderConfigJson | undefined, providers: ProviderNames): boolean {
  const fullName = provider?.full_name;
  return fullName !== undefined ? providers.sources.some((source) => fullName.endsWith(source)) : providers.localNames.includes(provider?.name ?? "");
}

function keysOf(resource: ConfigResourceJson | undefined): readonly string[] {
  if (!resource) return [];
  return resource.provider_config_keys ?? (resource.provider_config_key !== undefined ? [resource.provider_config_key] : []);
}

/** A resource of a Kubernetes provider (Helm's included), applied to the API its provider's `host` names. */
export function isKubernetesResource(type: string): boolean {
  return type.startsWith("kubernetes_") || type.startsWith("kubectl_") || type.startsWith("helm_");
}

/** Two regions known and different: the two resources cannot be one another's cluster, template or SG. */
export function inOtherRegion(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}
