import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";

export default definePolicy({
  meta: {
    id: "cluster-replace",
    severity: "error",
    title: "The plan does not delete or replace an EKS cluster",
    rationale:
      "Replacing aws_eks_cluster destroys the control plane with everything in etcd — workloads, secrets, RBAC — and a new cluster SG id that every rule and node group must follow; it is rarely what a change meant to do.",
    messages: {
      replaced:
        "the plan replaces this cluster ({{because}}): the control plane and everything in it are destroyed, and the cluster SG gets a new id",
      deleted: "the plan deletes this cluster ({{because}})",
    },
    fixes: {
      "replaced": "change the plan so the cluster is updated in place, or use lifecycle { prevent_destroy = true }",
      "deleted": "if that is not intended, restore its configuration or use a moved block",
    },
  },
  check({ graph }) {
    const results: PolicyResult[] = [];
    for (const instance of graph.ofType("aws_eks_cluster")) {
      if (instance.mode !== "managed") continue;
      const address = instance.address;
      if (instance.action === "replace") {
        const forcedBy = (instance.replacePaths ?? []).map((p) => p.join(".")).filter(Boolean);
        const because = forcedBy.length > 0 ? `a change to ${forcedBy.join(", ")} forces a new cluster` : (instance.actionReason ?? "the plan replaces it");
        results.push({ address, status: "fail", messageId: "replaced", data: { action: "replace", because, forcedBy } });
      } else if (instance.action === "delete") {
        results.push({ address, status: "fail", messageId: "deleted", data: { action: "delete", because: instance.actionReason ?? "delete" } });
      } else {
        results.push({ address, status: "pass", data: { action: instance.action } });
      }
    }
    return results;
  },
});
