/**
 * The kubectl provider (alekc/kubectl, as the terraform-aws-eks Karpenter example uses it), set up
 * for one cluster: its endpoint and CA, and a token from `aws eks get-token`. CDKTF has no bindings
 * for it in @cdktf/provider-aws, so it is written as a generic provider.
 */
import { Fn, TerraformProvider } from "cdktf";
import type { Construct } from "constructs";
import type { EksCluster } from "./eks-cluster";

export const KUBECTL_SOURCE = "alekc/kubectl";

export class KubectlProvider extends TerraformProvider {
  /**
   * The stack's kubectl provider for `cluster`: the one already made for it, or a new one. The
   * first in a stack is the default configuration; one for another cluster is aliased by that
   * cluster's construct id, so that each cluster's manifests go to its own API server.
   */
  static forCluster(stack: Construct, cluster: EksCluster): KubectlProvider {
    const made = stack.node.children.filter((child): child is KubectlProvider => child instanceof KubectlProvider);
    const own = made.find((provider) => provider.cluster === cluster);
    if (own) return own;
    if (made.length === 0) return new KubectlProvider(stack, "kubectl", cluster);
    // Terraform's aliases are identifiers: a letter first, then letters, digits, `_` and `-`.
    const cleaned = cluster.node.id.replace(/[^A-Za-z0-9_-]/g, "_");
    const base = /^[A-Za-z]/.test(cleaned) ? cleaned : `cluster_${cleaned}`;
    const taken = new Set(made.map((provider) => provider.alias));
    let alias = base;
    for (let n = 2; taken.has(alias); n++) alias = `${base}_${n}`;
    return new KubectlProvider(stack, `kubectl-${alias}`, cluster, alias);
  }

  // TerraformProvider leaves `alias` for each provider class to keep (its accessors are stubs).
  private providerAlias?: string;

  constructor(
    scope: Construct,
    id: string,
    readonly cluster: EksCluster,
    alias?: string,
  ) {
    super(scope, id, { terraformResourceType: "kubectl", terraformGeneratorMetadata: { providerName: "kubectl" }, terraformProviderSource: KUBECTL_SOURCE });
    this.providerAlias = alias;
    this.addOverride("host", cluster.resource.endpoint);
    this.addOverride("cluster_ca_certificate", Fn.base64decode(cluster.resource.certificateAuthority.get(0).data));
    this.addOverride("load_config_file", false);
    this.addOverride("exec", { api_version: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", cluster.name] });
  }

  get alias(): string | undefined {
    return this.providerAlias;
  }

  set alias(value: string | undefined) {
    this.providerAlias = value;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return {};
  }
}
