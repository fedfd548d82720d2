/** A helm_release's values as Helm merges them (helm-values.ts), on plans shaped as terraform writes them. */
import { helmValues, releasesOfChart } from "../../checker/eks/helm-values";
import { loadText } from "../../checker/load/load-inputs";
import { buildGraph } from "../../checker/model/resource-graph";

const release = (after: object, afterUnknown: object = {}, chart = "aws-vpc-cni") => {
  const plan = {
    format_version: "1.2",
    resource_changes: [{ address: "helm_release.this", mode: "managed", type: "helm_release", name: "this", change: { actions: ["create"], before: null, after: { chart, ...after }, after_unknown: afterUnknown } }],
  };
  const [input] = loadText(JSON.stringify(plan), "helm.json");
  return buildGraph(input).after;
};
const valuesOf = (after: object, afterUnknown: object = {}) => {
  const world = release(after, afterUnknown);
  return helmValues(world, world.get("helm_release.this")!);
};
const set = (name: string, value: string) => ({ name, value, type: "" });

test.each<[string, object, object]>([
  ["values texts merge map by map, a later one winning", { values: ["a:\n  b: 1\n  c: [1, 2]\n", "a:\n  c: [3]\n  d: x\n"] }, { a: { b: 1, c: [3], d: "x" } }],
  ["set wins over values", { values: ["env:\n  X: \"false\"\n"], set: [set("env.X", "true")] }, { env: { X: "true" } }],
  ["an escaped dot stays in its key", { set: [set("podAnnotations.eks\\.amazonaws\\.com/role", "r")] }, { podAnnotations: { "eks.amazonaws.com/role": "r" } }],
  ["list indexes make lists", { set: [set("a.list[1].id", "s")] }, { a: { list: [undefined, { id: "s" }] } }],
  ["set_list gives a list", { set_list: [{ name: "eniConfig.subnets.a.securityGroups", value: ["sg-1", "sg-2"] }] }, { eniConfig: { subnets: { a: { securityGroups: ["sg-1", "sg-2"] } } } }],
])("%s", (_name, after, expected) => {
  expect(valuesOf(after)).toEqual({ values: expected });
});

test("a values text decided at apply time leaves the values unknown", () => {
  expect(valuesOf({ values: [null] }, { values: [true] })).toEqual({ unknown: expect.stringContaining("values of helm_release.this are decided at apply time"), refs: [] });
});

test("a chart by its name or by an OCI reference that ends in it; not another chart", () => {
  for (const [chart, found] of [["aws-vpc-cni", 1], ["oci://public.ecr.aws/eks/aws-vpc-cni", 1], ["not-aws-vpc-cni", 0]] as const) {
    expect(releasesOfChart(release({}, {}, chart), "aws-vpc-cni")).toHaveLength(found);
  }
});

test.each([["a.list[65537]"], ["a.list[-1]"], ["a.list[x]"], [""]])("a set name Helm refuses leaves the values unknown: %j", (name) => {
  expect(valuesOf({ set: [set(name, "v")] })).toEqual({ unknown: expect.stringContaining(`the set name ${JSON.stringify(name)} of helm_release.this is one Helm refuses`), refs: [] });
});
