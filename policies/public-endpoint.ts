import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { isWholeInternetText } from "../checker/eks/cidr";
import { firstBlock, isUnknown } from "../checker/model/value";

export default definePolicy({
  meta: {
    id: "public-endpoint",
    severity: "error",
    title: "The cluster API endpoint is private, or public only to listed CIDRs that are not the whole internet",
    rationale:
      "EKS opens a public endpoint to 0.0.0.0/0 unless public_access_cidrs says otherwise; anyone on the internet can then reach the Kubernetes API and try credentials against it.",
    messages: {
      "open-by-default":
        "endpoint_public_access is unset or true and public_access_cidrs is not set, so AWS opens the API endpoint to 0.0.0.0/0",
      "open-to-world": "the API endpoint is public to {{open}}, the whole internet",
      "vpc-config-unknown": "vpc_config is not known before apply ({{unknown}})",
      "access-unknown": "endpoint_public_access is decided at apply time ({{unknown}}); the endpoint may be public",
      "cidrs-unknown": "the endpoint is public and public_access_cidrs is decided at apply time ({{unknown}}); check that it cannot be 0.0.0.0/0",
      "cidr-entry-unknown": "the endpoint is public and a public_access_cidrs entry is decided at apply time ({{unknown}})",
      "cidrs-shape": "public_access_cidrs has an unexpected shape: {{value}}",
    },
    fixes: {
      "open-by-default": "set endpoint_public_access = false, or list the CIDRs that may reach it",
      "open-to-world": "list only the CIDRs that need it, or set endpoint_public_access = false",
    },
  },
  check({ world, show }) {
    return world.ofType("aws_eks_cluster").map((cluster): PolicyResult => {
      const address = cluster.address;
      const vpc = firstBlock(world.values(cluster), "vpc_config");
      if (isUnknown(vpc)) return { address, status: "unknown", messageId: "vpc-config-unknown", data: { unknown: vpc.describe() } };
      const isPublic = vpc?.endpoint_public_access;
      if (isPublic === false) return { address, status: "pass", data: { public: false } };
      if (isUnknown(isPublic) && isPublic.origin !== "computed") return { address, status: "unknown", messageId: "access-unknown", data: { unknown: isPublic.describe() } };
      const cidrs = vpc?.public_access_cidrs;
      if (cidrs === undefined || cidrs === null || (Array.isArray(cidrs) && cidrs.length === 0)) return { address, status: "fail", messageId: "open-by-default" };
      if (isUnknown(cidrs)) {
        if (cidrs.origin === "computed") return { address, status: "fail", messageId: "open-by-default" };
        return { address, status: "unknown", messageId: "cidrs-unknown", data: { unknown: cidrs.describe() } };
      }
      const at = ["vpc_config", 0, "public_access_cidrs"];
      if (!Array.isArray(cidrs)) return { address, status: "unknown", messageId: "cidrs-shape", data: { value: show(cluster, at, cidrs) } };
      const open = cidrs.filter((c) => typeof c === "string" && isWholeInternetText(c));
      if (open.length > 0) return { address, status: "fail", messageId: "open-to-world", data: { open: show(cluster, at, open) } };
      const unknownCidr = cidrs.find(isUnknown);
      if (unknownCidr) return { address, status: "unknown", messageId: "cidr-entry-unknown", data: { unknown: unknownCidr.describe() } };
      return { address, status: "pass", data: { public: true } };
    });
  },
});
