/**
 * The example CDKTF app: four EKS stacks built from the constructs in modules/, one per way of
 * putting SGs on workloads. `npm start` synthesizes them into cdktf.out/ and checks the result;
 * `cdktf deploy <stack>` deploys one (docs/modules.md, "Deploying the examples").
 *
 * - `ec2-node-sg`: an additional control-plane SG, a node SG, and a managed node group whose
 *   launch template lists the node SG (the cluster SG is dropped from the nodes);
 * - `ec2-cluster-sg`: a managed node group on the cluster SG;
 * - `fargate`: Fargate only, CoreDNS included (a `kube-system` profile);
 * - `mixed`: a managed node group with its own node SG, and CoreDNS on a `kube-system` Fargate profile.
 *
 * Inputs (all optional; without them each stack makes its own VPC and synthesizes with no input):
 * CDKTF context keys in cdktf.json (`"context": { ... }`) or environment variables, the latter winning:
 *
 * | context key | environment variable | meaning |
 * | --- | --- | --- |
 * | `region` | `EKS_EXAMPLE_REGION` | AWS region (default `ap-northeast-1`) |
 * | `vpcId` | `EKS_EXAMPLE_VPC_ID` | an existing VPC; requires `privateSubnetIds` |
 * | `privateSubnetIds` | `EKS_EXAMPLE_PRIVATE_SUBNET_IDS` (comma-separated) | two or more private subnets in different AZs, with a NAT route |
 * | `availabilityZones` | `EKS_EXAMPLE_AZS` (comma-separated) | AZs of the VPC the stack makes (default: `a` and `c` in ap-northeast-1, `a` and `b` elsewhere) |
 * | `publicAccessCidrs` | `EKS_EXAMPLE_PUBLIC_ACCESS_CIDRS` (comma-separated) | open the public endpoint to these CIDRs (default: private endpoint only) |
 * | `sshKeyName` | `EKS_EXAMPLE_SSH_KEY_NAME` | `ec2-node-sg` only: an EC2 key pair, SSH from the API-clients SG |
 */
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { EksAddon } from "@cdktf/provider-aws/lib/eks-addon";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { EksCluster, EksPolicyGate, FargateProfile, ManagedNodeGroup, NodeSecurityGroup } from "./modules";

export interface ExampleInputs {
  readonly region: string;
  /** An existing VPC; when unset the stack makes one. */
  readonly vpcId?: string;
  readonly privateSubnetIds?: string[];
  readonly availabilityZones?: string[];
  readonly publicAccessCidrs?: string[];
  readonly sshKeyName?: string;
}

const ENV = {
  region: "EKS_EXAMPLE_REGION",
  vpcId: "EKS_EXAMPLE_VPC_ID",
  privateSubnetIds: "EKS_EXAMPLE_PRIVATE_SUBNET_IDS",
  availabilityZones: "EKS_EXAMPLE_AZS",
  publicAccessCidrs: "EKS_EXAMPLE_PUBLIC_ACCESS_CIDRS",
  sshKeyName: "EKS_EXAMPLE_SSH_KEY_NAME",
} as const;

function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Inputs from the environment (first) and the CDKTF context (cdktf.json `context`, `CDKTF_CONTEXT_JSON`). */
export function exampleInputs(scope: Construct, env: NodeJS.ProcessEnv = process.env): ExampleInputs {
  const read = (key: keyof typeof ENV): unknown => env[ENV[key]] || scope.node.tryGetContext(key);
  const text = (key: keyof typeof ENV) => {
    const value = read(key);
    return value === undefined || value === null || value === "" ? undefined : String(value);
  };
  return {
    region: text("region") ?? "ap-northeast-1",
    vpcId: text("vpcId"),
    privateSubnetIds: list(read("privateSubnetIds")),
    availabilityZones: list(read("availabilityZones")),
    publicAccessCidrs: list(read("publicAccessCidrs")),
    sshKeyName: text("sshKeyName"),
  };
}

/**
 * The network of an example: the given VPC and private subnets, or a VPC made here with two
 * public subnets (an internet gateway and one NAT gateway) and two private subnets for the control
 * plane, the nodes and Fargate, tagged for load balancers.
 */
export class ExampleNetwork extends Construct {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];

  constructor(scope: Construct, id: string, inputs: ExampleInputs, clusterName: string) {
    super(scope, id);
    if (inputs.vpcId) {
      if (!inputs.privateSubnetIds || inputs.privateSubnetIds.length < 2) {
        throw new Error(
          `[${this.node.path}] vpcId ${inputs.vpcId} is given without two or more private subnets. Fix: set privateSubnetIds (context) or ${ENV.privateSubnetIds} (comma-separated) to private subnets of that VPC in different AZs, or unset vpcId to let the stack make a VPC`,
        );
      }
      this.vpcId = inputs.vpcId;
      this.privateSubnetIds = inputs.privateSubnetIds;
      return;
    }
    const zones = inputs.availabilityZones ?? (inputs.region === "ap-northeast-1" ? ["a", "c"] : ["a", "b"]).map((z) => `${inputs.region}${z}`);
    const vpc = new Vpc(this, "vpc", { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: clusterName } });
    const igw = new InternetGateway(this, "igw", { vpcId: vpc.id, tags: { Name: clusterName } });
    const publicRoutes = new RouteTable(this, "public-routes", { vpcId: vpc.id, route: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }], tags: { Name: `${clusterName}-public` } });
    const publicSubnets = zones.map((zone, i) => {
      const subnet = new Subnet(this, `public-${i}`, {
        vpcId: vpc.id,
        cidrBlock: `10.0.${i}.0/24`,
        availabilityZone: zone,
        tags: { Name: `${clusterName}-public-${zone}`, "kubernetes.io/role/elb": "1" },
      });
      new RouteTableAssociation(this, `public-${i}-routes`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
      return subnet;
    });
    const natIp = new Eip(this, "nat-ip", { domain: "vpc", tags: { Name: `${clusterName}-nat` } });
    const nat = new NatGateway(this, "nat", { allocationId: natIp.id, subnetId: publicSubnets[0].id, tags: { Name: clusterName }, dependsOn: [igw] });
    const privateRoutes = new RouteTable(this, "private-routes", { vpcId: vpc.id, route: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }], tags: { Name: `${clusterName}-private` } });
    this.privateSubnetIds = zones.map((zone, i) => {
      const subnet = new Subnet(this, `private-${i}`, {
        vpcId: vpc.id,
        cidrBlock: `10.0.${(i + 1) * 16}.0/20`,
        availabilityZone: zone,
        tags: { Name: `${clusterName}-private-${zone}`, "kubernetes.io/role/internal-elb": "1" },
      });
      new RouteTableAssociation(this, `private-${i}-routes`, { subnetId: subnet.id, routeTableId: privateRoutes.id });
      return subnet.id;
    });
    this.vpcId = vpc.id;
  }
}

/** What every example stack has: the provider, the network, and a cluster with the pack's defaults. */
abstract class ExampleStack extends TerraformStack {
  readonly inputs: ExampleInputs;
  readonly network: ExampleNetwork;
  readonly clusterName: string;

  constructor(scope: Construct, id: string, inputs?: ExampleInputs) {
    super(scope, id);
    this.inputs = inputs ?? exampleInputs(this);
    this.clusterName = `example-${id}`;
    new AwsProvider(this, "aws", { region: this.inputs.region });
    this.network = new ExampleNetwork(this, "network", this.inputs, this.clusterName);
  }

  protected cluster(additionalSecurityGroupIds?: string[]): EksCluster {
    const cluster = new EksCluster(this, "cluster", {
      name: this.clusterName,
      subnetIds: this.network.privateSubnetIds,
      additionalSecurityGroupIds,
      publicAccessCidrs: this.inputs.publicAccessCidrs,
    });
    new TerraformOutput(this, "cluster_name", { value: cluster.resource.name });
    new TerraformOutput(this, "cluster_security_group_id", { value: cluster.clusterSecurityGroupId, description: "The SG EKS made: on the control-plane ENIs, Fargate pods and cluster-SG nodes" });
    new TerraformOutput(this, "kubeconfig", { value: `aws eks update-kubeconfig --region ${this.inputs.region} --name ${this.clusterName}` });
    return cluster;
  }

  /** Runs CoreDNS on Fargate: the EKS add-on, told that its pods go to a `kube-system` profile. */
  protected coreDnsOnFargate(cluster: EksCluster, profile: FargateProfile): EksAddon {
    return new EksAddon(this, "coredns", {
      clusterName: cluster.resource.name,
      addonName: "coredns",
      configurationValues: JSON.stringify({ computeType: "Fargate" }),
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      dependsOn: [profile.resource],
    });
  }
}

/**
 * Nodes on their own SG: an additional control-plane SG (admits a bastion's or CI runner's
 * "API clients" SG on 443), a `NodeSecurityGroup`, and a managed node group whose launch template
 * lists only the node SG — EKS drops the cluster SG from these nodes, so the node SG carries every
 * required rule and is the one tagged SG on them.
 */
export class Ec2NodeSgStack extends ExampleStack {
  constructor(scope: Construct, id: string, inputs?: ExampleInputs) {
    super(scope, id, inputs);
    const vpcId = this.network.vpcId;
    const apiClients = new SecurityGroup(this, "api-clients", {
      namePrefix: `${this.clusterName}-api-clients-`,
      description: "Attach to a bastion or CI runner that calls the Kubernetes API",
      vpcId,
      tags: { Name: `${this.clusterName}-api-clients` },
    });
    const controlPlane = new SecurityGroup(this, "control-plane", {
      namePrefix: `${this.clusterName}-control-plane-`,
      description: "Additional SG on the EKS control-plane ENIs: admits the API clients",
      vpcId,
      tags: { Name: `${this.clusterName}-control-plane` },
    });
    new VpcSecurityGroupIngressRule(this, "control-plane-in-https-from-api-clients", {
      securityGroupId: controlPlane.id,
      referencedSecurityGroupId: apiClients.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "Kubernetes API from the API clients",
    });
    new VpcSecurityGroupEgressRule(this, "api-clients-out-https-to-control-plane", {
      securityGroupId: apiClients.id,
      referencedSecurityGroupId: controlPlane.id,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "API clients to the Kubernetes API",
    });

    const cluster = this.cluster([controlPlane.id]);
    const nodes = new NodeSecurityGroup(this, "nodes", { cluster, vpcId });
    const workers = new ManagedNodeGroup(this, "workers", {
      cluster,
      securityGroups: { kind: "node-sg", nodeSecurityGroup: nodes },
      subnetIds: this.network.privateSubnetIds,
      ssh: this.inputs.sshKeyName ? { keyName: this.inputs.sshKeyName, sourceSecurityGroupIds: [apiClients.id], vpcId } : undefined,
    });
    if (workers.sshSecurityGroup) {
      new VpcSecurityGroupEgressRule(this, "api-clients-out-ssh-to-nodes", {
        securityGroupId: apiClients.id,
        referencedSecurityGroupId: workers.sshSecurityGroup.id,
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        description: "API clients (bastion) to the nodes' SSH",
      });
    }
  }
}

/** Nodes on the cluster SG: the launch template lists no SG, so EKS attaches the cluster SG. */
export class Ec2ClusterSgStack extends ExampleStack {
  constructor(scope: Construct, id: string, inputs?: ExampleInputs) {
    super(scope, id, inputs);
    const cluster = this.cluster();
    new ManagedNodeGroup(this, "workers", { cluster, securityGroups: { kind: "cluster-sg" }, subnetIds: this.network.privateSubnetIds });
  }
}

/** Fargate only: every pod carries the cluster SG; CoreDNS runs on the `kube-system` profile. */
export class FargateStack extends ExampleStack {
  constructor(scope: Construct, id: string, inputs?: ExampleInputs) {
    super(scope, id, inputs);
    const cluster = this.cluster();
    const system = new FargateProfile(this, "kube-system", { cluster, selectors: [{ namespace: "kube-system" }], subnetIds: this.network.privateSubnetIds });
    new FargateProfile(this, "apps", { cluster, selectors: [{ namespace: "default" }, { namespace: "apps" }], subnetIds: this.network.privateSubnetIds });
    this.coreDnsOnFargate(cluster, system);
  }
}

/**
 * EC2 nodes on their own node SG, CoreDNS on Fargate (cluster SG): the node SG admits the cluster
 * SG on DNS and the cluster SG admits the node SG on DNS and high ports, so lookups work both ways.
 */
export class MixedStack extends ExampleStack {
  constructor(scope: Construct, id: string, inputs?: ExampleInputs) {
    super(scope, id, inputs);
    const cluster = this.cluster();
    const nodes = new NodeSecurityGroup(this, "nodes", { cluster, vpcId: this.network.vpcId });
    new ManagedNodeGroup(this, "apps", { cluster, securityGroups: { kind: "node-sg", nodeSecurityGroup: nodes }, subnetIds: this.network.privateSubnetIds });
    const system = new FargateProfile(this, "kube-system", { cluster, selectors: [{ namespace: "kube-system" }], subnetIds: this.network.privateSubnetIds });
    this.coreDnsOnFargate(cluster, system);
  }
}

/** The example stacks by name, as `npm start` and the fixtures build them. */
export const EXAMPLE_STACKS = {
  "ec2-node-sg": Ec2NodeSgStack,
  "ec2-cluster-sg": Ec2ClusterSgStack,
  fargate: FargateStack,
  mixed: MixedStack,
} as const;

/** Adds every example stack to an app. */
export function addExampleStacks(app: Construct, inputs?: ExampleInputs): TerraformStack[] {
  return Object.entries(EXAMPLE_STACKS).map(([name, Stack]) => new Stack(app, name, inputs));
}

if (require.main === module) {
  const app = new App({ outdir: "cdktf.out" });
  addExampleStacks(app);
  // The synth-time gate: an error finding stops `cdktf synth` (and so `cdktf deploy`).
  EksPolicyGate.of(app);
  app.synth();
}
