/** Builds small stacks from the constructs and runs the whole pack on what they synthesize. */
import { App, Testing, TerraformStack, type TerraformResource } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { checkSynthDocument, type CheckOptions, type Finding, type Report } from "../../checker";
import { EksCluster, type EksClusterProps } from "../../modules";

export const VPC = "vpc-0a1b2c3d4e5f60718";
export const SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0a1b2c3d4e5f60719"];
export const BASTION_SG = "sg-0b1a5710000000001";

/** A document as `Testing.synth` gives it (no construct metadata). */
export type SynthJson = { resource?: Record<string, Record<string, Record<string, unknown>>> } & Record<string, unknown>;

export class TestStack extends TerraformStack {
  constructor(app: App, id: string) {
    super(app, id);
    new AwsProvider(this, "aws", { region: "ap-northeast-1" });
  }

  /** The stack's cluster: made on the first call (with these props), returned as it is afterwards. */
  cluster(props: Partial<EksClusterProps> = {}): EksCluster {
    const existing = this.node.tryFindChild("cluster");
    if (existing instanceof EksCluster && Object.keys(props).length === 0) return existing;
    return new EksCluster(this, "cluster", { name: this.node.id, subnetIds: SUBNETS, ...props });
  }
}

export function synthJson(stack: TerraformStack, runValidations = false): SynthJson {
  return JSON.parse(Testing.synth(stack, runValidations)) as SynthJson;
}

export function check(stack: TerraformStack, options: CheckOptions = {}): Report {
  return checkSynthDocument(synthJson(stack) as never, stack.node.id, options);
}

/** `status policy address` lines, for readable failure output. */
export function lines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.status} ${f.policy} ${f.address}: ${f.message}`);
}

/**
 * Every finding except the informational marker that `cluster-sg-detached` puts on node groups
 * whose launch template drops the cluster SG — which is what kind `node-sg` means.
 */
export function findingsBesidesDetachedMarker(report: Report): string[] {
  return lines(report.findings.filter((f) => !(f.policy === "cluster-sg-detached" && f.severity === "info")));
}

/** Resources of one type, by Terraform name. */
export function resources(json: SynthJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

export function only<T>(record: Record<string, T>): T {
  const values = Object.values(record);
  if (values.length !== 1) throw new Error(`expected one resource, found ${values.length}`);
  return values[0];
}

/** The rules of one SG reference, e.g. `${aws_security_group.x.id}`, as `direction proto from-to peer`. */
export function rulesOn(json: SynthJson, securityGroupRef: string): string[] {
  const out: string[] = [];
  for (const direction of ["ingress", "egress"]) {
    for (const rule of Object.values(resources(json, `aws_vpc_security_group_${direction}_rule`))) {
      if (rule.security_group_id !== securityGroupRef) continue;
      const peer = rule.referenced_security_group_id ?? rule.cidr_ipv4 ?? rule.cidr_ipv6 ?? rule.prefix_list_id;
      const ports = rule.ip_protocol === "-1" ? "all" : `${rule.from_port}-${rule.to_port}`;
      out.push(`${direction} ${rule.ip_protocol} ${ports} ${peer}`);
    }
  }
  return out.sort();
}

/** `${type.name.attribute}` of a resource, as it appears in the synthesized JSON. */
export function refOf(resource: TerraformResource, attribute: string): string {
  return `\${${resource.terraformResourceType}.${TerraformStack.of(resource).getLogicalId(resource)}.${attribute}}`;
}

export function clusterSgRef(cluster: EksCluster): string {
  return refOf(cluster.resource, "vpc_config[0].cluster_security_group_id");
}
