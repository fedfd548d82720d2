/**
 * A plan Terraform marks incomplete (`-target`, `-exclude`, deferred changes) lists only the objects
 * it acts on; its apply leaves every other object of the state as it is. The world holds those
 * with their values in the prior state, and the report says the plan was incomplete.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { topologyOf } from "../../checker/eks/topology";
import type { PlanDocument, StateModuleJson } from "../../checker/load/plan-document";
import { formatMarkdown } from "../../checker/report/format-markdown";
import { cli, fixturePlan, graphOf, reportOf } from "../helpers/fixtures";

const TARGETED = fixturePlan("topo-state-targeted-pool");
const KUBELET_RULE = 'module.node_sg_rules.aws_vpc_security_group_ingress_rule.node_from_cluster["kubelet"]';

/** A copy of a plan changed by `edit`, written to a temporary file. */
function editedPlan(file: string, edit: (priorState: StateModuleJson) => void): string {
  const plan = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
  edit(plan.prior_state!.values!.root_module!);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "incomplete-")), "plan.json");
  fs.writeFileSync(out, JSON.stringify(plan));
  return out;
}

test("the objects of the state an incomplete plan leaves out stand on both sides with their values in the state", () => {
  const plan = JSON.parse(fs.readFileSync(TARGETED, "utf8"));
  expect(plan.complete).toBe(false);
  expect(plan.resource_changes.map((c: { address: string }) => c.address)).not.toContain(KUBELET_RULE);

  const graph = graphOf(TARGETED);
  const rule = graph.instances.get(KUBELET_RULE)!;
  expect(rule.action).toBe("no-op");
  expect(rule.before).toBe(rule.after);
  expect(rule.after).toMatchObject({ ip_protocol: "tcp", from_port: 10250, to_port: 10250 });
  expect(graph.before.get(KUBELET_RULE)).toBe(rule);
  expect(graph.after.get(KUBELET_RULE)).toBe(rule);
  const kubelet = topologyOf(graph).rules.of("aws_security_group.node", "ingress").filter((r) => r.address === KUBELET_RULE);
  expect(kubelet.map((r) => [r.fromPort, r.toPort])).toEqual([[10250, 10250]]);

  // What the configuration has and neither the plan nor the state does is not made by this apply.
  expect([...graph.instances.keys()].filter((a) => a.startsWith("module.gpu_sg_rules."))).toEqual([]);
  // The left-out node group of the state is a node class like any other.
  expect(topologyOf(graph).classById('managed(module.pool["general"].aws_eks_node_group.this)')?.sgs.members).toEqual(["aws_security_group.node"]);
});

test("a complete plan lists every object of its state: nothing is added", () => {
  for (const name of ["topo-state-delete-rule", "topo-lt-version-pinned", "topo-state-forget-rules"]) {
    const plan = JSON.parse(fs.readFileSync(fixturePlan(name), "utf8"));
    const managed = plan.resource_changes.filter((c: { mode: string }) => c.mode === "managed").map((c: { address: string }) => c.address);
    const graph = graphOf(fixturePlan(name));
    expect([...graph.instances.values()].filter((i) => i.mode === "managed").map((i) => i.address)).toEqual(managed);
  }
});

test("a child module's objects keep their module in the address when the state gives it within the module (Terraform 0.12)", () => {
  const file = editedPlan(TARGETED, (root) => {
    const walk = (module: StateModuleJson) => {
      for (const r of module.resources ?? []) if (module.address) r.address = r.address.slice(module.address.length + 1);
      for (const child of module.child_modules ?? []) walk(child);
    };
    walk(root);
  });
  const graph = graphOf(file);
  expect(graph.instances.get(KUBELET_RULE)?.moduleAddress).toBe("module.node_sg_rules");
  expect(graph.instances.has('aws_vpc_security_group_ingress_rule.node_from_cluster["kubelet"]')).toBe(false);
});

test("a plan of Terraform before 1.8 does not say whether it is complete: one that leaves objects out is not", () => {
  /** A copy of a fixture's plan without `complete`, as Terraform before 1.8 wrote it. */
  const withoutComplete = (file: string): string => {
    const plan = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
    delete plan.complete;
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "incomplete-")), "plan.json");
    fs.writeFileSync(out, JSON.stringify(plan));
    return out;
  };
  const targeted = withoutComplete(TARGETED);
  expect(graphOf(targeted).instances.get(KUBELET_RULE)?.action).toBe("no-op");
  expect(reportOf([targeted]).inputs[0]).toMatchObject({ incomplete: true });
  expect(reportOf([withoutComplete(fixturePlan("topo-state-delete-rule"))]).inputs[0]).not.toHaveProperty("incomplete");
});

test("a deposed object the plan leaves out is not added: it is on its way out", () => {
  const file = editedPlan(TARGETED, (root) => {
    const rules = root.child_modules!.find((m) => m.address === "module.node_sg_rules")!;
    rules.resources!.find((r) => r.address === KUBELET_RULE)!.deposed_key = "00000001";
  });
  expect(graphOf(file).instances.has(KUBELET_RULE)).toBe(false);
});

test("the report marks the plan incomplete, and the command warns once on stderr", () => {
  expect(reportOf([TARGETED]).inputs).toEqual([expect.objectContaining({ path: TARGETED, incomplete: true })]);
  expect(reportOf([fixturePlan("topo-state-delete-rule")]).inputs[0]).not.toHaveProperty("incomplete");

  const run = cli(["check", TARGETED, "--format", "text", "--no-config"]);
  expect(run.stderr).toBe(
    `eks-sg-policy: warning: ${TARGETED} is an incomplete plan (made with -target or -exclude, or with deferred changes): what its apply leaves was checked, with the resources it leaves out as they are in the state, but not the rest of the configuration; check the next full plan before you rely on a pass\n`,
  );
  expect(cli(["check", fixturePlan("topo-state-delete-rule"), "--format", "text", "--no-config"]).stderr).toBe("");

  const markdown = formatMarkdown(reportOf([TARGETED])).split("\n");
  expect(markdown).toContain(
    `> ⚠️ Incomplete plan (\`-target\`, \`-exclude\` or deferred changes): \`${TARGETED}\`. What the apply leaves was checked, with the resources left out as they are in the state; the rest of the configuration was not.`,
  );
  expect(formatMarkdown(reportOf([fixturePlan("topo-state-delete-rule")]))).not.toContain("Incomplete");
});
