/**
 * The unread sections of a large plan are blanked before parsing: what stays parses to the same
 * document minus `planned_values.root_module` and `resource_drift`, models to the same instances,
 * and keeps every other byte where it was; anything unusual is left as it is.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadBytes, loadInputs } from "../../checker/load/load-inputs";
import { blankUnreadPlanSections, MIN_PLAN_BYTES } from "../../checker/load/plan-sections";
import { buildGraph } from "../../checker/model/resource-graph";
import { instancesFromPlan } from "../../checker/model/from-plan";
import type { PlanDocument } from "../../checker/load/plan-document";
import { corpusPlans, FIXTURES } from "../helpers/fixtures";

type Json = Record<string, unknown>;

/** The text after blanking (every size counts here). */
function blanked(text: string): string {
  const bytes = Buffer.from(text, "latin1");
  blankUnreadPlanSections(bytes, 0);
  return bytes.toString("latin1");
}

/** What the blanked text must parse to: the document without the two unread sections. */
function withoutUnread(document: Json): Json {
  const { resource_drift: _drift, ...rest } = document;
  const planned = document.planned_values as Json | undefined;
  if (planned === undefined) return rest;
  const { root_module: _root, ...keptPlanned } = planned;
  return { ...rest, planned_values: keptPlanned };
}

const plan: Json = {
  format_version: "1.2",
  terraform_version: "1.11.4 \"dev\" }",
  variables: { name: { value: "a \"quoted\" {[ name" } },
  planned_values: { outputs: { ids: { sensitive: true, value: ["sg-1"] } }, root_module: { resources: [{ address: "aws_security_group.a", values: { description: "}]\\\"{" } }] } },
  resource_drift: [{ address: "aws_security_group.old", change: { actions: ["update"] } }],
  resource_changes: [{ address: "aws_security_group.a", mode: "managed", type: "aws_security_group", name: "a", change: { actions: ["create"], before: null, after: { name: "a" }, after_unknown: { id: true } } }],
  configuration: { root_module: {} },
  relevant_attributes: [],
};

describe("blankUnreadPlanSections", () => {
  test.each([
    ["compact, as terraform writes it", (d: Json) => JSON.stringify(d)],
    ["indented, with newlines kept where they were", (d: Json) => JSON.stringify(d, null, 2)],
  ])("%s: parses to the plan without root_module and resource_drift, same length", (_name, write) => {
    const text = write(plan);
    const after = blanked(text);
    expect(after).toHaveLength(text.length);
    expect([...after.matchAll(/\n/g)].map((m) => m.index)).toEqual([...text.matchAll(/\n/g)].map((m) => m.index));
    expect(JSON.parse(after)).toEqual(withoutUnread(plan));
    // Only the two sections changed: every other byte is what it was.
    const changed = [...after].filter((c, i) => c !== text[i]);
    expect(new Set(changed)).toEqual(new Set([" "]));
    expect(changed.length).toBeGreaterThan(0);
  });

  test.each([
    ["root_module alone", { root_module: { resources: [] } }, {}],
    ["root_module first", { root_module: { resources: [] }, outputs: { a: { value: 1 } } }, { outputs: { a: { value: 1 } } }],
    ["root_module last", { outputs: { a: { value: 1 } }, root_module: { resources: [] } }, { outputs: { a: { value: 1 } } }],
    ["root_module in the middle", { outputs: {}, root_module: { child_modules: [] }, other: [1] }, { outputs: {}, other: [1] }],
  ])("planned_values with %s stays an object", (_name, planned, kept) => {
    const text = JSON.stringify({ format_version: "1.2", planned_values: planned, resource_changes: [] });
    expect(JSON.parse(blanked(text))).toEqual({ format_version: "1.2", planned_values: kept, resource_changes: [] });
  });

  test.each([
    ["no resource_changes (the model reads planned_values)", { format_version: "1.2", planned_values: { root_module: {} } }],
    ["resource_changes that is not a list", { format_version: "1.2", planned_values: { root_module: {} }, resource_changes: null }],
    ["resource_changes before planned_values (not terraform's order)", { format_version: "1.2", resource_changes: [], planned_values: { root_module: {} } }],
    ["a list at the top", [{ planned_values: { root_module: {} }, resource_changes: [] }]],
    ["format_version not first (terraform writes it first; a cdk.tf.json is not scanned)", { planned_values: { root_module: {} }, format_version: "1.2", resource_changes: [] }],
  ])("leaves the text as it is: %s", (_name, document) => {
    const text = JSON.stringify(document);
    expect(blanked(text)).toBe(text);
  });

  test.each([
    ["a key written twice", '{"format_version":"1.2","planned_values":{"root_module":{}},"planned_values":{"root_module":{"x":1}},"resource_changes":[]}'],
    ["root_module written twice", '{"format_version":"1.2","planned_values":{"outputs":{},"root_module":{},"root_module":{"x":1}},"resource_changes":[]}'],
    ["text outside ASCII", '{"format_version":"1.2","planned_values":{"root_module":{"d":"café"}},"resource_changes":[]}'],
    ["a NUL byte", '{"format_version":"1.2","planned_values":{"root_module":{"d":"a\u0000b"}},"resource_changes":[]}'],
    ["a section that does not end", '{"format_version":"1.2","planned_values":{"root_module":{"d":"a}'],
    ["a string that does not end", '{"format_version":"1.2","planned_values":{"root_module":{"d":"a'],
    ["a member without a colon", '{"format_version" "1.2","planned_values":{"root_module":{}},"resource_changes":[]}'],
  ])("leaves the bytes as they are: %s", (_name, text) => {
    const bytes = Buffer.from(text, "utf8");
    blankUnreadPlanSections(bytes, 0);
    expect(bytes.toString("utf8")).toBe(text);
  });

  test("below MIN_PLAN_BYTES nothing is scanned: parsing all of a small plan costs less", () => {
    const text = JSON.stringify(plan);
    expect(text.length).toBeLessThan(MIN_PLAN_BYTES);
    const bytes = Buffer.from(text, "latin1");
    blankUnreadPlanSections(bytes);
    expect(bytes.toString("latin1")).toBe(text);
  });
});

/** Plans made here by terraform (ASCII, in terraform's order: every one is cut). */
const fixturePlans = fs
  .readdirSync(path.join(FIXTURES, "tf"))
  .map((name) => path.join(FIXTURES, "tf", name, "plan.json"))
  .filter((file) => fs.existsSync(file));

describe.each([...fixturePlans, ...corpusPlans()].map((file) => [path.relative(FIXTURES, file), file]))("real plan %s", (_name, file) => {
  test("blanked, it parses to the plan without the unread sections and models to the same instances", () => {
    const text = fs.readFileSync(file, "latin1");
    const full = JSON.parse(text) as Json;
    const after = blanked(text);
    const cut = JSON.parse(after) as Json;
    const cutHere = after !== text;
    // Terraform's ASCII plans here are all cut; text outside ASCII and old plans are left as they are.
    const cuttable = /^[\x01-\x7f]*$/.test(text) && Array.isArray(full.resource_changes) && (full.planned_values as Json | undefined)?.root_module !== undefined;
    if (fixturePlans.includes(file)) expect(cutHere).toBe(cuttable);
    expect(cut).toEqual(cutHere ? withoutUnread(full) : full);
    if (typeof full.format_version !== "string" || full.errored === true || !("resource_changes" in full || "planned_values" in full)) return;
    expect(instancesFromPlan(cut as unknown as PlanDocument)).toEqual(instancesFromPlan(full as unknown as PlanDocument));
  });
});

test("a plan over MIN_PLAN_BYTES read from a file is cut on load and models as its bytes given whole do", () => {
  const document = JSON.parse(fs.readFileSync(path.join(FIXTURES, "tf", "heldout-a-child-module-nodegroups", "plan.json"), "utf8")) as Json;
  const planned = document.planned_values as { root_module: Json };
  // Past the size where the scan pays off: more of what root_module holds.
  planned.root_module = { ...planned.root_module, padding: Array.from({ length: MIN_PLAN_BYTES / 32 }, (_, i) => ({ address: `padding.${i}`, values: {} })) };
  const text = JSON.stringify(document);
  expect(text.length).toBeGreaterThan(MIN_PLAN_BYTES);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-sections-"));
  try {
    const file = path.join(dir, "plan.json");
    fs.writeFileSync(file, text);
    const [fromFile] = loadInputs([file]);
    const [whole] = loadBytes(Buffer.from(text), file);
    expect((fromFile.document as unknown as Json).planned_values).toEqual({ outputs: (document.planned_values as Json).outputs });
    expect(((whole.document as unknown as Json).planned_values as Json).root_module).toBeDefined();
    expect([...buildGraph(fromFile).instances.values()]).toEqual([...buildGraph(whole).instances.values()]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
