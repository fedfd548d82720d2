/**
 * schemas/config.schema.json, the JSON Schema users put in `$schema`: shipped up to date, and it
 * agrees with the checker on the configurations of the docs and on the mistakes the checker rejects.
 */
import Ajv from "ajv";
import * as fs from "node:fs";
import * as path from "node:path";
import { configJsonSchema } from "../../checker/config/config-json-schema";
import * as os from "node:os";
import { resolveSettings } from "../../checker/run/settings";
import { ROOT_KEYS } from "../../checker/config/config-schema";
import { isUtcDate } from "../../checker/user-files/utc-date";
import { ROOT } from "../helpers/fixtures";
import { policies } from "../../policies";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FILE, schemaText } = require("../../scripts/config-schema.js") as { FILE: string; schemaText: (schema: object) => string };

const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, FILE), "utf8")) as object;
// A plain ajv, as an editor or a user's own tooling would have: draft-07, strict, the standard date format.
const validate = new Ajv({ allErrors: true, strict: true, formats: { date: isUtcDate } }).compile(shipped);

test("the shipped schema is what npm run docs makes from the registry", () => {
  expect(fs.readFileSync(path.join(ROOT, FILE), "utf8")).toBe(schemaText(configJsonSchema(policies)));
});

test("the package ships it", () => {
  expect((JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { files: string[] }).files).toContain("schemas");
});

/** Every ```json block of these pages that is a whole configuration file. */
function docConfigs(): { where: string; config: Record<string, unknown> }[] {
  const found: { where: string; config: Record<string, unknown> }[] = [];
  for (const doc of ["README.md", "docs/configuration.md", "docs/writing-policies.md", "docs/gate.md", "docs/getting-started-cdktf.md"]) {
    if (!fs.existsSync(path.join(ROOT, doc))) continue;
    const text = fs.readFileSync(path.join(ROOT, doc), "utf8");
    for (const match of text.matchAll(/```json[^\n]*\n([\s\S]*?)\n```/g)) {
      let value: unknown;
      try {
        value = JSON.parse(match[1]);
      } catch {
        continue; // fragments such as "context": {…}
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) continue;
      const keys = Object.keys(value);
      if (keys.length > 0 && keys.every((k) => (ROOT_KEYS as readonly string[]).includes(k))) {
        found.push({ where: `${doc}:${text.slice(0, match.index).split("\n").length}`, config: value as Record<string, unknown> });
      }
    }
  }
  return found;
}

const configs = docConfigs();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-schema-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The checker reading `data` as its configuration file, as `check --config` does (options included). */
function checkerReads(data: object): () => void {
  const file = path.join(tmp, "eks-sg-policy.config.json");
  fs.writeFileSync(file, JSON.stringify(data));
  return () => resolveSettings({ registry: policies, cwd: tmp, config: file });
}

test("the docs have configuration examples, one of them pointing $schema at the shipped file", () => {
  expect(configs.length).toBeGreaterThanOrEqual(5);
  expect(configs.map((c) => c.config.$schema)).toContain("./node_modules/eks-sg-policy/schemas/config.schema.json");
});

test.each(configs.map((c) => [c.where, c.config] as const))("ajv accepts the example at %s", (_where, config) => {
  const ok = validate(config);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
});

test.each(configs.filter((c) => !c.config.plugins).map((c) => [c.where, c.config] as const))("and so does the checker: %s", (_where, config) => {
  expect(checkerReads(config)).not.toThrow();
});

describe("what the checker rejects, the schema rejects", () => {
  const waiver = { policy: "public-endpoint", address: "aws_eks_cluster.this", reason: "Dev cluster behind the proxy", owner: "@platform", expires: "2027-01-31" };
  const cases: [string, object][] = [
    ["an unknown top-level key", { polices: {} }],
    ["an unknown policy id", { policies: { "node-imds": { enabled: false } } }],
    ["options out of range", { policies: { "node-imdsv2": { options: { maxHopLimit: 100 } } } }],
    ["an unknown option", { policies: { "node-imdsv2": { options: { hopLimit: 1 } } } }],
    ["options on a policy that takes none", { policies: { "node-dns": { options: {} } } }],
    ["options under *", { policies: { "*": { options: {} } } }],
    ["a bad severity", { policies: { "node-dns": { severity: "critical" } } }],
    ["a bad failOn", { failOn: "errors" }],
    ["a short reason", { waivers: [{ ...waiver, reason: "  because " }] }],
    ["a date that is no date", { waivers: [{ ...waiver, expires: "2027-02-30" }] }],
    ["a date written otherwise", { waivers: [{ ...waiver, expires: "31/01/2027" }] }],
    ["a waiver without owner", { waivers: [{ ...waiver, owner: undefined }] }],
    ["a waiver for an unknown policy", { waivers: [{ ...waiver, policy: "public-endpoints" }] }],
    ["an unknown waiver key", { waivers: [{ ...waiver, adress: "x" }] }],
  ];

  test.each(cases)("%s", (_what, config) => {
    const data = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    expect(checkerReads(data)).toThrow();
    expect(validate(data)).toBe(false);
  });

  test("with plugins, their policies may be configured and waived (the checker checks the ids once it has loaded them)", () => {
    expect(validate({ plugins: ["./org.js"], policies: { "acme-x": { severity: "error", options: { tag: "team" } } }, waivers: [{ ...waiver, policy: "acme-x" }] })).toBe(true);
    expect(validate({ plugins: ["./org.js"], policies: { "node-imdsv2": { options: { maxHopLimit: 100 } } } })).toBe(false);
  });
});
