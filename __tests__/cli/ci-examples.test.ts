/**
 * The CI examples run as they are: the check command in each is accepted by the CLI and writes
 * the files the next step reads; `graph` draws the topology.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli } from "../../checker/cli/main";
import { fixturePlan, ROOT } from "../helpers/fixtures";

/** The arguments after `eks-sg-policy…` in the example's check command, with the plan path replaced. */
function exampleArgs(file: string, plan: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8").replace(/>\n\s+/g, " ").replace(/\n\s+--/g, " --");
  const line = text.split("\n").find((l) => /eks-sg-policy(@[\d.]+)? check/.test(l));
  if (!line) throw new Error(`no check command in ${file}`);
  const command = line.slice(line.indexOf(" check") + 1).trim();
  return command.split(/\s+/).map((word) => (word === '"$TF_DIR/plan.json"' ? plan : word));
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const code = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env });
  return { code, stdout, stderr };
}

const plan = fixturePlan("topo-lt-node-sg-no-rules");

test("GitHub Actions: annotations, a job summary, SARIF and Markdown files", () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-gha-"));
  const summary = path.join(cwd, "summary.md");
  const args = exampleArgs("examples/github-actions/eks-sg-policy.yml", plan);
  expect(args).toEqual(["check", plan, "--format", "github", "--format", "sarif=eks-sg-policy.sarif", "--format", "markdown=eks-sg-policy.md"]);
  const previous = process.cwd();
  process.chdir(cwd); // the example writes its files relative to the working folder
  try {
    const result = run(args, cwd, { GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::error /m);
    expect(JSON.parse(fs.readFileSync(path.join(cwd, "eks-sg-policy.sarif"), "utf8")).version).toBe("2.1.0");
    expect(fs.readFileSync(path.join(cwd, "eks-sg-policy.md"), "utf8")).toMatch(/```mermaid/);
    expect(fs.readFileSync(summary, "utf8")).toMatch(/node-to-apiserver/);
  } finally {
    process.chdir(previous);
  }
});

test("GitLab CI: text on stdout and a JUnit file", () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-gitlab-"));
  const args = exampleArgs("examples/gitlab-ci/.gitlab-ci.yml", plan);
  expect(args).toEqual(["check", plan, "--format", "text", "--format", "junit=eks-sg-policy.junit.xml"]);
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const result = run(args, cwd);
    expect(result.stdout).toMatch(/ failures, 0 exceptions\n$/);
    expect(fs.readFileSync(path.join(cwd, "eks-sg-policy.junit.xml"), "utf8")).toMatch(/<testsuites[\s\S]*<failure/);
  } finally {
    process.chdir(previous);
  }
});

test("graph draws Mermaid or DOT", () => {
  expect(run(["graph", plan], ROOT).stdout).toMatch(/^flowchart LR\n/);
  expect(run(["graph", plan, "--format", "dot"], ROOT).stdout).toMatch(/^digraph /);
});
