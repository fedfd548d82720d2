/** The "From code" example of docs/formats.md type-checks and runs as written, on a real plan. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { docBlock } from "../helpers/doc-blocks";
import { linkSourceAsPackage, runScript, typeCheck } from "../helpers/doc-scripts";
import { fixturePlan } from "../helpers/fixtures";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-formats-doc-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  fs.writeFileSync(path.join(dir, "report-formats.ts"), docBlock("docs/formats.md", "report-formats.ts"));
  fs.copyFileSync(fixturePlan("topo-mixed-fargate-ec2"), path.join(dir, "plan.json"));
  linkSourceAsPackage(dir);
});

test("it type-checks against the library's declarations", () => {
  expect(typeCheck(dir, "report-formats.ts")).toBe("");
});

test("it writes every format, and in GitHub Actions the annotations and the job summary", () => {
  const summary = path.join(dir, "summary.md");
  const run = runScript(dir, "report-formats.ts", { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
  const sarif = JSON.parse(read("eks-sg-policy.sarif"));
  expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toContain("node-dns");
  expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("infra/main.tf");
  expect(read("eks-sg-policy.xml")).toMatch(/<testsuites[\s\S]*<failure/);
  expect(read("eks-sg-policy.md")).toMatch(/```mermaid/);
  expect(read("eks.mmd")).toMatch(/^flowchart LR/m);
  expect(read("eks.dot")).toMatch(/^digraph/m);
  expect(run.stdout).toMatch(/^::error file=plan\.json,title=FAIL node-dns/m);
  expect(fs.readFileSync(summary, "utf8")).toMatch(/node-dns/);
});
