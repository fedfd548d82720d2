import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { isUnknown } from "../checker/model/value";

export interface Options {
  /** Log types that must be enabled. */
  readonly required: readonly string[];
}

const LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const meta: PolicyMeta<Options> = {
  id: "control-plane-logging",
  severity: "warning",
  title: "Control-plane logs api and audit (or the types you require) are sent to CloudWatch",
  rationale:
    "EKS enables no control-plane log type by default; without the api and audit logs there is no record of who did what to the cluster.",
  resourceTypes: ["aws_eks_cluster"],
  optionsSchema: {
    type: "object",
    properties: { required: { type: "array", items: { enum: LOG_TYPES }, uniqueItems: true } },
    additionalProperties: false,
  },
  defaultOptions: { required: ["api", "audit"] },
};

export function check({ world, options }: PolicyContext<Options>): CheckResult[] {
  return world.ofType("aws_eks_cluster").map((cluster): CheckResult => {
    const address = cluster.address;
    const enabled = world.read(cluster, ["enabled_cluster_log_types"]);
    if (isUnknown(enabled) && enabled.origin !== "computed") {
      return { address, status: "unknown", message: `enabled_cluster_log_types is decided at apply time (${enabled.describe()})` };
    }
    const list = Array.isArray(enabled) ? enabled : [];
    const missing = options.required.filter((type) => !list.includes(type));
    if (missing.length === 0) return { address, status: "pass", message: "required log types are enabled" };
    const undecided = list.find(isUnknown);
    if (undecided) return { address, status: "unknown", message: `a log type is decided at apply time (${undecided.describe()}); ${missing.join(", ")} may be missing` };
    return {
      address,
      status: "fail",
      message: `control-plane logging lacks ${missing.join(", ")}; add ${missing.length > 1 ? "them" : "it"} to enabled_cluster_log_types so that calls to the Kubernetes API are recorded in CloudWatch`,
    };
  });
}
