import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { firstBlock, isObject, isUnknown } from "../checker/model/value";

export const meta: PolicyMeta = {
  id: "secrets-encryption",
  severity: "warning",
  title: "Kubernetes secrets are envelope-encrypted with a customer-managed KMS key",
  rationale:
    "With encryption_config for secrets and a key you control, reading secrets from etcd backups needs your key, and you can audit and revoke its use; EKS's default encryption uses a key you cannot manage.",
  resourceTypes: ["aws_eks_cluster"],
};

const AWS_MANAGED_KEY = /(^|:)alias\/aws\//;

export function check({ world, show }: PolicyContext): CheckResult[] {
  return world.ofType("aws_eks_cluster").map((cluster): CheckResult => {
    const address = cluster.address;
    const configs = world.read(cluster, ["encryption_config"]);
    if (isUnknown(configs)) return { address, status: "unknown", message: `encryption_config is decided at apply time (${configs.describe()})` };
    const blocks = Array.isArray(configs) ? configs : [];
    let undecided: string | undefined;
    for (const [index, block] of blocks.entries()) {
      if (isUnknown(block)) {
        undecided = block.describe();
        continue;
      }
      if (!isObject(block)) continue;
      const resources = block.resources;
      if (isUnknown(resources)) {
        undecided = `encryption_config resources: ${resources.describe()}`;
        continue;
      }
      if (!Array.isArray(resources) || !resources.includes("secrets")) continue;
      const provider = firstBlock(block, "provider");
      const key = isUnknown(provider) ? provider : provider?.key_arn;
      if (typeof key === "string" && AWS_MANAGED_KEY.test(key)) {
        return {
          address,
          status: "fail",
          message: `secrets are encrypted with the AWS-managed key ${show(cluster, ["encryption_config", index, "provider", 0, "key_arn"], key)}; use a customer-managed aws_kms_key`,
        };
      }
      if ((typeof key === "string" && key !== "") || (isUnknown(key) && key.origin !== "computed")) {
        return { address, status: "pass", message: "secrets are encrypted with a KMS key" };
      }
    }
    if (undecided) return { address, status: "unknown", message: `whether secrets are encrypted is decided at apply time (${undecided})` };
    return {
      address,
      status: "fail",
      message: 'no encryption_config encrypts "secrets" with a customer-managed KMS key; add encryption_config { resources = ["secrets"], provider { key_arn = aws_kms_key.<name>.arn } }',
    };
  });
}
