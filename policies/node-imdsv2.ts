import { definePolicy, renderTemplate } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import type { ResourceInstance } from "../checker/model/resource-instance";
import { firstBlock, isUnknown } from "../checker/model/value";
import { addToList } from "../checker/model/add-to-list";

export interface Options {
  /** The highest `http_put_response_hop_limit` allowed: 1 keeps pods off the node role, 2 lets containers use IMDSv2. */
  readonly maxHopLimit: number;
}

const messages = {
  "no-metadata-options":
    "nodes of {{users}} start without metadata_options, so IMDSv1 stays on",
  weak: "used by {{users}}: {{problems}}",
  "tokens-optional": 'http_tokens is {{tokens}}, so IMDSv1 is allowed; set http_tokens = "required"',
  "hop-limit-high": "http_put_response_hop_limit is {{hopLimit}}, above {{maxHopLimit}}, so pods can reach the node's credentials through extra hops; lower it to {{maxHopLimit}}",
  "template-unknown": "cannot tell which launch template the nodes use, so IMDS settings cannot be checked ({{unknown}})",
  "metadata-unknown": "metadata_options is decided at apply time ({{unknown}})",
  "setting-unknown": "used by {{users}}: {{unknown}}",
};

export default definePolicy<Options>({
  meta: {
    id: "node-imdsv2",
    severity: "error",
    title: "Launch templates of EKS nodes (and node instances started without one) require IMDSv2 and keep the metadata hop limit low",
    rationale: "With IMDSv1 or a high hop limit, any pod can read the node's instance-role credentials from the metadata service and act with the node's permissions.",
    messages,
    fixes: {
      "no-metadata-options": 'set metadata_options { http_tokens = "required", http_put_response_hop_limit = {{suggestedHopLimit}} }',
    },
    optionsSchema: {
      type: "object",
      properties: { maxHopLimit: { type: "integer", minimum: 1, maximum: 64 } },
      additionalProperties: false,
    },
    defaultOptions: { maxHopLimit: 2 },
  },
  check({ topology, world, options, show }) {
    const results: PolicyResult[] = [];
    const usersByTemplate = new Map<ResourceInstance, string[]>();
    for (const use of topology.launchTemplateUses) {
      if (use.templates.length === 0 && use.unknown) {
        results.push({ address: use.user.address, status: "unknown", messageId: "template-unknown", data: { unknown: use.unknown }, key: "launch-template" });
      }
      for (const template of use.templates) addToList(usersByTemplate, template, use.user.address);
    }
    // A node instance started without a launch template has its own metadata_options, of the same shape.
    for (const node of topology.clusters.flatMap((c) => c.nodes)) {
      const instance = world.get(node.address);
      if (instance?.type === "aws_instance" && node.launchTemplates.length === 0 && !usersByTemplate.has(instance)) usersByTemplate.set(instance, [instance.address]);
    }
    for (const [template, users] of usersByTemplate) {
      const address = template.address;
      const related = users;
      const metadata = firstBlock(world.values(template), "metadata_options");
      if (isUnknown(metadata) && metadata.origin !== "computed") {
        results.push({ address, status: "unknown", messageId: "metadata-unknown", data: { unknown: metadata.describe() }, related });
        continue;
      }
      if (metadata === undefined || isUnknown(metadata)) {
        results.push({ address, status: "fail", messageId: "no-metadata-options", data: { users, suggestedHopLimit: Math.min(2, options.maxHopLimit) }, related });
        continue;
      }
      if (metadata.http_endpoint === "disabled") {
        results.push({ address, status: "pass", data: { endpoint: "disabled" }, related });
        continue;
      }
      // Each problem is worded by its own template; the result joins them.
      const problems: string[] = [];
      const facts: Record<string, string | number | boolean> = {};
      let undecided: string | undefined;
      const tokens = metadata.http_tokens;
      if (isUnknown(tokens) && tokens.origin !== "computed") undecided = `http_tokens: ${tokens.describe()}`;
      else if (tokens !== "required") {
        facts.tokens = isUnknown(tokens) ? "not set" : show(template, ["metadata_options", 0, "http_tokens"], tokens);
        facts.imdsv1Allowed = true;
        problems.push(renderTemplate(messages["tokens-optional"], facts, "tokens-optional"));
      }
      const hops = metadata.http_put_response_hop_limit;
      if (isUnknown(hops) && hops.origin !== "computed") undecided = `http_put_response_hop_limit: ${hops.describe()}`;
      else if (typeof hops === "number" && hops > options.maxHopLimit) {
        facts.hopLimit = show(template, ["metadata_options", 0, "http_put_response_hop_limit"], hops);
        facts.maxHopLimit = options.maxHopLimit;
        problems.push(renderTemplate(messages["hop-limit-high"], facts, "hop-limit-high"));
      }
      if (problems.length > 0) results.push({ address, status: "fail", messageId: "weak", data: { users, problems: problems.join("; "), ...facts }, related });
      else if (undecided) results.push({ address, status: "unknown", messageId: "setting-unknown", data: { users, unknown: undecided }, related });
      else results.push({ address, status: "pass", related });
    }
    return results;
  },
});
