import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { firstBlock, isObject, isUnknown } from "../checker/model/value";

const AWS_MANAGED_KEY = /(^|:)alias\/aws\//;

export default definePolicy({
  meta: {
    id: "secrets-encryption",
    severity: "warning",
    title: "Kubernetes secrets are envelope-encrypted with a customer-managed KMS key",
    rationale:
      "With encryption_config for secrets and a key you control, reading secrets from etcd backups needs your key, and you can audit and revoke its use; EKS's default encryption uses a key you cannot manage.",
    messages: {
      "aws-managed-key": "secrets are encrypted with the AWS-managed key {{key}}",
      "not-encrypted": 'no encryption_config encrypts "secrets" with a customer-managed KMS key',
      "config-unknown": "encryption_config is decided at apply time ({{unknown}})",
      "secrets-unknown": "whether secrets are encrypted is decided at apply time ({{unknown}})",
    },
    fixes: {
      "not-encrypted": 'add encryption_config { resources = ["secrets"], provider { key_arn = aws_kms_key.<name>.arn } }',
      "aws-managed-key": "use a customer-managed aws_kms_key",
    },
  },
  check({ world, show }) {
    return world.ofType("aws_eks_cluster").map((cluster): PolicyResult => {
      const address = cluster.address;
      const configs = world.read(cluster, ["encryption_config"]);
      if (isUnknown(configs)) return { address, status: "unknown", messageId: "config-unknown", data: { unknown: configs.describe() } };
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
          return { address, status: "fail", messageId: "aws-managed-key", data: { key: show(cluster, ["encryption_config", index, "provider", 0, "key_arn"], key) } };
        }
        if ((typeof key === "string" && key !== "") || (isUnknown(key) && key.origin !== "computed")) return { address, status: "pass" };
      }
      if (undecided) return { address, status: "unknown", messageId: "secrets-unknown", data: { unknown: undecided } };
      return { address, status: "fail", messageId: "not-encrypted" };
    });
  },
});
