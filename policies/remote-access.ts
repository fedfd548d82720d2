import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { firstBlock, isUnknown } from "../checker/model/value";

export default definePolicy({
  meta: {
    id: "remote-access",
    severity: "error",
    title: "Managed node groups use remote_access only without a launch template, and only from given security groups",
    rationale:
      "The EKS API rejects remote_access together with a launch template, so the apply fails after the cluster is made; and remote_access with an SSH key but no source_security_group_ids opens port 22 to 0.0.0.0/0.",
    messages: {
      "with-launch-template":
        "remote_access is set together with launch_template, which the EKS API rejects when the node group is created",
      "ssh-from-anywhere":
        "remote_access gives SSH key {{key}} but no source_security_group_ids, so EKS opens port 22 to 0.0.0.0/0",
      "block-unknown": "remote_access is decided at apply time ({{unknown}})",
      "sources-unknown": "source_security_group_ids is decided at apply time ({{unknown}}); without sources SSH is open to 0.0.0.0/0",
    },
    fixes: {
      "with-launch-template": "put the SSH key (key_name) and an SG that allows port 22 from your bastion into the launch template instead",
      "ssh-from-anywhere": "list the security groups allowed to SSH, or use SSM Session Manager",
    },
  },
  check({ world, show }) {
    const results: PolicyResult[] = [];
    for (const group of world.ofType("aws_eks_node_group")) {
      const address = group.address;
      const values = world.values(group);
      const remote = firstBlock(values, "remote_access");
      if (remote === undefined) {
        results.push({ address, status: "pass", data: { remoteAccess: false } });
        continue;
      }
      if (isUnknown(remote)) {
        results.push({ address, status: "unknown", messageId: "block-unknown", data: { unknown: remote.describe() } });
        continue;
      }
      if (firstBlock(values, "launch_template") !== undefined) {
        results.push({ address, status: "fail", messageId: "with-launch-template" });
        continue;
      }
      const key = remote.ec2_ssh_key;
      const sources = remote.source_security_group_ids;
      if (key === undefined || key === null || key === "") {
        results.push({ address, status: "pass", data: { sshKey: false } });
      } else if (isUnknown(sources) && sources.origin !== "computed") {
        results.push(
          sources.refs.length > 0 && sources.unresolved.length === 0
            ? { address, status: "pass", data: { sources: "made in this plan" } }
            : { address, status: "unknown", messageId: "sources-unknown", data: { unknown: sources.describe() } },
        );
      } else if (!Array.isArray(sources) || sources.length === 0) {
        results.push({ address, status: "fail", messageId: "ssh-from-anywhere", data: { key: show(group, ["remote_access", 0, "ec2_ssh_key"], key) } });
      } else {
        results.push({ address, status: "pass", data: { sources: "listed" } });
      }
    }
    return results;
  },
});
