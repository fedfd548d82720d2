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
  constructor(scope: Construct, id: string, cluster: EksCluster) {
    super(scope, id, { terraformResourceType: "kubectl", terraformGeneratorMetadata: { providerName: "kubectl" }, terraformProviderSource: KUBECTL_SOURCE });
    this.addOverride("host", cluster.resource.endpoint);
    this.addOverride("cluster_ca_certificate", Fn.base64decode(cluster.resource.certificateAuthority.get(0).data));
    this.addOverride("load_config_file", false);
    this.addOverride("exec", { api_version: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", cluster.name] });
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return {};
  }
}
