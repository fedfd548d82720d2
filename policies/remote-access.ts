import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { firstBlock, isUnknown } from "../checker/model/value";

export const meta: PolicyMeta = {
  id: "remote-access",
  severity: "error",
  title: "Managed node groups use remote_access only without a launch template, and only from given security groups",
  rationale:
    "The EKS API rejects remote_access together with a launch template, so the apply fails after the cluster is made; and remote_access with an SSH key but no source_security_group_ids opens port 22 to 0.0.0.0/0.",
  resourceTypes: ["aws_eks_node_group"],
};

export function check({ world, show }: PolicyContext): CheckResult[] {
  const results: CheckResult[] = [];
  for (const group of world.ofType("aws_eks_node_group")) {
    const address = group.address;
    const values = world.values(group);
    const remote = firstBlock(values, "remote_access");
    if (remote === undefined) {
      results.push({ address, status: "pass", message: "no remote_access" });
      continue;
    }
    if (isUnknown(remote)) {
      results.push({ address, status: "unknown", message: `remote_access is decided at apply time (${remote.describe()})` });
      continue;
    }
    if (firstBlock(values, "launch_template") !== undefined) {
      results.push({
        address,
        status: "fail",
        message:
          "remote_access is set together with launch_template, which the EKS API rejects when the node group is created; put the SSH key (key_name) and an SG that allows port 22 from your bastion into the launch template instead",
      });
      continue;
    }
    const key = remote.ec2_ssh_key;
    const sources = remote.source_security_group_ids;
    if (key === undefined || key === null || key === "") {
      results.push({ address, status: "pass", message: "remote_access without an SSH key" });
    } else if (isUnknown(sources) && sources.origin !== "computed") {
      results.push(
        sources.refs.length > 0 && sources.unresolved.length === 0
          ? { address, status: "pass", message: "SSH is limited to source security groups made in this plan" }
          : { address, status: "unknown", message: `source_security_group_ids is decided at apply time (${sources.describe()}); without sources SSH is open to 0.0.0.0/0` },
      );
    } else if (!Array.isArray(sources) || sources.length === 0) {
      results.push({
        address,
        status: "fail",
        message: `remote_access gives SSH key ${show(group, ["remote_access", 0, "ec2_ssh_key"], key)} but no source_security_group_ids, so EKS opens port 22 to 0.0.0.0/0; list the security groups allowed to SSH, or use SSM Session Manager`,
      });
    } else {
      results.push({ address, status: "pass", message: "SSH is limited to source security groups" });
    }
  }
  return results;
}
