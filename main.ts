/**
 * The example CDKTF app: `npm start` synthesizes it into cdktf.out/ and checks the result.
 * A minimal stack for now (the constructs in modules/ come later): a VPC with two private
 * subnets and a cluster that passes the pack — private endpoint, control-plane logs, secrets
 * encrypted with its own KMS key.
 */
import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { EksCluster } from "@cdktf/provider-aws/lib/eks-cluster";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";

export class ExampleClusterStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: "ap-northeast-1" });

    const vpc = new Vpc(this, "vpc", { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true, enableDnsSupport: true });
    const subnets = ["a", "c"].map(
      (zone, i) =>
        new Subnet(this, `private-${zone}`, {
          vpcId: vpc.id,
          cidrBlock: `10.0.${i * 16}.0/20`,
          availabilityZone: `ap-northeast-1${zone}`,
        }),
    );
    const role = new IamRole(this, "cluster-role", {
      name: "example-eks-cluster",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
      }),
      managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
    });
    const key = new KmsKey(this, "secrets-key", { description: "example EKS secrets", enableKeyRotation: true });

    new EksCluster(this, "cluster", {
      name: "example",
      roleArn: role.arn,
      vpcConfig: { subnetIds: subnets.map((s) => s.id), endpointPrivateAccess: true, endpointPublicAccess: false },
      enabledClusterLogTypes: ["api", "audit", "authenticator"],
      encryptionConfig: { resources: ["secrets"], provider: { keyArn: key.arn } },
    });
  }
}

if (require.main === module) {
  const app = new App({ outdir: "cdktf.out" });
  new ExampleClusterStack(app, "example");
  app.synth();
}
