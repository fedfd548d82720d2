/** Every registered policy has a stable id, a doc page and a table-driven test, and the registry is sorted. */
import * as fs from "node:fs";
import * as path from "node:path";
import { validatorOf } from "../../checker/user-files/ajv";
import { policies } from "../../policies";
import { ROOT } from "../helpers/fixtures";

const ids = policies.map((p) => p.meta.id);

test("the registry is sorted by id and ids are unique kebab-case", () => {
  expect(ids).toEqual([...ids].sort());
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
});

test.each(ids)("%s has its file, doc page and test", (id) => {
  expect(fs.existsSync(path.join(ROOT, "policies", `${id}.ts`))).toBe(true);
  const doc = fs.readFileSync(path.join(ROOT, "docs/policies", `${id}.md`), "utf8");
  expect(doc.startsWith(`# ${id}\n`)).toBe(true);
  expect(doc).toMatch(/## How to fix/);
  expect(fs.existsSync(path.join(ROOT, "__tests__/policies", `${id}.test.ts`))).toBe(true);
});

test("doc headers and the README table say what each policy's meta says (npm run docs rewrites them)", () => {
  const { staleDocs } = require("../../scripts/policy-docs.js") as { staleDocs: (root: string, list: typeof policies) => string[] };
  expect(staleDocs(ROOT, policies)).toEqual([]);
});

test.each(policies.map((p) => [p.meta.id, p]))("%s: meta is complete, its messages are templates, default options satisfy its schema", (_id, policy) => {
  for (const [id, template] of Object.entries(policy.meta.messages)) {
    expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(template.replace(/\{\{\s*[A-Za-z_]\w*\s*\}\}/g, "")).not.toMatch(/\{\{|\}\}/);
  }
  expect(["error", "warning", "info"]).toContain(policy.meta.severity);
  expect(policy.meta.title.length).toBeGreaterThan(10);
  expect(policy.meta.rationale.length).toBeGreaterThan(20);
  expect(Boolean(policy.meta.optionsSchema)).toBe(Boolean(policy.meta.defaultOptions));
  if (policy.meta.optionsSchema) expect(validatorOf(policy.meta.optionsSchema)(policy.meta.defaultOptions)).toBe(true);
});
