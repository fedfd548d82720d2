/**
 * A large plan is parsed in pieces: the result is what `JSON.parse` gives for the whole text, less
 * `planned_values.root_module`, `resource_drift` and `relevant_attributes`, whatever the size of
 * the window the bytes pass through; anything unusual gives `undefined`, and the loader then parses
 * the text whole.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadBytes, loadInput, loadInputs, loadText } from "../../checker/load/load-inputs";
import { boundDepth, MAX_DEPTH } from "../../checker/load/bound-depth";
import { withUnmarkedAsFalse } from "../../checker/load/sensitive-marks";
import { fileSource, memorySource, MIN_PLAN_BYTES, parsePlanInPieces } from "../../checker/load/plan-pieces";
import { buildGraph } from "../../checker/model/resource-graph";
import { instancesFromPlan } from "../../checker/model/from-plan";
import type { PlanDocument } from "../../checker/load/plan-document";
import { corpusPlans, FIXTURES } from "../helpers/fixtures";

type Json = Record<string, unknown>;

/** Windows of one byte up: every piece, key and escape straddles a window somewhere. */
const WINDOWS = [1, 2, 3, 7, 64, undefined];

/** Bytes already in memory (stdin): one window. */
function fromMemory(text: string): Json | undefined {
  const bytes = Buffer.from(text, "utf8");
  return parsePlanInPieces(memorySource(bytes), { whole: bytes });
}

/** Read at offsets through a window, as from a file. */
function fromOffsets(text: string, windowBytes?: number): Json | undefined {
  return parsePlanInPieces(memorySource(Buffer.from(text, "utf8")), { windowBytes });
}

/**
 * What the pieces must give: the document without the unread sections, keys in order, and each
 * change's sensitive marks that hold no `true` as `false` (sensitive-marks.test.ts).
 */
function withoutUnread(document: Json): Json {
  const { resource_drift: _drift, relevant_attributes: _relevant, ...rest } = document;
  if (Array.isArray(rest.resource_changes)) rest.resource_changes = (structuredClone(rest.resource_changes) as unknown[]).map(withUnmarkedAsFalse);
  const planned = document.planned_values as Json | undefined;
  if (planned === undefined || planned === null || typeof planned !== "object") return rest;
  const { root_module: _root, ...keptPlanned } = planned;
  return { ...rest, planned_values: keptPlanned };
}

function expectSameDocument(actual: Json | undefined, expected: Json): void {
  expect(actual).toEqual(expected);
  expect(Object.keys(actual!)).toEqual(Object.keys(expected));
}

const plan: Json = {
  format_version: "1.2",
  terraform_version: "1.11.4 \"dev\" }",
  variables: { name: { value: "a \"quoted\" {[ name \\" } },
  planned_values: { outputs: { ids: { sensitive: true, value: ["sg-1"] } }, root_module: { resources: [{ address: "aws_security_group.a", values: { description: "}]\\\"{" } }] } },
  resource_drift: [{ address: "aws_security_group.old", change: { actions: ["update"] } }],
  resource_changes: [
    { address: "aws_security_group.a", mode: "managed", type: "aws_security_group", name: "a", change: { actions: ["create"], before: null, after: { name: "a\\", description: "}\"]" }, after_unknown: { id: true }, before_sensitive: false, after_sensitive: { tags: {} } } },
    { address: "aws_security_group.b", mode: "managed", type: "aws_security_group", name: "b", index: 0, change: { actions: ["no-op"], before: { port: -1.5e3 }, after: { port: -1.5e3 }, before_sensitive: { port: true }, after_sensitive: { port: true } } },
  ],
  configuration: { root_module: {} },
  relevant_attributes: [{ resource: "aws_security_group.a", attribute: ["id"] }],
  applyable: true,
  errored: false,
};

describe("parsePlanInPieces", () => {
  test("bytes in memory: the plan without the unread sections, keys in order", () => {
    expectSameDocument(fromMemory(JSON.stringify(plan)), withoutUnread(plan));
  });

  test("a change's sensitive marks that hold no true are false, whether its entry is read alone or in a batch; marks with a true are kept", () => {
    const marks = (document: Json | undefined) => (document!.resource_changes as { change: Json }[]).map((entry) => entry.change.after_sensitive);
    expect(marks(fromMemory(JSON.stringify(plan)))).toEqual([false, { port: true }]);
    const many = { ...plan, resource_changes: Array.from({ length: 700 }, (_, i) => (plan.resource_changes as Json[])[i % 2]) };
    for (const windowBytes of [7, undefined]) expect(marks(fromOffsets(JSON.stringify(many), windowBytes))).toEqual(Array.from({ length: 700 }, (_, i) => (i % 2 === 0 ? false : { port: true })));
  });

  describe.each(WINDOWS)("window of %s bytes", (windowBytes) => {
    test.each([
      ["compact, as terraform writes it", JSON.stringify(plan)],
      ["indented", JSON.stringify(plan, null, 2)],
      ["indented with every kind of white space", JSON.stringify(plan, null, " \t\r\n")],
    ])("%s: the plan without the unread sections, keys in order", (_name, text) => {
      expect(JSON.parse(text)).toEqual(plan);
      expectSameDocument(fromOffsets(text, windowBytes), withoutUnread(plan));
    });
  });

  test.each([
    ["root_module alone", { root_module: { resources: [] } }, {}],
    ["root_module first", { root_module: { resources: [] }, outputs: { a: { value: 1 } } }, { outputs: { a: { value: 1 } } }],
    ["root_module last", { outputs: { a: { value: 1 } }, root_module: { resources: [] } }, { outputs: { a: { value: 1 } } }],
    ["root_module in the middle", { outputs: {}, root_module: { child_modules: [] }, other: [1] }, { outputs: {}, other: [1] }],
  ])("planned_values with %s stays an object", (_name, planned, kept) => {
    const text = JSON.stringify({ format_version: "1.2", planned_values: planned, resource_changes: [] });
    expectSameDocument(fromOffsets(text, 3), { format_version: "1.2", planned_values: kept, resource_changes: [] });
  });

  describe("planned_values.root_module is skipped by finding what terraform writes after it", () => {
    /** A plan whose root_module holds `values`, compact as terraform writes it. */
    const holding = (values: unknown): string =>
      JSON.stringify({ format_version: "1.2", planned_values: { root_module: { resources: [{ address: "x.y", values }] } }, resource_changes: [{ address: "x.y" }], applyable: true });
    /** Windows from the 13 bytes of `}},"resource_` up (in some, it straddles two); smaller ones are scanned instead. */
    const finding = [...Array.from({ length: 28 }, (_, i) => 13 + i), 64, undefined];
    const scanning = [1, 2, 3, 7];
    const kept = { format_version: "1.2", planned_values: {}, resource_changes: [{ address: "x.y" }], applyable: true };

    test("its content is not looked into: brackets there that would stop a scan go unseen", () => {
      const text = holding("]").replace('"]"', "]");
      expectSameDocument(fromMemory(text), kept);
      for (const windowBytes of finding) expectSameDocument(fromOffsets(text, windowBytes), kept);
      for (const windowBytes of scanning) expect(fromOffsets(text, windowBytes)).toBeUndefined();
    });

    test("the same words inside it, naming a list: the rest would end inside root_module, so the text is parsed whole", () => {
      const text = holding({ a: { b: {} }, resource_changes: [{ address: "fake" }] });
      expect(text).toContain('}},"resource_changes":[{"address":"fake"}]');
      expect(fromMemory(text)).toBeUndefined();
      for (const windowBytes of finding) expect(fromOffsets(text, windowBytes)).toBeUndefined();
      for (const windowBytes of scanning) expectSameDocument(fromOffsets(text, windowBytes), kept);
    });

    test("the same words inside it, naming something else: scanned", () => {
      const text = holding({ a: { b: {} }, resource_count: 1 });
      expect(text).toContain('}},"resource_count":1');
      expectSameDocument(fromMemory(text), kept);
      for (const windowBytes of WINDOWS) expectSameDocument(fromOffsets(text, windowBytes), kept);
    });
  });

  test("white space around every token", () => {
    const text = ' \n{ "format_version" : "1.2" ,\t"planned_values" : { "root_module" : { } , "outputs" : { } } , "resource_changes" : [ { "a" : [ 1 , true ] } , null ] } \r\n';
    for (const windowBytes of WINDOWS) expectSameDocument(fromOffsets(text, windowBytes), { format_version: "1.2", planned_values: { outputs: {} }, resource_changes: [{ a: [1, true] }, null] });
  });

  test("resource_changes before planned_values: still a plan whose changes are listed", () => {
    const text = JSON.stringify({ format_version: "1.2", resource_changes: [], planned_values: { root_module: {} } });
    expectSameDocument(fromMemory(text), { format_version: "1.2", resource_changes: [], planned_values: {} });
  });

  test("a member named __proto__ stays an own member, as JSON.parse makes it", () => {
    const text = '{"format_version":"1.2","__proto__":{"polluted":true},"resource_changes":[]}';
    const document = fromOffsets(text, 2)!;
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
    expect(Object.keys(document)).toEqual(["format_version", "__proto__", "resource_changes"]);
    expect(document).toEqual(JSON.parse(text));
  });

  test.each([
    ["no resource_changes (the model reads planned_values)", JSON.stringify({ format_version: "1.2", planned_values: { root_module: {} } })],
    ["resource_changes that is not a list", JSON.stringify({ format_version: "1.2", planned_values: { root_module: {} }, resource_changes: null })],
    ["a list at the top", JSON.stringify([{ format_version: "1.2", resource_changes: [] }])],
    ["an empty object", "{}"],
    ["format_version not first (terraform writes it first; a cdk.tf.json is not read this way)", JSON.stringify({ planned_values: { root_module: {} }, format_version: "1.2", resource_changes: [] })],
    ["a key written twice", '{"format_version":"1.2","resource_changes":[],"resource_changes":[{}]}'],
    ["text outside ASCII", '{"format_version":"1.2","planned_values":{"root_module":{"d":"café"}},"resource_changes":[]}'],
    ["a NUL byte", '{"format_version":"1.2","planned_values":{"root_module":{"d":"a\u0000b"}},"resource_changes":[]}'],
    ["a section that does not end", '{"format_version":"1.2","planned_values":{"root_module":{"d":"a}'],
    ["a string that does not end", '{"format_version":"1.2","planned_values":{"root_module":{"d":"a'],
    ["a member without a colon", '{"format_version" "1.2","resource_changes":[]}'],
    ["members without a comma", '{"format_version":"1.2" "resource_changes":[]}'],
    ["an entry that does not parse", '{"format_version":"1.2","resource_changes":[{"a":[1,,2]}]}'],
    ["a bracket that closes nothing", '{"format_version":"1.2","resource_drift":]],"resource_changes":[]}'],
    ["a number that does not parse", '{"format_version":"1.2","applyable":tru,"resource_changes":[]}'],
    ["text after the object", '{"format_version":"1.2","resource_changes":[]} {}'],
    ["no object after a BOM", '\ufeff{"format_version":"1.2","resource_changes":[]}'],
    ["nothing", ""],
  ])("undefined, so the text is parsed whole: %s", (_name, text) => {
    expect(fromMemory(text)).toBeUndefined();
    for (const windowBytes of WINDOWS) expect(fromOffsets(text, windowBytes)).toBeUndefined();
  });

  describe("depth: bounded as boundDepth bounds a whole document, however deep the pieces' values lie", () => {
    /** A value `levels` containers deep (objects and lists in turn), with a string at the bottom. */
    const deep = (levels: number): unknown => {
      let value: unknown = "bottom";
      for (let i = 0; i < levels; i++) value = i % 2 === 0 ? { v: value } : [value];
      return value;
    };
    // The plan's object is depth 1; an entry of resource_changes is 3, `after` in it 5; `configuration` is 2.
    const inChange = (levels: number): Json => ({ ...plan, resource_changes: [{ ...(plan.resource_changes as Json[])[0], change: { actions: ["create"], after: deep(levels) } }] });
    const inConfiguration = (levels: number): Json => ({ ...plan, configuration: deep(levels) });
    test.each([
      ["an entry of resource_changes, deepest container at MAX_DEPTH", 0, inChange(MAX_DEPTH - 4)],
      ["an entry of resource_changes, one level deeper", 1, inChange(MAX_DEPTH - 3)],
      ["an entry of resource_changes, far deeper", 1, inChange(MAX_DEPTH + 100)],
      ["configuration, deepest container at MAX_DEPTH", 0, inConfiguration(MAX_DEPTH - 1)],
      ["configuration, one level deeper", 1, inConfiguration(MAX_DEPTH)],
    ])("%s: %s container(s) read as null", (_name, cut, document) => {
      const whole = withoutUnread(JSON.parse(JSON.stringify(document)) as Json);
      expect(boundDepth(whole)).toBe(cut);
      for (const windowBytes of [7, undefined]) expectSameDocument(fromOffsets(JSON.stringify(document), windowBytes), whole);
      expectSameDocument(fromMemory(JSON.stringify(document)), whole);
    });
  });

  describe("resource_changes in batches: each cut where terraform ends one entry and begins the next", () => {
    /** `count` entries as terraform writes them, address first, each holding `extra(i)`. */
    const changes = (count: number, extra: (i: number) => unknown = () => null): Json[] =>
      Array.from({ length: count }, (_, i) => ({
        address: `aws_security_group.s${i}`,
        mode: "managed",
        type: "aws_security_group",
        name: `s${i}`,
        change: { actions: ["create"], before: null, after: { name: `s${i}`, extra: extra(i) }, after_unknown: { id: true }, before_sensitive: false, after_sensitive: i % 7 === 3 ? { extra: true } : { extra: [] } },
      }));
    const planOf = (resourceChanges: Json[], after: Json = {}): Json => ({ format_version: "1.2", planned_values: { root_module: {} }, resource_changes: resourceChanges, ...after });
    /** Windows that hold no entry whole, one or a few, many, and all of them. */
    const BATCHING = [7, 300, 1000, 5000, undefined];
    const parsesIn = (read: () => unknown): number => {
      const parse = jest.spyOn(JSON, "parse");
      try {
        read();
        return parse.mock.calls.length;
      } finally {
        parse.mockRestore();
      }
    };

    test("700 entries, 145 KB: a few batches, where a window too small for one takes a parse per entry", () => {
      const document = planOf(changes(700));
      const text = JSON.stringify(document);
      expect(text.length).toBeGreaterThan(2 * 2 ** 16);
      for (const read of [() => fromOffsets(text), () => fromMemory(text)]) expect(parsesIn(() => expectSameDocument(read(), withoutUnread(document)))).toBeLessThan(15);
      expect(parsesIn(() => expectSameDocument(fromOffsets(text, 7), withoutUnread(document)))).toBeGreaterThan(700);
    });

    test.each([
      ["inside entries: lists of objects that begin with an address", planOf(changes(60, (i) => (i % 5 === 2 ? [{ address: "10.0.0.1" }, { address: "10.0.0.2" }] : [])))],
      ["after the list: configuration lists resources by address", planOf(changes(60), { configuration: { root_module: { resources: [{ address: "aws_security_group.s0", mode: "managed" }, { address: "aws_security_group.s1", mode: "managed" }] } } })],
      ["after the list: prior_state lists resources by address", planOf(changes(60), { prior_state: { values: { root_module: { resources: [{ address: "aws_vpc.a" }, { address: "aws_vpc.b" }] } } } })],
    ])("the same bytes %s: those cuts do not parse, and the document is the same", (_name, document) => {
      const text = JSON.stringify(document);
      expect(text.split('},{"address":"').length - 1).toBeGreaterThan(59);
      for (const windowBytes of BATCHING) expectSameDocument(fromOffsets(text, windowBytes), withoutUnread(document));
      expectSameDocument(fromMemory(text), withoutUnread(document));
    });

    test("a cut that does not parse is not tried again: the entries before it are read one by one", () => {
      const document = planOf(changes(60), { configuration: { root_module: { resources: [{ address: "aws_security_group.s0" }, { address: "aws_security_group.s1" }] } } });
      const text = JSON.stringify(document);
      // The window's last cut lies in configuration: one batch that fails, then one parse per entry.
      expect(parsesIn(() => expectSameDocument(fromMemory(text), withoutUnread(document)))).toBeLessThan(60 + 10);
    });

    test("a deep entry among many is bounded as boundDepth bounds the whole document", () => {
      let deep: unknown = "bottom";
      for (let level = 0; level < MAX_DEPTH; level++) deep = { v: deep };
      const document = planOf(changes(60, (i) => (i === 41 ? deep : null)));
      const text = JSON.stringify(document);
      const whole = withoutUnread(JSON.parse(text) as Json);
      expect(boundDepth(whole)).toBe(1);
      for (const windowBytes of BATCHING) expectSameDocument(fromOffsets(text, windowBytes), whole);
      expectSameDocument(fromMemory(text), whole);
    });

    test("a broken entry among many: undefined, so the text is parsed whole", () => {
      const text = JSON.stringify(planOf(changes(60))).replace('"name":"s41"', '"name":"s41",');
      for (const windowBytes of BATCHING) expect(fromOffsets(text, windowBytes)).toBeUndefined();
      expect(fromMemory(text)).toBeUndefined();
    });
  });
});

/** Plans made here by terraform (ASCII, in terraform's order: every one is read in pieces). */
const fixturePlans = fs
  .readdirSync(path.join(FIXTURES, "tf"))
  .map((name) => path.join(FIXTURES, "tf", name, "plan.json"))
  .filter((file) => fs.existsSync(file));

describe.each([...fixturePlans, ...corpusPlans()].map((file) => [path.relative(FIXTURES, file), file]))("real plan %s", (_name, file) => {
  test("in pieces, it is the plan without the unread sections, bounded in depth, and models to the same instances", () => {
    const text = fs.readFileSync(file, "latin1");
    const full = JSON.parse(text) as Json;
    // As the loader bounds every document it parses whole.
    boundDepth(full);
    const pieces = fromMemory(text);
    // Terraform's ASCII plans are read in pieces; text outside ASCII and old plans are not.
    const piecewise = /^[\x01-\x7f]*$/.test(text) && typeof full.format_version === "string" && Object.keys(full)[0] === "format_version" && Array.isArray(full.resource_changes);
    expect(pieces !== undefined).toBe(piecewise);
    if (pieces === undefined) return;
    expectSameDocument(pieces, withoutUnread(full));
    expect(fromOffsets(text, 61)).toEqual(pieces);
    if (full.errored === true) return;
    expect(instancesFromPlan(pieces as unknown as PlanDocument)).toEqual(instancesFromPlan(full as unknown as PlanDocument));
  });
});

describe("loading a plan of MIN_PLAN_BYTES or more", () => {
  const document = JSON.parse(fs.readFileSync(path.join(FIXTURES, "tf", "heldout-a-child-module-nodegroups", "plan.json"), "utf8")) as Json;
  const planned = document.planned_values as { root_module: Json };
  // Past the size where pieces pay off: more of what root_module holds.
  planned.root_module = { ...planned.root_module, padding: Array.from({ length: MIN_PLAN_BYTES / 32 }, (_, i) => ({ address: `padding.${i}`, values: {} })) };
  const text = JSON.stringify(document);
  let dir: string;
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-pieces-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("from a file or stdin: read in pieces, it models as its bytes given whole do", () => {
    expect(text.length).toBeGreaterThan(MIN_PLAN_BYTES);
    const file = write("plan.json", text);
    const [fromFile] = loadInputs([file]);
    const [fromStdin] = loadInput("-", () => Buffer.from(text));
    const [whole] = loadBytes(Buffer.from(text), file);
    expect((fromFile.document as unknown as Json).planned_values).toEqual({ outputs: (document.planned_values as Json).outputs });
    expect(fromStdin.document).toEqual(fromFile.document);
    expect(((whole.document as unknown as Json).planned_values as Json).root_module).toBeDefined();
    expect([...buildGraph(fromFile).instances.values()]).toEqual([...buildGraph(whole).instances.values()]);
    const fd = fs.openSync(file, "r");
    try {
      expect(parsePlanInPieces(fileSource(fd, text.length))).toEqual(fromFile.document);
    } finally {
      fs.closeSync(fd);
    }
  });

  test.each([
    ["cut short", text.slice(0, -40)],
    ["with a broken entry", text.replace('"change":{', '"change":{,')],
    ["with a byte outside ASCII in a section that is not read", text.replace('"padding.7"', '"padding.\u00e9"')],
  ])("%s: the same result or error as the text parsed whole, line and column included", (_name, broken) => {
    const file = write("broken.json", broken);
    const whole = () => loadText(broken, file);
    let expected: string | undefined;
    try {
      whole();
    } catch (error) {
      expected = (error as Error).message;
    }
    if (expected === undefined) expect(loadInputs([file])).toEqual(whole());
    else {
      expect(expected).toMatch(/line \d+, column \d+|outside/);
      expect(() => loadInputs([file])).toThrow(expected);
      expect(() => loadInput("-", () => Buffer.from(broken))).toThrow(expected.replace(file, "<stdin>"));
    }
  });
});
