/**
 * Runs the set-up policies over each modelled input and gathers a report. Each input's topology is
 * built once and shared by every policy (`Analysis`); each result's message is made once, from the
 * template it names and its facts.
 */
import { UsageError } from "../errors";
import { compareFindings, fingerprintOf, type Finding, type Report, type ReportInput } from "../findings/report";
import type { ResourceGraph } from "../model/resource-graph";
import { Analysis, policyContext } from "../policy/context";
import type { Policy, PolicyResult, Severity } from "../policy/contract";
import { MessageError, messageOf } from "../policy/messages";
import type { PolicySetup } from "./settings";
import { toolVersion } from "./tool-version";

/** Which policies come from plugins, so that their failures are blamed on the plugin, not on us. */
export type PluginOf = (policy: Policy) => string | undefined;

function describeInput(graph: ResourceGraph): ReportInput {
  const { path, kind, formatVersion, terraformVersion, stack } = graph.input;
  return { path, kind, ...(formatVersion ? { formatVersion } : {}), ...(terraformVersion ? { terraformVersion } : {}), ...(stack ? { stack } : {}) };
}

const STATUSES = new Set(["pass", "fail", "unknown"]);

function isResult(value: unknown): value is PolicyResult {
  const r = value as PolicyResult | null;
  return r !== null && typeof r === "object" && typeof r.address === "string" && STATUSES.has(r.status);
}

/** A plugin's policy that throws or returns something malformed stops the run with one line naming it. */
function pluginFailure(policy: Policy, plugin: string, input: string, what: string): UsageError {
  return new UsageError(`policy ${policy.meta.id} (plugin ${plugin}) ${what} on ${input}; fix the plugin, or leave it out of --plugin / plugins`);
}

function runOne(setup: PolicySetup, analysis: Analysis, pluginOf: PluginOf): readonly PolicyResult[] {
  const { policy } = setup;
  const plugin = pluginOf(policy);
  let results: readonly PolicyResult[];
  try {
    results = policy.check(policyContext(analysis, setup.options));
  } catch (error) {
    if (plugin === undefined) throw error;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw pluginFailure(policy, plugin, analysis.graph.input.path, `threw ${JSON.stringify(text.split("\n")[0])}`);
  }
  if (!Array.isArray(results)) {
    if (plugin === undefined) throw new TypeError(`policy ${policy.meta.id} returned no array`);
    throw pluginFailure(policy, plugin, analysis.graph.input.path, "returned something other than an array of results");
  }
  for (const result of results) {
    if (isResult(result)) continue;
    if (plugin === undefined) throw new TypeError(`policy ${policy.meta.id} returned a malformed result`);
    throw pluginFailure(policy, plugin, analysis.graph.input.path, `returned ${JSON.stringify(result)?.slice(0, 80)}, which is not a result { address, status: "pass" | "fail" | "unknown", messageId, data }`);
  }
  return results;
}

function toFinding(policy: Policy, severity: Severity, result: PolicyResult, graph: ResourceGraph, message: string): Finding {
  const instance = graph.instances.get(result.address);
  return {
    policy: policy.meta.id,
    severity,
    status: result.status === "fail" ? "fail" : "unknown",
    address: result.address,
    message,
    messageId: result.messageId!,
    data: result.data ?? {},
    related: [...(result.related ?? [])],
    input: graph.input.path,
    fingerprint: fingerprintOf(policy.meta.id, result.address, result.key, graph.input.stack),
    ...(instance?.constructPath ? { constructPath: instance.constructPath } : {}),
    ...(graph.input.stack ? { stack: graph.input.stack } : {}),
  };
}

export function runPolicies(graphs: readonly ResourceGraph[], setups: readonly PolicySetup[], pluginOf: PluginOf = () => undefined): Report {
  const findings: Finding[] = [];
  let checks = 0;
  let passed = 0;
  for (const graph of graphs) {
    const analysis = new Analysis(graph);
    for (const setup of setups) {
      const { policy } = setup;
      for (const result of runOne(setup, analysis, pluginOf)) {
        checks += 1;
        if (result.status === "pass") {
          passed += 1;
          continue;
        }
        let message: string;
        try {
          message = messageOf(policy, result);
        } catch (error) {
          const plugin = pluginOf(policy);
          if (plugin === undefined || !(error instanceof MessageError)) throw error;
          throw pluginFailure(policy, plugin, graph.input.path, `has a message problem: ${error.message}`);
        }
        // Configuration wins over a result's own severity, which wins over the policy's.
        findings.push(toFinding(policy, setup.severity ?? result.severity ?? policy.meta.severity, result, graph, message));
      }
    }
  }
  findings.sort(compareFindings);
  return {
    schemaVersion: 1,
    tool: { name: "eks-sg-policy", version: toolVersion() },
    inputs: graphs.map(describeInput),
    findings,
    summary: {
      policies: setups.length,
      checks,
      passed,
      failed: findings.filter((f) => f.status === "fail").length,
      unknown: findings.filter((f) => f.status === "unknown").length,
      waived: 0,
    },
  };
}
