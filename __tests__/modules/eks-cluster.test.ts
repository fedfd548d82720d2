/** EksCluster: safe defaults, given role and key, endpoint options, cluster SG rules, and the combinations it refuses. */
import { App } from "cdktf";
import { EksSgConfigError } from "../../modules";
import { BASTION_SG, check, clusterSgRef, lines, only, refOf, resources, rulesOn, SUBNETS, synthJson, TestStack } from "./synth-check";

describe("EksCluster", () => {
  const app = new App({ stackTraces: false });
  let n = 0;
  const stack = () => new TestStack(app, `cluster-${++n}`);

  test("defaults: private endpoint, api/audit/authenticator logs, secrets encrypted with a key and role it makes; the pack finds nothing", () => {
    const s = stack();
    const cluster = s.cluster();
    const json = synthJson(s);
    const resource = only(resources(json, "aws_eks_cluster"));
    expect(resource.vpc_config).toEqual({ endpoint_private_access: true, endpoint_public_access: false, subnet_ids: SUBNETS });
    expect(resource.enabled_cluster_log_types).toEqual(["api", "audit", "authenticator"]);
    expect(resource.encryption_config).toEqual({ provider: { key_arn: refOf(cluster.secretsKey!, "arn") }, resources: ["secrets"] });
    expect(only(resources(json, "aws_kms_key")).enable_key_rotation).toBe(true);
    expect(Object.values(resources(json, "aws_iam_role_policy_attachment")).map((a) => a.policy_arn)).toEqual(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
    // The cluster role may use the key it encrypts secrets with.
    expect(String(only(resources(json, "aws_iam_role_policy")).policy)).toContain("kms:Decrypt");
    expect(cluster.clusterSecurityGroupId).toMatch(/^\$\{TfToken/);
    expect(lines(check(s).findings)).toEqual([]);
  });

  test("a given role ARN and KMS key: nothing made for them; the pack finds nothing", () => {
    const s = stack();
    s.cluster({ roleArn: "arn:aws:iam::111122223333:role/eks", secretsKeyArn: "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" });
    const json = synthJson(s);
    expect(resources(json, "aws_iam_role")).toEqual({});
    expect(resources(json, "aws_kms_key")).toEqual({});
    const resource = only(resources(json, "aws_eks_cluster"));
    expect(resource.role_arn).toBe("arn:aws:iam::111122223333:role/eks");
    expect(resource.depends_on).toBeUndefined();
    expect(lines(check(s).findings)).toEqual([]);
  });

  test("public endpoint only to listed CIDRs, private endpoint still on; additional SGs go to vpc_config", () => {
    const s = stack();
    s.cluster({ publicAccessCidrs: ["203.0.113.0/24"], additionalSecurityGroupIds: [BASTION_SG], logTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"] });
    const resource = only(resources(synthJson(s), "aws_eks_cluster"));
    expect(resource.vpc_config).toEqual({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ["203.0.113.0/24"],
      security_group_ids: [BASTION_SG],
      subnet_ids: SUBNETS,
    });
    expect(lines(check(s).findings)).toEqual([]);
  });

  test("allowApiAccessFrom and addClusterSecurityGroupIngress add rule resources on the cluster SG", () => {
    const s = stack();
    const cluster = s.cluster();
    cluster.allowApiAccessFrom("bastion", { securityGroupId: BASTION_SG });
    cluster.allowApiAccessFrom("vpn", { cidrIpv4: "10.20.0.0/16" });
    const json = synthJson(s);
    expect(rulesOn(json, clusterSgRef(cluster))).toEqual(["ingress tcp 443-443 10.20.0.0/16", `ingress tcp 443-443 ${BASTION_SG}`]);
    expect(lines(check(s).findings)).toEqual([]);
  });

  describe.each([
    ["a public endpoint without CIDRs", { endpointPublicAccess: true }, /AWS then opens the Kubernetes API to 0\.0\.0\.0\/0.*Fix: list the CIDRs/],
    ["an empty CIDR list", { publicAccessCidrs: [] }, /without publicAccessCidrs/],
    ["0.0.0.0/0 in the CIDRs", { publicAccessCidrs: ["10.0.0.0/8", "0.0.0.0/0"] }, /publicAccessCidrs contains 0\.0\.0\.0\/0.*whole internet/],
    ["::/0 in the CIDRs", { publicAccessCidrs: ["::/0"] }, /publicAccessCidrs contains ::\/0/],
    ["CIDRs with the public endpoint off", { endpointPublicAccess: false, publicAccessCidrs: ["203.0.113.0/24"] }, /would be ignored.*Fix: drop publicAccessCidrs/],
    ["a malformed CIDR", { publicAccessCidrs: ["203.0.113.0"] }, /"203\.0\.113\.0" is not a CIDR/],
    ["logs without audit", { logTypes: ["api" as const] }, /logTypes lacks audit.*Fix: keep api and audit/],
    ["a single subnet", { subnetIds: ["subnet-0a1b2c3d4e5f60718"] }, /at least two Availability Zones/],
  ])("refuses %s", (_, props, message) => {
    test("with a message that says what to do", () => {
      const s = stack();
      expect(() => s.cluster(props)).toThrow(EksSgConfigError);
      expect(() => new TestStack(app, `refused-${++n}`).cluster(props)).toThrow(message);
    });
  });

  test("refuses cluster SG ingress from the whole internet", () => {
    const cluster = stack().cluster();
    expect(() => cluster.allowApiAccessFrom("world", { cidrIpv4: "0.0.0.0/0" })).toThrow(/cluster SG rule "world" admits 0\.0\.0\.0\/0, the whole internet.*Fix: admit only/);
    expect(() => cluster.addClusterSecurityGroupIngress("nodeports", { peer: { cidrIpv6: "::/0" }, protocol: "tcp", fromPort: 30000, toPort: 32767 })).toThrow(/admits ::\/0/);
    expect(() => cluster.addClusterSecurityGroupIngress("bad-ports", { peer: { securityGroupId: BASTION_SG }, protocol: "tcp", fromPort: 9443, toPort: 443 })).toThrow(/not a range/);
  });

  test("error messages carry the construct path", () => {
    expect(() => new TestStack(app, "named").cluster({ endpointPublicAccess: true })).toThrow(/^\[named\/cluster\] /);
  });
});
