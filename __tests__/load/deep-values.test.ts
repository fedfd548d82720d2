/**
 * Values thousands of levels deep: a real plan (a terraform_data holding a 4,000-level
 * jsondecode, planned by terraform) checks normally, and the walks over a value's whole depth use
 * no recursion.
 */
import { boundDepth, MAX_DEPTH } from "../../checker/load/bound-depth";
import { hotMergeUnknown, sensitiveTree } from "../../checker/model/merge-unknown";
import { Unknown, type Path } from "../../checker/model/value";
import type { JsonValue } from "../../checker/load/plan-document";
import { cli, fixturePlan } from "../helpers/fixtures";

function nested(depth: number, leaf: unknown, key = "a"): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { [key]: value } : [value];
  return value as Record<string, unknown>;
}

function depthOf(value: unknown): number {
  let depth = 0;
  for (let at = value; at !== null && typeof at === "object"; depth++) at = Array.isArray(at) ? at[0] : Object.values(at as object)[0];
  return depth;
}

test("the real plan with a 4,000-level value checks normally: the verdicts of its cluster, no error", () => {
  const run = cli(["check", "--format", "json", fixturePlan("hostile-deep-values")]);
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: "" });
  const report = JSON.parse(run.stdout) as { findings: { policy: string; address: string; status: string }[] };
  const failed = report.findings.filter((f) => f.status === "fail" && f.address === "aws_eks_node_group.workers").map((f) => f.policy);
  expect(failed).toEqual(expect.arrayContaining(["apiserver-to-kubelet", "node-dns", "node-to-apiserver"]));
  expect(report.findings.filter((f) => f.address.startsWith("terraform_data."))).toEqual([]);
});

describe("boundDepth", () => {
  test("reads containers below MAX_DEPTH as null, and leaves shallower documents as they are", () => {
    const deep = nested(5000, 1);
    expect(boundDepth(deep)).toBe(1);
    expect(depthOf(deep)).toBe(MAX_DEPTH);
    const shallow = nested(MAX_DEPTH, 1);
    const before = JSON.stringify(shallow);
    expect(boundDepth(shallow)).toBe(0);
    expect(JSON.stringify(shallow)).toBe(before);
  });

  // The walk recurses, so it must stop at the bound whatever the depth: this one would overflow the stack.
  test("a document far deeper than the stack allows is bounded without recursing past MAX_DEPTH", () => {
    const abyss = nested(1_000_000, 1);
    expect(boundDepth(abyss)).toBe(1);
    expect(depthOf(abyss)).toBe(MAX_DEPTH);
  });

  test("a key named __proto__ stays an own key, and no prototype changes", () => {
    const document = JSON.parse(`{"x": ${JSON.stringify(nested(10, 1, "__proto__"))}}`) as Record<string, unknown>;
    expect(boundDepth(document, 3)).toBe(1);
    const second = (document.x as unknown[])[0] as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(second, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(second, "__proto__")?.value).toBeNull();
    expect(Object.getPrototypeOf(second)).toBe(Object.prototype);
  });
});

describe("hotMergeUnknown and sensitiveTree walk any depth", () => {
  const makeUnknown = (path: Path) => new Unknown("computed", path.join("."));

  test("an unknown mark 20,000 levels down becomes an Unknown that knows its path", () => {
    const merged = hotMergeUnknown(nested(20000, {}) as JsonValue, nested(20000, { id: true }) as JsonValue, ["root"], makeUnknown);
    let at: unknown = merged;
    for (let i = 0; i < 20000; i++) at = Array.isArray(at) ? at[0] : (at as Record<string, unknown>).a;
    const leaf = (at as Record<string, unknown>).id as Unknown;
    expect(leaf).toBeInstanceOf(Unknown);
    expect(leaf.reason.split(".")).toHaveLength(20002);
    expect(leaf.reason.startsWith("root.")).toBe(true);
  });

  const show = (v: unknown): unknown => (v instanceof Unknown ? `U:${v.reason}` : Array.isArray(v) ? v.map(show) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, show(x)])) : v);
  /** Key order counts: toEqual ignores it. */
  const keysDeep = (v: unknown): unknown => (Array.isArray(v) ? v.map(keysDeep) : v !== null && typeof v === "object" && !(v instanceof Unknown) ? Object.entries(v).map(([k, x]) => [k, keysDeep(x)]) : null);

  test.each([
    [{ a: 1, b: [1, 2] }, { b: [false, true] }, { a: 1, b: [1, "U:b.1"] }],
    [undefined, { a: { b: false } }, undefined],
    [undefined, [false, true], [null, "U:1"]],
    [[], [], []],
    [undefined, [], undefined],
    [{ x: null }, { y: true }, { x: null, y: "U:y" }],
    [5, { a: true }, 5],
    // Keys only the marks hold: built from the marks when a true lies below, left out when none does.
    [{ a: 1 }, { n: { m: true }, o: { p: false } }, { a: 1, n: { m: "U:n.m" } }],
    [{ l: [1] }, { l: [false, false, true] }, { l: [1, null, "U:l.2"] }],
    [{ l: [{ a: 1 }, { b: 2 }] }, { l: [{ c: true }, {}] }, { l: [{ a: 1, c: "U:l.0.c" }, { b: 2 }] }],
    [{ a: null, b: 1 }, { a: { c: true } }, { a: null, b: 1 }],
  ] as [JsonValue | undefined, JsonValue | undefined, unknown][])("%j with marks %j: %j, copied or filled in place", (after, unknown, expected) => {
    const clone = () => (after === undefined ? undefined : (JSON.parse(JSON.stringify(after)) as JsonValue));
    const own = clone();
    const copied = hotMergeUnknown(after, unknown, [], makeUnknown);
    expect(show(copied)).toEqual(expected);
    // Copied: the plan's value is left as it was.
    expect(after).toEqual(own);
    const filled = hotMergeUnknown(own, unknown, [], makeUnknown, true);
    expect(show(filled)).toEqual(expected);
    expect(keysDeep(filled)).toEqual(keysDeep(copied));
    // In place: the result is the plan's own list or object, filled.
    if (own !== null && typeof own === "object") expect(filled).toBe(own);
  });

  test.each([false, true])("keys keep the plan's order (known first, then those only the marks hold), a key named __proto__ stays a key, and marks-only keys without a true are left out (in place: %s)", (inPlace) => {
    const text = '{"__proto__":{"a":1},"b":2,"c":null}';
    const after = JSON.parse(text) as JsonValue;
    const merged = hotMergeUnknown(after, { d: { e: true }, b: true, f: {}, g: false }, [], makeUnknown, inPlace) as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(["__proto__", "b", "c", "d"]);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(merged, "__proto__")?.value).toEqual({ a: 1 });
    expect((merged.b as Unknown).reason).toBe("b");
    expect(((merged.d as Record<string, unknown>).e as Unknown).reason).toBe("d.e");
    if (inPlace) expect(merged).toBe(after);
    else expect(after).toEqual(JSON.parse(text));
  });

  test("sensitiveTree keeps the marks' shape at any depth", () => {
    const tree = sensitiveTree(nested(20000, true) as JsonValue);
    expect(depthOf(tree)).toBe(20000);
    expect(sensitiveTree({ a: [true, false, { b: true }], c: 1 })).toEqual({ a: [true, false, { b: true }], c: false });
  });

  test("sensitiveTree: marks without a true anywhere are false, however deep their empty lists and objects", () => {
    expect(sensitiveTree({ tags: {}, ingress: [{ cidr_blocks: [] }, {}], timeouts: null } as JsonValue)).toBe(false);
    expect(sensitiveTree(nested(5000, false) as JsonValue)).toBe(false);
    expect(sensitiveTree([[], [{ a: [false, true] }]] as JsonValue)).toEqual([[], [{ a: [false, true] }]]);
  });
});
