/**
 * The four causes of internal errors an audit's fuzzing found, each kept as a reproducer on a real
 * plan: an expression that is a number, string or boolean; null inside `references`; null as a
 * nested block; module calls and nested blocks thousands of levels deep. Each input ends in a
 * report or a one-line input error, and the cluster's verdicts survive where the mutation leaves
 * them decidable.
 */
import * as fs from "node:fs";
import { runCli } from "../../checker/cli/main";
import { fixturePlan } from "../helpers/fixtures";
import { serialize } from "../helpers/plan-mutations";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Plan {
  configuration: { root_module: { resources: { address: string; expressions: Record<string, Json> }[]; module_calls?: Json } };
  resource_changes: { address: string; change: { after: Record<string, Json> } }[];
}

const original = fs.readFileSync(fixturePlan("topo-lt-node-sg-no-rules"), "utf8");

function expressionsOf(plan: Plan, address: string): Record<string, Json> {
  return plan.configuration.root_module.resources.find((r) => r.address === address)!.expressions;
}

function deep(levels: number, make: (inner: Json) => Json, leaf: Json): Json {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = make(value);
  return value;
}

const MUTATIONS: [string, (plan: Plan) => void][] = [
  ["an expression that is a number", (p) => void (expressionsOf(p, "aws_launch_template.workers").vpc_security_group_ids = 5)],
  ["an expression that is a string", (p) => void (expressionsOf(p, "aws_launch_template.workers").vpc_security_group_ids = "sg-0123")],
  ["an expression that is a boolean", (p) => void (expressionsOf(p, "aws_eks_node_group.workers").cluster_name = true)],
  ["null inside references", (p) => void (expressionsOf(p, "aws_launch_template.workers").vpc_security_group_ids = { references: [null, "aws_security_group.node.id", null] })],
  ["null as a nested block in the configuration", (p) => void (expressionsOf(p, "aws_eks_cluster.this").vpc_config = [null])],
  ["null as a nested block in the planned values", (p) => void (p.resource_changes.find((r) => r.address === "aws_eks_cluster.this")!.change.after.vpc_config = [null])],
  ["module calls 5,000 levels deep", (p) => void (p.configuration.root_module.module_calls = { m: deep(5000, (inner) => ({ source: "./m", module: { module_calls: { m: inner } } }), { source: "./m", module: {} }) })],
  ["a nested block 5,000 levels deep", (p) => void (expressionsOf(p, "aws_eks_cluster.this").vpc_config = deep(5000, (inner) => [{ subnet_ids: inner }], { constant_value: [] }))],
];

test.each(MUTATIONS)("%s: a report or one line, never an internal error", (_name, mutation) => {
  const plan = JSON.parse(original) as Plan;
  mutation(plan);
  const bytes = Buffer.from(serialize(plan as unknown as Json));
  let stdout = "";
  let stderr = "";
  const code = runCli(["check", "--format", "json", "-"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: () => bytes, env: {} });
  if (code === 2) {
    expect(stderr).toMatch(/^eks-sg-policy: <stdin>: [^\n]+\n$/);
    expect(stderr).not.toContain("internal error");
    return;
  }
  expect({ code, stderr }).toEqual({ code: 1, stderr: "" });
  const policies = (JSON.parse(stdout) as { findings: { policy: string; address: string }[] }).findings.map((f) => f.policy);
  expect(policies).toContain("public-endpoint");
});
