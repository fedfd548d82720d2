/**
 * printableDeep makes every string of a finding's facts one printable line and keeps the
 * structure: the same members in the same order, own `__proto__` members included, other objects
 * (an Unknown, a Date) as they are.
 */
import { printableDeep } from "../../checker/printable";

class Opaque {
  constructor(readonly text: string) {}
}

test.each([
  ["a string", "a\nb", "a\\nb"],
  ["a string with nothing to escape, non-ASCII included", "plain ✓ text", "plain ✓ text"],
  ["a separator at the end only", "ok\u2029", "ok\\u{2029}"],
  ["a direction override, then a DEL", "a\u202eb\u007f", "a\\u{202e}b\\u{7f}"],
  ["a list", ["x\ty", 1, null], ["x\\ty", 1, null]],
  ["nested members, in their order", { b: { c: ["\u001b[31m"] }, a: "ok" }, { b: { c: ["\\e[31m"] }, a: "ok" }],
  ["numbers, booleans, null", { n: 1, t: true, z: null }, { n: 1, t: true, z: null }],
])("%s", (_, given, expected) => {
  const out = printableDeep(given);
  expect(out).toEqual(expected);
  expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
});

test("an own __proto__ member stays a member and does not become the prototype", () => {
  const given = JSON.parse('{"__proto__": {"polluted": "x\\ny"}, "k": "v"}') as Record<string, unknown>;
  const out = printableDeep(given);
  expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  expect(Object.keys(out)).toEqual(["__proto__", "k"]);
  expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ polluted: "x\\ny" });
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

test("objects that are not plain are left as they are", () => {
  const opaque = new Opaque("a\nb");
  const out = printableDeep({ opaque });
  expect(out.opaque).toBe(opaque);
  expect(out.opaque.text).toBe("a\nb");
});
