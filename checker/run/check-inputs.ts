/**
 * Runs the policies over each loaded input and gathers a report. Each input is parsed and modelled
 * once; policies read the shared model and its indexes.
 */
import { createHash } from "node:crypto";
import Ajv from "ajv";
import { UsageError } from "../errors";
import type { LoadedInput } from "../load/plan-document";
import { buildGraph, type ResourceGraph } from "../model/resource-graph";
import type { CheckResult, Policy, PolicyContext, Severity } from "../policy";
import type { Finding, Report, ReportInput } from "../report/report";
import { showValue } from "./show-value";
import { toolVersion } from "./tool-version";

export interface CheckOptions {
  /** The policies to run; the whole registry by default. */
  readonly policies?: readonly Policy[];
  /** Options per policy id, merged over each policy's defaults. */
  readonly policyOptions?: { readonly [policyId: string]: unknown };
  /** Severity per policy id, replacing the policy's own. */
  readonly severities?: { readonly [policyId: string]: Severity };
}

const ajv = new Ajv({ allErrors: true, useDefaults: false });

function resolveOptions(policy: Policy, given: unknown): unknown {
  const options = { ...(policy.meta.defaultOptions ?? {}), ...((given as object | undefined) ?? {}) };
  if (policy.meta.optionsSchema) {
    const validate = ajv.compile(policy.meta.optionsSchema);
    if (!validate(options)) {
      const error = validate.errors?.[0];
      throw new UsageError(`options of policy ${policy.meta.id}: ${error?.instancePath || "options"} ${error?.message ?? "are invalid"}`);
    }
  }
  return options;
}

export function fingerprintOf(policy: string, address: string, key: string | undefined, stack: string | undefined): string {
  return createHash("sha256")
    .update([policy, address, key ?? "", stack ?? ""].join("\u0000"))
    .digest("hex")
    .slice(0, 32);
}

function describeInput(graph: ResourceGraph): ReportInput {
  const { path, kind, formatVersion, terraformVersion, stack } = graph.input;
  return { path, kind, ...(formatVersion ? { formatVersion } : {}), ...(terraformVersion ? { terraformVersion } : {}), ...(stack ? { stack } : {}) };
}

export function checkGraphs(graphs: readonly ResourceGraph[], options: CheckOptions = {}, registry: readonly Policy[] = []): Report {
  const policies = options.policies ?? registry;
  const resolved = policies.map((policy) => ({ policy, options: resolveOptions(policy, options.policyOptions?.[policy.meta.id]) }));
  const findings: Finding[] = [];
  let checks = 0;
  let passed = 0;
  for (const graph of graphs) {
    for (const { policy, options: policyOptions } of resolved) {
      const context: PolicyContext<unknown> = {
        graph,
        world: graph.after,
        options: policyOptions,
        show: (instance, path, value) => showValue(instance, path, value),
      };
      // Configuration wins over a result's own severity, which wins over the policy's.
      const configured = options.severities?.[policy.meta.id];
      for (const result of policy.check(context)) {
        checks += 1;
        if (result.status === "pass") passed += 1;
        else findings.push(toFinding(policy, configured ?? result.severity ?? policy.meta.severity, result, graph));
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
      policies: policies.length,
      checks,
      passed,
      failed: findings.filter((f) => f.status === "fail").length,
      unknown: findings.filter((f) => f.status === "unknown").length,
      waived: findings.filter((f) => f.status === "waived").length,
    },
  };
}

function toFinding(policy: Policy, severity: Severity, result: CheckResult, graph: ResourceGraph): Finding {
  const instance = graph.instances.get(result.address);
  return {
    policy: policy.meta.id,
    severity,
    status: result.status === "fail" ? "fail" : "unknown",
    address: result.address,
    message: result.message,
    related: [...(result.related ?? [])],
    input: graph.input.path,
    fingerprint: fingerprintOf(policy.meta.id, result.address, result.key, graph.input.stack),
    ...(instance?.constructPath ? { constructPath: instance.constructPath } : {}),
    ...(graph.input.stack ? { stack: graph.input.stack } : {}),
  };
}

/** Code-point order, so that the order is the same on every machine whatever its locale. */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function compareFindings(a: Finding, b: Finding): number {
  return byCodePoint(a.input, b.input) || byCodePoint(a.address, b.address) || byCodePoint(a.policy, b.policy) || byCodePoint(a.message, b.message);
}

export function checkInputs(inputs: readonly LoadedInput[], options: CheckOptions = {}, registry: readonly Policy[] = []): Report {
  return checkGraphs(inputs.map(buildGraph), options, registry);
}
