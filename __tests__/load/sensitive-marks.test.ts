/**
 * A change's sensitive marks that hold no `true` read as `false`, as the model reads them; marks
 * with a `true` anywhere stay as they are.
 */
import { anyMark, withUnmarkedAsFalse } from "../../checker/load/sensitive-marks";
import type { JsonValue } from "../../checker/load/plan-document";

/** `levels` lists and objects in turn around `leaf`. */
function nested(levels: number, leaf: JsonValue): JsonValue {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { v: value };
  return value;
}

describe("anyMark", () => {
  test.each<[string, JsonValue, boolean]>([
    ["true", true, true],
    ["false", false, false],
    ["null", null, false],
    ["an empty object", {}, false],
    ["an empty list", [], false],
    ["empty lists and objects, as terraform writes them for most resources", { tags: {}, tags_all: {}, ingress: [{ cidr_blocks: [false, false] }, {}] }, false],
    ["a true deep in a list of objects", { ingress: [{ cidr_blocks: [false] }, { cidr_blocks: [false, true] }] }, true],
    ["a true in a list at the top", [false, [false, [true]]], true],
    ["a string or a number, which are not marks", { a: "true", b: 1 }, false],
    // The walk recurses 32 levels, then walks with a stack.
    ["a true 31 levels down", nested(31, true), true],
    ["a true 32 levels down", nested(32, true), true],
    ["a true 33 levels down", nested(33, true), true],
    ["no true 33 levels down", [nested(33, false), nested(32, false)], false],
    ["a true 20,000 levels down", nested(20000, true), true],
    ["no true 20,000 levels down", nested(20000, false), false],
  ])("%s: %s", (_name, marks, expected) => {
    expect(anyMark(marks)).toBe(expected);
  });

  test("a key inherited from Object.prototype is not looked at", () => {
    const marks = Object.create({ inherited: true }) as { [key: string]: JsonValue };
    marks.own = false;
    expect(anyMark(marks)).toBe(false);
  });
});

describe("withUnmarkedAsFalse", () => {
  const entry = (change: unknown) => ({ address: "aws_security_group.a", change });

  test.each<[string, unknown, unknown]>([
    ["marks without a true are false", { before_sensitive: {}, after_sensitive: { tags: {}, ingress: [{ cidr_blocks: [] }] } }, { before_sensitive: false, after_sensitive: false }],
    ["marks with a true stay as they are", { before_sensitive: false, after_sensitive: { password: true, tags: {} } }, { before_sensitive: false, after_sensitive: { password: true, tags: {} } }],
    ["a whole value marked stays true", { after_sensitive: true }, { after_sensitive: true }],
    ["absent marks stay absent", { actions: ["create"] }, { actions: ["create"] }],
    ["null marks stay null", { after_sensitive: null }, { after_sensitive: null }],
    ["other members are not looked at", { after: { tags: {} }, after_unknown: {}, after_sensitive: [] }, { after: { tags: {} }, after_unknown: {}, after_sensitive: false }],
  ])("%s", (_name, change, expected) => {
    const given = entry(change);
    expect(withUnmarkedAsFalse(given)).toBe(given);
    expect(given).toEqual(entry(expected));
  });

  test("entries that are not objects, and changes that are not objects, are left alone", () => {
    const entries: unknown[] = [null, 1, "x", [], { change: null }, { change: "create" }, { change: [{}] }, { address: "no change" }];
    const before = JSON.stringify(entries);
    for (const given of entries) expect(withUnmarkedAsFalse(given)).toBe(given);
    expect(JSON.stringify(entries)).toBe(before);
  });
});
