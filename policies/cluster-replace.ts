import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";

export const meta: PolicyMeta = {
  id: "cluster-replace",
  severity: "error",
  title: "The plan does not delete or replace an EKS cluster",
  rationale:
    "Replacing aws_eks_cluster destroys the control plane with everything in etcd — workloads, secrets, RBAC — and a new cluster SG id that every rule and node group must follow; it is rarely what a change meant to do.",
  resourceTypes: ["aws_eks_cluster"],
};

export function check({ graph }: PolicyContext): CheckResult[] {
  const results: CheckResult[] = [];
  for (const instance of graph.ofType("aws_eks_cluster")) {
    if (instance.mode !== "managed") continue;
    const address = instance.address;
    if (instance.action === "replace") {
      const paths = (instance.replacePaths ?? []).map((p) => p.join(".")).filter(Boolean);
      const because = paths.length > 0 ? `a change to ${paths.join(", ")} forces a new cluster` : (instance.actionReason ?? "the plan replaces it");
      results.push({ address, status: "fail", message: `the plan replaces this cluster (${because}): the control plane and everything in it are destroyed, and the cluster SG gets a new id; change the plan so the cluster is updated in place, or use lifecycle { prevent_destroy = true }` });
    } else if (instance.action === "delete") {
      results.push({ address, status: "fail", message: `the plan deletes this cluster (${instance.actionReason ?? "delete"}); if that is not intended, restore its configuration or use a moved block` });
    } else {
      results.push({ address, status: "pass", message: `action ${instance.action}` });
    }
  }
  return results;
}
