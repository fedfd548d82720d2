/** The waivers file (`--waivers file`): `{ "waivers": [...] }`, validated with ajv; one-line errors. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { policies } from "../../policies";
import { InputError } from "../../checker/errors";
import { loadWaiversFile } from "../../checker/waivers/load-waivers";

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-waivers-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const GOOD = {
  policy: "node-imdsv2",
  address: 'module.eks.aws_launch_template.this["general"]',
  reason: "GPU AMI needs hop limit 2 until the vendor fixes it",
  owner: "@ml-platform",
  expires: "2027-01-31",
};

test("a valid file gives waivers with their source", () => {
  const file = write("waivers.json", JSON.stringify({ $schema: "./waivers.schema.json", waivers: [GOOD, { ...GOOD, address: "module.*", ticket: "SEC-1", input: "plans/*.json" }] }));
  expect(loadWaiversFile(file, { registry: policies, display: "waivers.json" })).toEqual([
    { ...GOOD, source: { file: "waivers.json", path: "waivers[0]" } },
    { ...GOOD, address: "module.*", ticket: "SEC-1", input: "plans/*.json", source: { file: "waivers.json", path: "waivers[1]" } },
  ]);
});

test("a UTF-8 byte-order mark is accepted and reasons and owners are trimmed", () => {
  const file = write("bom.json", `\uFEFF${JSON.stringify({ waivers: [{ ...GOOD, reason: `  ${GOOD.reason} `, owner: " @ml-platform " }] })}`);
  expect(loadWaiversFile(file, { registry: policies, display: "bom.json" })[0]).toMatchObject({ reason: GOOD.reason, owner: "@ml-platform" });
});

const CASES: [string, string, string][] = [
  [
    "bad JSON",
    '{\n  "waivers": [],\n}',
    "w.json: is not valid JSON (Expected double-quoted property name at line 3, column 1). Fix the syntax there; JSON allows no comments and no trailing commas",
  ],
  ["truncated JSON", '{"waivers": [', "w.json: is not valid JSON (it ends before the JSON is complete, at line 1, column 14). Fix the syntax there; JSON allows no comments and no trailing commas"],
  ["empty", "  \n", 'w.json: is empty. Write the waivers file as a JSON object, e.g. {"waivers": []}'],
  ["a bare list", JSON.stringify([GOOD]), 'w.json: holds a list, not a JSON object. Write the waivers file as a JSON object, e.g. {"waivers": []}'],
  ["no waivers key", "{}", 'w.json: the top level has no "waivers". Write {"waivers": [{"policy": ..., "address": ..., "reason": ..., "owner": ..., "expires": ...}]}'],
  ["unknown top-level key", JSON.stringify({ waiver: [] }), 'w.json: the top level has an unknown key "waiver". Did you mean "waivers"? Allowed keys: $schema, waivers'],
  [
    "unknown waiver key",
    JSON.stringify({ waivers: [{ ...GOOD, expiry: "2027-01-31" }] }),
    'w.json: waivers[0] has an unknown key "expiry". Did you mean "expires"? Allowed keys: policy, address, input, reason, owner, expires, ticket',
  ],
  [
    "short reason",
    JSON.stringify({ waivers: [GOOD, GOOD, { ...GOOD, reason: "wontfix" }] }),
    'w.json: waivers[2].reason has 7 characters, and a reason needs at least 10. Say why the finding is acceptable and what limits the risk, e.g. "Bastion reachable from the corporate VPN only"',
  ],
  [
    "bad date",
    JSON.stringify({ waivers: [{ ...GOOD, expires: "2027-1-31" }] }),
    'w.json: waivers[0].expires is "2027-1-31", which is not a date written YYYY-MM-DD. Write the last day (UTC) on which the waiver holds, e.g. "2027-01-31"',
  ],
  [
    "missing owner",
    JSON.stringify({ waivers: [{ ...GOOD, owner: undefined }] }),
    'w.json: waivers[0] has no "owner". Name who accepted the risk and answers for it, e.g. "@platform-security" or an email address',
  ],
  [
    "unknown policy",
    JSON.stringify({ waivers: [{ ...GOOD, policy: "imdsv2" }] }),
    `w.json: waivers[0].policy is "imdsv2", which is not a policy id. Valid ids: ${policies.map((p) => p.meta.id).join(", ")}`,
  ],
  [
    "unbalanced brace",
    JSON.stringify({ waivers: [{ ...GOOD, address: "aws_launch_template.{a,b" }] }),
    'w.json: waivers[0].address "aws_launch_template.{a,b" has a "{" without its "}". Close the alternatives with "}", or write a literal brace with a backslash before it (in JSON: "\\\\{")',
  ],
  [
    "an address that matches every address",
    JSON.stringify({ waivers: [{ ...GOOD, address: "*" }] }),
    'w.json: waivers[0].address "*" matches every address, which waives node-imdsv2 everywhere. Name the resources the waiver is for (a glob such as "module.eks.aws_eks_node_group.this[*]"), or turn the policy off in "policies" ({"node-imdsv2": {"enabled": false}}), where every report shows it',
  ],
  ["**, the same", JSON.stringify({ waivers: [{ ...GOOD, address: "**" }] }), 'w.json: waivers[0].address "**" matches every address'],
  ["{*,*.*}, the same", JSON.stringify({ waivers: [{ ...GOOD, address: "{*,*.*}" }] }), 'w.json: waivers[0].address "{*,*.*}" matches every address'],
  [
    "a placeholder reason",
    JSON.stringify({ waivers: [{ ...GOOD, reason: "xxxxxxxxxx" }] }),
    'w.json: waivers[0].reason "xxxxxxxxxx" is a placeholder, not a reason. Say why the finding is acceptable and what limits the risk, e.g. "Bastion reachable from the corporate VPN only"',
  ],
  ["TODO as a reason", JSON.stringify({ waivers: [{ ...GOOD, reason: "TODO TODO TODO" }] }), 'w.json: waivers[0].reason "TODO TODO TODO" is a placeholder, not a reason'],
  [
    "an owner who is nobody",
    JSON.stringify({ waivers: [{ ...GOOD, owner: "." }] }),
    'w.json: waivers[0].owner "." names nobody. Name who accepted the risk and answers for it, e.g. "@platform-security" or an email address',
  ],
  ["TBD as an owner", JSON.stringify({ waivers: [{ ...GOOD, owner: "@tbd" }] }), 'w.json: waivers[0].owner "@tbd" names nobody'],
];

test.each(CASES)("%s → one line naming the file and the JSON path", (_, text, message) => {
  const file = write("w.json", text);
  let error: unknown;
  try {
    loadWaiversFile(file, { registry: policies, display: "w.json" });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  // A message that ends in the middle of a sentence names its start only.
  if (/[.)]$/.test(message)) expect((error as Error).message).toBe(message);
  else expect((error as Error).message.startsWith(message)).toBe(true);
  expect((error as Error).message).not.toContain("\n");
});

test("a missing file says so", () => {
  expect(() => loadWaiversFile(path.join(dir, "nope.json"), { registry: policies, display: "nope.json" })).toThrow("nope.json: no such file (given as the waivers file). Check the path");
});
