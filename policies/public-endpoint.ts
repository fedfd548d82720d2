import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { firstBlock, isUnknown } from "../checker/model/value";

export const meta: PolicyMeta = {
  id: "public-endpoint",
  severity: "error",
  title: "The cluster API endpoint is private, or public only to listed CIDRs that are not the whole internet",
  rationale:
    "EKS opens a public endpoint to 0.0.0.0/0 unless public_access_cidrs says otherwise; anyone on the internet can then reach the Kubernetes API and try credentials against it.",
  resourceTypes: ["aws_eks_cluster"],
};

const WORLD = new Set(["0.0.0.0/0", "::/0"]);

export function check({ world, show }: PolicyContext): CheckResult[] {
  return world.ofType("aws_eks_cluster").map((cluster): CheckResult => {
    const address = cluster.address;
    const vpc = firstBlock(world.values(cluster), "vpc_config");
    if (isUnknown(vpc)) return { address, status: "unknown", message: `vpc_config is not known before apply (${vpc.describe()})` };
    const isPublic = vpc?.endpoint_public_access;
    if (isPublic === false) return { address, status: "pass", message: "endpoint_public_access is false" };
    if (isUnknown(isPublic) && isPublic.origin !== "computed") {
      return { address, status: "unknown", message: `endpoint_public_access is decided at apply time (${isPublic.describe()}); the endpoint may be public` };
    }
    const cidrs = vpc?.public_access_cidrs;
    const unset = "endpoint_public_access is unset or true and public_access_cidrs is not set, so AWS opens the API endpoint to 0.0.0.0/0; set endpoint_public_access = false, or list the CIDRs that may reach it";
    if (cidrs === undefined || cidrs === null || (Array.isArray(cidrs) && cidrs.length === 0)) return { address, status: "fail", message: unset };
    if (isUnknown(cidrs)) {
      if (cidrs.origin === "computed") return { address, status: "fail", message: unset };
      return { address, status: "unknown", message: `the endpoint is public and public_access_cidrs is decided at apply time (${cidrs.describe()}); check that it cannot be 0.0.0.0/0` };
    }
    if (!Array.isArray(cidrs)) return { address, status: "unknown", message: `public_access_cidrs has an unexpected shape: ${show(cluster, ["vpc_config", 0, "public_access_cidrs"], cidrs)}` };
    const open = cidrs.filter((c) => typeof c === "string" && WORLD.has(c));
    if (open.length > 0) {
      return {
        address,
        status: "fail",
        message: `the API endpoint is public to ${show(cluster, ["vpc_config", 0, "public_access_cidrs"], open)}, the whole internet; list only the CIDRs that need it, or set endpoint_public_access = false`,
      };
    }
    const unknownCidr = cidrs.find(isUnknown);
    if (unknownCidr) {
      return { address, status: "unknown", message: `the endpoint is public and a public_access_cidrs entry is decided at apply time (${unknownCidr.describe()})` };
    }
    return { address, status: "pass", message: "public access is limited to listed CIDRs" };
  });
}
