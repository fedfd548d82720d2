import type { CheckResult, PolicyContext, PolicyMeta } from "../checker/policy";
import { topologyOf } from "../checker/eks/topology";
import type { ResourceInstance } from "../checker/model/resource-instance";
import { firstBlock, isUnknown } from "../checker/model/value";

export interface Options {
  /** The highest `http_put_response_hop_limit` allowed: 1 keeps pods off the node role, 2 lets containers use IMDSv2. */
  readonly maxHopLimit: number;
}

export const meta: PolicyMeta<Options> = {
  id: "node-imdsv2",
  severity: "error",
  title: "Launch templates of EKS nodes require IMDSv2 and keep the metadata hop limit low",
  rationale:
    "With IMDSv1 or a high hop limit, any pod can read the node's instance-role credentials from the metadata service and act with the node's permissions.",
  resourceTypes: ["aws_launch_template", "aws_launch_configuration", "aws_eks_node_group", "aws_autoscaling_group"],
  optionsSchema: {
    type: "object",
    properties: { maxHopLimit: { type: "integer", minimum: 1, maximum: 64 } },
    additionalProperties: false,
  },
  defaultOptions: { maxHopLimit: 2 },
};

export function check({ graph, world, options, show }: PolicyContext<Options>): CheckResult[] {
  const results: CheckResult[] = [];
  const usersByTemplate = new Map<ResourceInstance, string[]>();
  // The topology already found them; it is built once per plan and shared by the policies.
  for (const use of topologyOf(graph).launchTemplateUses) {
    if (use.templates.length === 0 && use.unknown) {
      results.push({
        address: use.user.address,
        status: "unknown",
        message: `cannot tell which launch template the nodes use, so IMDS settings cannot be checked (${use.unknown})`,
        key: "launch-template",
      });
    }
    for (const template of use.templates) usersByTemplate.set(template, [...(usersByTemplate.get(template) ?? []), use.user.address]);
  }
  for (const [template, users] of usersByTemplate) {
    const address = template.address;
    const related = users;
    const metadata = firstBlock(world.values(template), "metadata_options");
    if (isUnknown(metadata) && metadata.origin !== "computed") {
      results.push({ address, status: "unknown", message: `metadata_options is decided at apply time (${metadata.describe()})`, related });
      continue;
    }
    if (metadata === undefined || isUnknown(metadata)) {
      results.push({ address, status: "fail", message: `nodes of ${users.join(", ")} start without metadata_options, so IMDSv1 stays on; set metadata_options { http_tokens = "required", http_put_response_hop_limit = ${Math.min(2, options.maxHopLimit)} }`, related });
      continue;
    }
    if (metadata.http_endpoint === "disabled") {
      results.push({ address, status: "pass", message: "the metadata service is disabled", related });
      continue;
    }
    const problems: string[] = [];
    let undecided: string | undefined;
    const tokens = metadata.http_tokens;
    if (isUnknown(tokens) && tokens.origin !== "computed") undecided = `http_tokens: ${tokens.describe()}`;
    else if (tokens !== "required") problems.push(`http_tokens is ${isUnknown(tokens) ? "not set" : show(template, ["metadata_options", 0, "http_tokens"], tokens)}, so IMDSv1 is allowed; set http_tokens = "required"`);
    const hops = metadata.http_put_response_hop_limit;
    if (isUnknown(hops) && hops.origin !== "computed") undecided = `http_put_response_hop_limit: ${hops.describe()}`;
    else if (typeof hops === "number" && hops > options.maxHopLimit) {
      problems.push(`http_put_response_hop_limit is ${show(template, ["metadata_options", 0, "http_put_response_hop_limit"], hops)}, above ${options.maxHopLimit}, so pods can reach the node's credentials through extra hops; lower it to ${options.maxHopLimit}`);
    }
    if (problems.length > 0) results.push({ address, status: "fail", message: `used by ${users.join(", ")}: ${problems.join("; ")}`, related });
    else if (undecided) results.push({ address, status: "unknown", message: `used by ${users.join(", ")}: ${undecided}`, related });
    else results.push({ address, status: "pass", message: "IMDSv2 required", related });
  }
  return results;
}
