/**
 * VPC CNI custom networking at synth time: the vpc-cni add-on's configuration_values written as a
 * CDKTF user writes it, `JSON.stringify` with tokens in it, read with the tokens as unknown leaves.
 */
import { App } from "cdktf";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { group } from "../modules/option-matrix";
import { check, TestStack, VPC } from "../modules/synth-check";

describe("synthesized CDKTF: the add-on's configuration_values from JSON.stringify with tokens in it", () => {
  /** A cluster of our constructs with a node SG, and custom networking as a CDKTF user writes it: the pod SG's id is a token. */
  function customNetworking(podSgAdmitted: boolean) {
    const stack = new TestStack(new App(), `custom-networking-${podSgAdmitted}`);
    const cluster = stack.cluster();
    group(stack, "workers", "node-sg");
    const pods = new SecurityGroup(stack, "pods", { name: "pods", vpcId: VPC, egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] });
    if (podSgAdmitted) {
      new VpcSecurityGroupIngressRule(stack, "api-from-pods", { securityGroupId: cluster.resource.vpcConfig.clusterSecurityGroupId, referencedSecurityGroupId: pods.id, ipProtocol: "tcp", fromPort: 443, toPort: 443 });
    }
    const eniConfig = { create: true, region: "ap-northeast-1", subnets: { "ap-northeast-1a": { id: "subnet-0f0a0000000000001", securityGroups: [pods.id] } } };
    const addon = new EksAddon(stack, "vpc-cni", {
      clusterName: cluster.resource.name,
      addonName: "vpc-cni",
      configurationValues: JSON.stringify({ env: { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true" }, eniConfig }),
    });
    return { report: check(stack), addon: `aws_eks_addon.${stack.getLogicalId(addon)}`, podSg: `aws_security_group.${stack.getLogicalId(pods)}` };
  }
  const statusOf = (report: ReturnType<typeof customNetworking>["report"], policy: string, address: string) =>
    [...new Set(report.findings.filter((f) => f.policy === policy && f.address === address).map((f) => f.status))].sort().join("+");

  // A pass is no finding: the report lists what fails or is unknown.
  test.each([
    [false, "fail"],
    [true, ""],
  ])("the ENIConfig's pods are judged at synth time on the pod SG (the cluster SG admits it: %s)", (admitted, toApi) => {
    const { report, addon, podSg } = customNetworking(admitted);
    expect(statusOf(report, "node-to-apiserver", addon)).toBe(toApi);
    // The pod SG admits nothing from the control plane: webhooks there cannot be called.
    expect(statusOf(report, "apiserver-to-webhooks", addon)).toBe("fail");
    expect(report.findings.find((f) => f.policy === "apiserver-to-webhooks" && f.address === addon)?.message).toContain(podSg);
  });
});
