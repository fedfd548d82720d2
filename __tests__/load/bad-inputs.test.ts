/** Every kind of bad input exits 2 with one line that names the file, the problem and the remedy. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cli, corpusPlan } from "../helpers/fixtures";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-bad-"));
const write = (name: string, content: string | Uint8Array) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
};
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const minimalPlan = JSON.stringify({ format_version: "1.2", terraform_version: "1.11.4", resource_changes: [] });

const cases: { name: string; file: () => string; says: RegExp }[] = [
  { name: "missing file", file: () => path.join(dir, "nope.json"), says: /no such file or folder\. Check the path/ },
  { name: "empty file", file: () => write("empty.json", ""), says: /is empty\. .*terraform show -json/ },
  { name: "whitespace only", file: () => write("blank.json", "  \n\n"), says: /is empty/ },
  { name: "truncated JSON", file: () => write("truncated.json", minimalPlan.slice(0, 40)), says: /ends before the JSON is complete \(at line 1, column \d+\)\. The file is truncated/ },
  { name: "invalid JSON", file: () => write("invalid.json", '{"format_version": "1.2",, }'), says: /is not valid JSON \(at line 1, column \d+\)/ },
  { name: "binary plan (zip)", file: () => write("plan.out", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0])), says: /binary plan file .*terraform show -json plan\.out > plan\.json/ },
  { name: "other binary", file: () => write("random.bin", Buffer.from([0x00, 0x00, 0xff, 0x10, 0x80, 0x81, 0x00, 0x01])), says: /is a binary file, not JSON/ },
  { name: "raw state file", file: () => write("terraform.tfstate", JSON.stringify({ version: 4, terraform_version: "1.11.4", serial: 3, lineage: "x", outputs: {}, resources: [] })), says: /is a Terraform state, not a plan/ },
  { name: "state from show -json", file: () => write("state.json", JSON.stringify({ format_version: "1.0", terraform_version: "1.11.4", values: { root_module: {} } })), says: /is a Terraform state, not a plan/ },
  { name: "HCL", file: () => write("main.tf", 'resource "aws_security_group" "x" {\n  name = "x"\n}\n'), says: /is Terraform configuration \(HCL\), not a plan\. Run `terraform plan -out plan\.out/ },
  { name: "HCL with comments first", file: () => write("vars.tf", '# inputs\nvariable "x" {}\n'), says: /Terraform configuration \(HCL\)/ },
  { name: "format_version 2", file: () => write("future.json", JSON.stringify({ format_version: "2.0", resource_changes: [] })), says: /format_version 2\.0, and this checker reads format 0\.x and 1\.x/ },
  { name: "errored plan", file: () => corpusPlan("opentofu__opentofu__show-json-plan-error.json")!, says: /plan that errored \(errored: true\)/ },
  { name: "folder without stacks", file: () => fs.mkdtempSync(path.join(dir, "emptydir-")), says: /folder without stacks.*cdktf synth/ },
  { name: "manifest with no stacks", file: () => { const d = fs.mkdtempSync(path.join(dir, "out-")); fs.writeFileSync(path.join(d, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: {} })); return d; }, says: /folder without stacks/ },
  { name: "JSON list", file: () => write("list.json", "[1,2]"), says: /holds a JSON list, not an object/ },
  { name: "JSON string", file: () => write("string.json", '"plan"'), says: /holds a JSON string, not an object/ },
  { name: "JSON null", file: () => write("null.json", "null"), says: /holds a JSON null, not an object/ },
  { name: "unrelated object", file: () => write("package.json", JSON.stringify({ name: "x", version: "1.0.0" })), says: /neither a Terraform plan nor CDKTF output/ },
  { name: "plan with wrong types", file: () => write("wrong.json", JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "a.b", type: "a", name: "b", change: { actions: "create" } }] })), says: /not a valid plan: resource_changes\[0\]\.change\.actions must be array/ },
];

describe("bad input", () => {
  test.each(cases)("$name → exit 2 with one line", ({ file, says }) => {
    const target = file();
    const run = cli(["check", target]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^eks-sg-policy: /);
    expect(lines[0]).toContain(target);
    expect(lines[0]).toMatch(says);
    expect(lines[0]).not.toMatch(/\n\s+at /);
  });

  test("--debug adds the stack trace", () => {
    const run = cli(["check", path.join(dir, "nope.json"), "--debug"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/InputError/);
    expect(run.stderr.split("\n").length).toBeGreaterThan(2);
  });

  test("one bad input among good ones fails the run with exit 2", () => {
    const good = write("good.json", minimalPlan);
    const run = cli(["check", good, path.join(dir, "missing.json")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing.json");
  });

  test("usage errors exit 2", () => {
    expect(cli(["check"]).code).toBe(2);
    expect(cli(["check", "x.json", "--format", "yaml"]).code).toBe(2);
    expect(cli(["frobnicate"]).code).toBe(2);
    expect(cli([]).code).toBe(2);
  });

  test("--help and --version exit 0", () => {
    expect(cli(["--help"]).code).toBe(0);
    expect(cli(["check", "--help"]).code).toBe(0);
    const version = cli(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("encodings", () => {
  const file = corpusPlan("cycloidio__terracost__eks-nodegroup-launch-template-tf151.json")!;
  const plan = fs.readFileSync(file, "utf8");
  const expected = cli(["check", file, "--format", "text"]);

  const utf16be = (text: string) => {
    const le = Buffer.from(text, "utf16le");
    le.swap16();
    return le;
  };
  const encodings: [string, () => Uint8Array][] = [
    ["UTF-8 with BOM", () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(plan, "utf8")])],
    ["UTF-16 LE with BOM (PowerShell >)", () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(plan, "utf16le")])],
    ["UTF-16 BE with BOM", () => Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(plan)])],
    ["UTF-16 LE without BOM", () => Buffer.from(plan, "utf16le")],
  ];
  test.each(encodings)("%s gives the same findings as UTF-8", (name, bytes) => {
    const file = write(`enc-${name.replace(/\W+/g, "-")}.json`, bytes());
    const run = cli(["check", file, "--format", "text"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(expected.code);
    expect(run.stdout).toBe(expected.stdout);
    expect(run.stdout).toMatch(/FAIL - module\.eks\.aws_eks_cluster\.example - public-endpoint/);
  });

  test("stdin (-) reads the same plan", () => {
    const run = cli(["check", "-", "--format", "text"], Buffer.from(plan, "utf8"));
    expect(run.code).toBe(expected.code);
    expect(run.stdout).toBe(expected.stdout);
  });

  test("an empty stdin is an input error naming <stdin>", () => {
    const run = cli(["check", "-"], new Uint8Array());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^eks-sg-policy: <stdin>: is empty/);
  });
});
