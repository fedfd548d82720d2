/**
 * A Karpenter `EC2NodeClass` (`karpenter.k8s.aws/v1`) whose nodes carry exactly one node SG — a
 * `NodeSecurityGroup`, which holds every rule nodes need on both ends.
 *
 * Karpenter puts every SG its `securityGroupSelectorTerms` match on the nodes
 * (karpenter.sh/docs/concepts/nodeclasses), so a broad selector such as the cluster's discovery tag
 * can pick the cluster SG and a node SG together (two SGs tagged kubernetes.io/cluster/<name>) or an
 * SG without the kubelet and DNS rules. This construct selects by a tag only that node SG carries,
 * and writes the manifest as a `kubectl_manifest` (provider alekc/kubectl, which the terraform-aws-eks
 * Karpenter example uses). The tag is known when Terraform plans, so the plan shows which SG the
 * nodes get and `eks-sg-policy check` judges them; an SG id would be known only after apply.
 */
import { TerraformResource, TerraformStack, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { stringify } from "yaml";
import { launchesNodes } from "./cluster-membership";
import { configError } from "./errors";
import { KubectlProvider, KUBECTL_SOURCE } from "./kubectl-provider";
import type { NodeSecurityGroup } from "./node-security-group";

export interface KarpenterNodeClassProps {
  /** The node SG the nodes carry, and nothing else. */
  readonly nodeSecurityGroup: NodeSecurityGroup;
  /**
   * The IAM role of the nodes, by name (Karpenter makes their instance profile). A literal name
   * keeps the manifest known at plan time; a token makes the whole manifest known only after apply.
   */
  readonly role: string;
  /** `metadata.name`. Default `default`. */
  readonly name?: string;
  /** Default: subnets tagged `karpenter.sh/discovery = <cluster name>`, Karpenter's convention. */
  readonly subnetSelectorTerms?: readonly Record<string, unknown>[];
  /** Default `[{ alias: "al2023@latest" }]`. */
  readonly amiSelectorTerms?: readonly Record<string, unknown>[];
  /** IMDS settings for the nodes. Default: IMDSv2 required, hop limit 1 (the Karpenter default). */
  readonly metadataOptions?: Record<string, unknown>;
  /** The kubectl provider to apply it with. Default: the stack's one for the node SG's cluster (made when there is none). */
  readonly provider?: TerraformProvider;
}

export class KarpenterNodeClass extends Construct {
  /** The `kubectl_manifest` resource (escape hatch). */
  readonly manifest: TerraformResource;
  /** The manifest as YAML. */
  readonly yaml: string;

  constructor(scope: Construct, id: string, props: KarpenterNodeClassProps) {
    super(scope, id);
    const { nodeSecurityGroup: sg } = props;
    if (props.role.includes("${")) {
      throw configError(this, "role is a token, so the whole manifest would be known only after apply and no plan could say which SG the nodes get", "pass the role's name as a literal string");
    }
    const tag = sg.selectorTag();
    const document = {
      apiVersion: "karpenter.k8s.aws/v1",
      kind: "EC2NodeClass",
      metadata: { name: props.name ?? "default" },
      spec: {
        role: props.role,
        amiSelectorTerms: props.amiSelectorTerms ?? [{ alias: "al2023@latest" }],
        subnetSelectorTerms: props.subnetSelectorTerms ?? [{ tags: { "karpenter.sh/discovery": sg.cluster.name } }],
        securityGroupSelectorTerms: [{ tags: { [tag.key]: tag.value } }],
        metadataOptions: props.metadataOptions ?? { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      },
    };
    this.yaml = stringify(document);
    const stack = TerraformStack.of(this);
    // Each cluster's own kubectl provider: a manifest sent through another cluster's would land in that cluster.
    const provider = props.provider ?? KubectlProvider.forCluster(stack, sg.cluster);
    this.manifest = new TerraformResource(this, "manifest", { terraformResourceType: "kubectl_manifest", terraformGeneratorMetadata: { providerName: "kubectl" }, provider });
    this.manifest.addOverride("yaml_body", this.yaml);
    stack.addOverride("terraform.required_providers.kubectl", { source: KUBECTL_SOURCE, version: ">= 2.0.0" });
    launchesNodes(sg.cluster, this.manifest);
  }
}
