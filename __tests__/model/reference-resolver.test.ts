/** The reference resolver on its own: a `references` list → what it leads to, and why not. */
import { indexConfiguration } from "../../checker/model/config-index";
import { ReferenceResolver, type Resolution, type Scope } from "../../checker/model/reference-resolver";

function resolverAndScope(): { resolver: ReferenceResolver; scope: Scope } {
  const module = indexConfiguration({ resources: [] })!;
  const resolver = new ReferenceResolver({
    rootVariables: { known: "sg-0123" },
    instancesByBase: new Map([
      ["aws_security_group.a", [{ address: "aws_security_group.a" }]],
      ["aws_security_group.b", [{ address: "aws_security_group.b" }]],
      [
        "aws_subnet.nodes",
        [
          { address: 'aws_subnet.nodes["us-east-1a"]', index: "us-east-1a" },
          { address: 'aws_subnet.nodes["us-east-1b"]', index: "us-east-1b" },
        ],
      ],
    ]),
    moduleInstances: new Map(),
  });
  return { resolver, scope: { module, instance: [] } };
}

const ref = (address: string, ...path: string[]) => ({ address, path });
const parts = (r: Resolution) => ({ refs: r.refs, unresolved: r.unresolved, constants: r.constants, oneOf: r.oneOf });

describe("a references list resolves to all it names, each once", () => {
  test.each<[string, string[], ReturnType<typeof parts>]>([
    ["one resource attribute", ["aws_security_group.a.id", "aws_security_group.a"], { refs: [ref("aws_security_group.a", "id")], unresolved: [], constants: [], oneOf: [] }],
    ["two resources", ["aws_security_group.a.id", "aws_security_group.b.id"], { refs: [ref("aws_security_group.a", "id"), ref("aws_security_group.b", "id")], unresolved: [], constants: [], oneOf: [] }],
    ["a root variable", ["var.known"], { refs: [], unresolved: [], constants: ["sg-0123"], oneOf: [] }],
    ["a local", ["local.sg"], { refs: [], unresolved: ["local.sg (locals are not in plan JSON)"], constants: [], oneOf: [] }],
    ["text that is no reference, alone", ["not a [reference"], { refs: [], unresolved: ["not a [reference"], constants: [], oneOf: [] }],
    ["text that is no reference, beside one", ["not a [reference", "aws_security_group.a.id"], { refs: [ref("aws_security_group.a", "id")], unresolved: ["not a [reference"], constants: [], oneOf: [] }],
  ])("%s", (_, references, expected) => {
    const { resolver, scope } = resolverAndScope();
    expect(parts(resolver.resolveReferences(references, scope))).toEqual(expected);
  });

  test("a resolution once given is not changed by later ones that include it", () => {
    const { resolver, scope } = resolverAndScope();
    const alone = resolver.resolveReferences(["aws_security_group.a.id"], scope);
    const before = JSON.stringify(alone);
    const both = resolver.resolveReferences(["aws_security_group.a.id", "aws_security_group.b.id", "local.x"], scope);
    resolver.resolveExpression([{ inner: { references: ["aws_security_group.a.id"] } }], scope);
    expect(both.refs).toHaveLength(2);
    expect(JSON.stringify(alone)).toBe(before);
    expect(JSON.stringify(resolver.resolveReferences(["aws_security_group.a.id"], scope))).toBe(before);
  });
});

test("each.value reads the collection of the object it is in: two resources of one module with the same keys", () => {
  const { resolver, scope } = resolverAndScope();
  const overSubnets: Scope = { ...scope, key: "us-east-1a", forEach: { references: ["aws_subnet.nodes"] } };
  const overVariable: Scope = { ...scope, key: "us-east-1a", forEach: { constant_value: { "us-east-1a": { id: "subnet-0aaa" } } } };
  const overOtherVariable: Scope = { ...scope, key: "us-east-1a", forEach: { constant_value: { "us-east-1a": { id: "subnet-0bbb" } } } };
  expect(parts(resolver.resolveReferences(["each.value.id", "each.value"], overSubnets))).toEqual({ refs: [ref('aws_subnet.nodes["us-east-1a"]', "id")], unresolved: [], constants: [], oneOf: [] });
  expect(resolver.resolveReferences(["each.value.id", "each.value"], overVariable).constants).toEqual(["subnet-0aaa"]);
  expect(resolver.resolveReferences(["each.value.id", "each.value"], overOtherVariable).constants).toEqual(["subnet-0bbb"]);
  expect(resolver.resolveReferences(["each.value.id", "each.value"], overSubnets).refs).toEqual([ref('aws_subnet.nodes["us-east-1a"]', "id")]);
});

test("aws_x.y[count.index] and aws_x.y[each.key] differ when the index and the key read the same", () => {
  const module = indexConfiguration({ resources: [] })!;
  const resolver = new ReferenceResolver({
    rootVariables: {},
    instancesByBase: new Map([["aws_security_group.node", [0, 1].map((index) => ({ address: `aws_security_group.node[${index}]`, index }))]]),
    moduleInstances: new Map(),
  });
  const references = ["aws_security_group.node", "each.key"];
  expect(resolver.resolveReferences(references, { module, instance: [], key: "1" }).refs.map((r) => r.address)).toEqual(["aws_security_group.node[0]", "aws_security_group.node[1]"]);
  expect(resolver.resolveReferences(["aws_security_group.node", "count.index"], { module, instance: [], key: 1 }).refs.map((r) => r.address)).toEqual(["aws_security_group.node[1]"]);
});

// `each.value.x` of a for_each whose collection the plan shows only as a reference to a resource.
describe("an element of a collection given by a resource reference", () => {
  test("the instance with that key, when the resource has one (for_each = aws_subnet.nodes)", () => {
    const { resolver, scope } = resolverAndScope();
    expect(parts(resolver.resolveReferences(["aws_subnet.nodes"], scope, { key: "us-east-1b", rest: ["id"] }))).toEqual({ refs: [ref('aws_subnet.nodes["us-east-1b"]', "id")], unresolved: [], constants: [], oneOf: [] });
  });

  test("its instances, unresolved, when none has that key: a collection built from it, as a module's map argument is", () => {
    const { resolver, scope } = resolverAndScope();
    expect(parts(resolver.resolveReferences(["aws_subnet.nodes"], scope, { key: "default", rest: ["subnet_ids"] }))).toEqual({
      refs: [ref('aws_subnet.nodes["us-east-1a"]'), ref('aws_subnet.nodes["us-east-1b"]')],
      unresolved: ['element ["default"] of a collection built from aws_subnet.nodes'],
      constants: [],
      oneOf: [],
    });
  });
});

// A module's output built from a resource's instances (`{ for k, sg in aws_security_group.this : k => sg.id }`
// is listed as `aws_security_group.this`), read one element at a time.
describe("an element of a module output built from a resource's instances", () => {
  function withModule() {
    const module = indexConfiguration({
      resources: [],
      module_calls: { sgs: { module: { resources: [], outputs: { ids: { expression: { references: ["aws_security_group.this"] } }, one: { expression: { references: ["aws_security_group.this[\"a\"].id", "aws_security_group.this[\"a\"]", "aws_security_group.this"] } } } } } },
    } as never)!;
    const resolver = new ReferenceResolver({
      rootVariables: {},
      instancesByBase: new Map([["module.sgs.aws_security_group.this", ["a", "b"].map((index) => ({ address: `module.sgs.aws_security_group.this["${index}"]`, index }))]]),
      moduleInstances: new Map(),
    });
    return { resolver, scope: (key?: string) => ({ module, instance: [], ...(key === undefined ? {} : { key }) }) };
  }
  const addresses = (r: Resolution) => r.refs.map((x) => `${x.address}${x.path.map((p) => `.${p}`).join("")}`);

  test.each<[string, string[], string | undefined, string[]]>([
    ['a constant key: module.sgs.ids["b"]', ['module.sgs.ids["b"]', "module.sgs.ids", "module.sgs"], undefined, ['module.sgs.aws_security_group.this["b"]']],
    ["the object's key: module.sgs.ids[each.key]", ["module.sgs.ids", "module.sgs", "each.key"], "a", ['module.sgs.aws_security_group.this["a"]']],
    ["the whole map", ["module.sgs.ids", "module.sgs"], "a", ['module.sgs.aws_security_group.this["a"]', 'module.sgs.aws_security_group.this["b"]']],
    // A manifest's body lists every reference together: the key is still taken for the output's index.
    ["the key beside another reference", ["var.namespace", "module.sgs.ids", "module.sgs", "each.key"], "a", ['module.sgs.aws_security_group.this["a"]']],
    ["a key no instance has", ['module.sgs.ids["c"]', "module.sgs.ids", "module.sgs"], undefined, ['module.sgs.aws_security_group.this["a"].c', 'module.sgs.aws_security_group.this["b"].c']],
    ["an output that is one attribute, then indexed", ['module.sgs.one["x"]', "module.sgs.one", "module.sgs"], undefined, ['module.sgs.aws_security_group.this["a"].id.x']],
  ])("%s", (_, references, key, expected) => {
    const { resolver, scope } = withModule();
    expect(addresses(resolver.resolveReferences(references, scope(key)))).toEqual(expected);
  });
});
