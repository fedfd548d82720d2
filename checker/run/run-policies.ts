/**
 * Runs the set-up policies over each modelled input and gathers a report. Each input's topology is
 * built once and shared by every policy (`Analysis`); each result's message is made once, from the
 * template it names and its facts.
 */
import { UsageError } from "../errors";
import { mapStrings, printable, printableDeep } from "../printable";
import { compareFindings, fingerprintOf, withUniqueFingerprints, type Finding, type Report, type ReportInput } from "../findings/report";
import { LABEL_SEPARATOR, type InputInfo, type ResourceGraph } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isChart } from "../eks/helm-values";
import { RAW_CHART } from "../eks/raw-charts";
import { Analysis, policyContext } from "../policy/context";
import type { Policy, PolicyResult, Severity } from "../policy/contract";
import { joinFix, MessageError, renderedMessageOf, type RenderedMessage } from "../policy/messages";
import type { PolicySetup } from "./settings";
import { toolVersion } from "./tool-version";

/** Which policies come from plugins, so that their failures are blamed on the plugin, not on us. */
export type PluginOf = (policy: Policy) => string | undefined;

function describeInput(input: InputInfo): ReportInput {
  const { path, kind, formatVersion, terraformVersion, stack, context, incomplete } = input;
  return {
    path,
    kind,
    ...(formatVersion ? { formatVersion } : {}),
    ...(terraformVersion ? { terraformVersion } : {}),
    ...(stack ? { stack } : {}),
    ...(context ? { context: true } : {}),
    ...(incomplete ? { incomplete: true } : {}),
  };
}

const MANIFEST_TYPES = new Set(["kubernetes_manifest", "kubectl_manifest"]);
const CLUSTER_TAG = "kubernetes.io/cluster/";

/** Whether an instance is something EKS-related that policies may judge: manifests count, and raw charts' releases (raw-charts.ts). */
function isEksResource(instance: ResourceInstance): boolean {
  if (instance.mode !== "managed") return false;
  if (instance.type.startsWith("aws_eks_") || MANIFEST_TYPES.has(instance.type)) return true;
  const values = (instance.after ?? instance.before) as { tags?: unknown; tags_all?: unknown; tag?: unknown; chart?: unknown } | null;
  if (instance.type === "helm_release") return isChart(values?.chart, RAW_CHART);
  if (instance.type !== "aws_security_group" && instance.type !== "aws_autoscaling_group" && instance.type !== "aws_instance") return false;
  return [values?.tags, values?.tags_all, values?.tag].some((tags) => JSON.stringify(tags ?? null).includes(CLUSTER_TAG));
}

/** How many EKS-related instances each input of a graph holds. */
function eksResourcesByInput(graph: ResourceGraph): Map<InputInfo, number> {
  const counts = new Map<InputInfo, number>();
  for (const instance of graph.instances.values()) {
    if (!isEksResource(instance)) continue;
    const { input } = graph.sourceOf(instance.address);
    counts.set(input, (counts.get(input) ?? 0) + 1);
  }
  return counts;
}

/** The inputs of a graph, as plugin errors name them. */
function inputsOf(graph: ResourceGraph): string {
  return graph.inputs.map((i) => i.path).join(", ");
}

/** In a joined world, a finding speaks of its own input's addresses without the input's label. */
function withoutOwnLabel<T>(value: T, label: string | undefined): T {
  if (label === undefined) return value;
  const prefix = `${label}${LABEL_SEPARATOR}`;
  return mapStrings(value, (text) => text.split(prefix).join(""), () => true) as T;
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
    throw pluginFailure(policy, plugin, inputsOf(analysis.graph), `threw ${JSON.stringify(text.split("\n")[0])}`);
  }
  if (!Array.isArray(results)) {
    if (plugin === undefined) throw new TypeError(`policy ${policy.meta.id} returned no array`);
    throw pluginFailure(policy, plugin, inputsOf(analysis.graph), "returned something other than an array of results");
  }
  for (const result of results) {
    if (isResult(result)) continue;
    if (plugin === undefined) throw new TypeError(`policy ${policy.meta.id} returned a malformed result`);
    throw pluginFailure(policy, plugin, inputsOf(analysis.graph), `returned ${JSON.stringify(result)?.slice(0, 80)}, which is not a result { address, status: "pass" | "fail" | "unknown", messageId, data }`);
  }
  return results;
}

function toFinding(policy: Policy, severity: Severity, result: PolicyResult, graph: ResourceGraph, { problem, fix }: RenderedMessage): Finding {
  const instance = graph.instances.get(result.address);
  const { input, address } = graph.sourceOf(result.address);
  // What leaves the checker never holds a value the model knows to be sensitive, and is one
  // printable line whatever the plan's names hold.
  const own = <T>(value: T): T => printableDeep(graph.redact(withoutOwnLabel(value, input.label)));
  return {
    policy: policy.meta.id,
    severity,
    status: result.status === "fail" ? "fail" : "unknown",
    address: printable(address),
    message: own(joinFix(problem, fix)),
    ...(fix !== undefined ? { fix: own(fix) } : {}),
    messageId: result.messageId!,
    data: own(result.data ?? {}),
    related: own([...(result.related ?? [])]),
    input: input.path,
    fingerprint: fingerprintOf(policy.meta.id, address, result.key === undefined ? undefined : own(result.key), input.stack),
    ...(instance?.constructPath ? { constructPath: printable(instance.constructPath) } : {}),
    ...(input.stack ? { stack: input.stack } : {}),
  };
}

export function runPolicies(graphs: readonly ResourceGraph[], setups: readonly PolicySetup[], pluginOf: PluginOf = () => undefined): Report {
  const findings: Finding[] = [];
  let checks = 0;
  let passed = 0;
  for (const graph of graphs) {
    const analysis = new Analysis(graph);
    const forgotten = new Set<string>();
    for (const instance of graph.instances.values()) if (instance.action === "forget") forgotten.add(instance.address);
    for (const setup of setups) {
      const { policy } = setup;
      for (const result of runOne(setup, analysis, pluginOf)) {
        // Context inputs, and objects the plan forgets (they stay in AWS, managed elsewhere from
        // now on), shape the topology; what is judged on them is not reported.
        if (graph.sourceOf(result.address).input.context === true || (forgotten.size > 0 && forgotten.has(result.address))) continue;
        checks += 1;
        if (result.status === "pass") {
          passed += 1;
          continue;
        }
        let message: RenderedMessage;
        try {
          message = renderedMessageOf(policy, result);
        } catch (error) {
          const plugin = pluginOf(policy);
          if (plugin === undefined || !(error instanceof MessageError)) throw error;
          throw pluginFailure(policy, plugin, inputsOf(graph), `has a message problem: ${error.message}`);
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
    inputs: graphs.flatMap((graph) => {
      const counts = eksResourcesByInput(graph);
      return graph.inputs.map((input) => ({ ...describeInput(input), eksResources: counts.get(input) ?? 0 }));
    }),
    findings: withUniqueFingerprints(findings),
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
