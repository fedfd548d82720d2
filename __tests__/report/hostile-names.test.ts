/**
 * Nothing from a plan can forge output: for_each keys and a tag key written by a pull request
 * (line breaks, workflow commands, a fake summary line, a Markdown fence, terminal escapes, a
 * Mermaid directive, a bidi override) stay inside their finding, in every format and diagram.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cli, fixturePlan } from "../helpers/fixtures";

const plan = fixturePlan("hostile-names");
// Raw control characters (but the line feeds a format writes itself) and the right-to-left override.
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const STATUS = /^(FAIL|WARN|INFO|UNKNOWN|EXCEPTION) - /;

const run = (...args: string[]) => cli(["check", plan, "--fail-on", "never", ...args]).stdout;

test("text: one line per finding, and the only summary line is the tool's, last", () => {
  const lines = run("--format", "text").trimEnd().split("\n");
  const summaries = lines.filter((line) => /^\d+ tests, \d+ passed/.test(line));
  expect(summaries).toEqual([lines.at(-1)]);
  expect(lines.at(-2)).toMatch(/^eks-sg-policy: \d+ errors, /);
  expect(lines.slice(0, -2).every((line) => STATUS.test(line))).toBe(true);
  expect(lines.length - 2).toBe(JSON.parse(run("--format", "json")).findings.length);
  // The hostile key is there, shown as escapes.
  expect(lines.join("\n")).toContain('cluster "hostile\\n::error::tag" is not in this plan');
});

test("github: every line is one of the tool's workflow commands, none the plan's", () => {
  const lines = run("--format", "github").trimEnd().split("\n");
  const findings = JSON.parse(run("--format", "json")).findings.length;
  expect(lines.filter((line) => /^::(error|warning|notice) file=/.test(line))).toHaveLength(findings);
  expect(lines.filter((line) => !/^::(error|warning|notice) file=/.test(line))).toEqual([expect.stringMatching(/^eks-sg-policy: \d+ errors, /)]);
  expect(lines.some((line) => /^::add-mask::|^::error file=x::/.test(line))).toBe(false);
});

test.each(["text", "json", "markdown", "sarif", "junit", "github"])("--format %s holds no raw control character", (format) => {
  const out = run("--format", format);
  expect(out.length).toBeGreaterThan(1000);
  expect(CONTROL.exec(out)).toBeNull();
});

test("markdown: the table's rows stay rows; the plan's fence and </details> stay inside cells", () => {
  const lines = run("--format", "markdown").split("\n");
  const count = (pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;
  expect(count(/^```$/)).toBe(count(/^```mermaid$/));
  expect(count(/^<\/details>$/)).toBe(count(/^<details[ >]/));
  expect(lines.filter((line) => line.includes('fence\\n```')).every((line) => line.startsWith("| "))).toBe(true);
});

test.each(["mermaid", "dot"])("graph --format %s: no control character, and no Mermaid directive", (format) => {
  const out = cli(["graph", plan, "--format", format]).stdout;
  expect(out).toMatch(/pool/);
  expect(CONTROL.exec(out)).toBeNull();
  if (format === "mermaid") expect(out).not.toMatch(/%%\{/);
});

test("a schema error naming a hostile JSON key is one printable line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-hostile-"));
  const file = path.join(dir, "plan.json");
  fs.writeFileSync(file, JSON.stringify({ format_version: "1.2", variables: { "x\n::error::forged\u001b[2K": 5 } }));
  const { code, stderr } = cli(["check", file]);
  expect(code).toBe(2);
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(CONTROL.exec(stderr.trimEnd())).toBeNull();
  expect(stderr).toContain("x\\n::error::forged\\e[2K");
});

test("markdown past GitHub's comment limit stays under it and says what it left out", () => {
  const text = run("--format", "markdown");
  expect(text.length).toBeLessThan(65_536);
  expect(text).toMatch(/…and \d+ more findings: see the full report/);
  expect(text).toMatch(/```mermaid\n/);
});
