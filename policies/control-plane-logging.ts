import { definePolicy } from "../checker/policy";
import { isUnknown } from "../checker/model/value";

export interface Options {
  /** Log types that must be enabled. */
  readonly required: readonly string[];
}

const LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export default definePolicy<Options>({
  meta: {
    id: "control-plane-logging",
    severity: "warning",
    title: "Control-plane logs api and audit (or the types you require) are sent to CloudWatch",
    rationale: "EKS enables no control-plane log type by default; without the api and audit logs there is no record of who did what to the cluster.",
    messages: {
      missing: "control-plane logging lacks {{missing}}",
      "list-unknown": "enabled_cluster_log_types is decided at apply time ({{unknown}})",
      "entry-unknown": "a log type is decided at apply time ({{unknown}}); {{missing}} may be missing",
    },
    fixes: {
      "missing": "add {{pronoun}} to enabled_cluster_log_types so that calls to the Kubernetes API are recorded in CloudWatch",
    },
    optionsSchema: {
      type: "object",
      properties: { required: { type: "array", items: { enum: LOG_TYPES }, uniqueItems: true } },
      additionalProperties: false,
    },
    defaultOptions: { required: ["api", "audit"] },
  },
  check({ world, options }) {
    return world.ofType("aws_eks_cluster").map((cluster) => {
      const address = cluster.address;
      const enabled = world.read(cluster, ["enabled_cluster_log_types"]);
      if (isUnknown(enabled) && enabled.origin !== "computed") return { address, status: "unknown", messageId: "list-unknown", data: { unknown: enabled.describe() } };
      const list = Array.isArray(enabled) ? enabled : [];
      const missing = options.required.filter((type) => !list.includes(type));
      if (missing.length === 0) return { address, status: "pass" };
      const undecided = list.find(isUnknown);
      if (undecided) return { address, status: "unknown", messageId: "entry-unknown", data: { unknown: undecided.describe(), missing } };
      return { address, status: "fail", messageId: "missing", data: { missing, pronoun: missing.length > 1 ? "them" : "it" } };
    });
  },
});
