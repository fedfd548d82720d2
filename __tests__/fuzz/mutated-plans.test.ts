/**
 * Seeded, structure-aware fuzzing of real plans and cdk.tf.json documents (see
 * helpers/plan-mutations): every mutated input ends in a report (exit 0 or 1) or in one line that
 * names the input error (exit 2) — never an internal error, a stack trace or a second line.
 *
 * A few hundred cases run with the suite; `npm run fuzz` runs thousands and prints the figures.
 * EKS_SG_POLICY_FUZZ_CASES and EKS_SG_POLICY_FUZZ_SEED replay a run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runCli } from "../../checker/cli/main";
import { FORMAT_NAMES } from "../../checker/report/formatters";
import { FIXTURES, VENDORED_CORPUS, ERRORED_PLANS } from "../helpers/fixtures";
import { mutate, randomFrom, serialize } from "../helpers/plan-mutations";

const CASES = Number(process.env.EKS_SG_POLICY_FUZZ_CASES ?? 300);
const SEED = Number(process.env.EKS_SG_POLICY_FUZZ_SEED ?? 20261130);
const REPORT = process.env.EKS_SG_POLICY_FUZZ_REPORT !== undefined;
/** A folder where each broken case's input is written, to replay with `check --debug`. */
const DUMP = process.env.EKS_SG_POLICY_FUZZ_DUMP;

function documents(): { name: string; document: never }[] {
  const tf = path.join(FIXTURES, "tf");
  const files = [
    ...fs.readdirSync(tf).flatMap((dir) => ["plan.json", "cdk.tf.json"].map((f) => path.join(tf, dir, f))),
    ...fs.readdirSync(VENDORED_CORPUS).filter((f) => !ERRORED_PLANS.has(f)).map((f) => path.join(VENDORED_CORPUS, f)),
  ].filter((f) => fs.existsSync(f) && fs.statSync(f).size < 2_000_000);
  return files.sort().map((file) => ({ name: path.relative(FIXTURES, file), document: JSON.parse(fs.readFileSync(file, "utf8")) as never }));
}

interface Outcome {
  readonly kind: "report" | "input error" | "broken";
  readonly detail: string;
}

function judge(code: number, stdout: string, stderr: string, format: string): Outcome {
  if (code === 0 || code === 1) {
    if (stdout === "") return { kind: "broken", detail: `exit ${code} with nothing on stdout` };
    if (stderr !== "" && !/^(eks-sg-policy: warning: [^\n]*\n)+$/.test(stderr)) return { kind: "broken", detail: `exit ${code}, stderr: ${stderr.slice(0, 300)}` };
    if (format === "json" || format === "sarif") {
      try {
        JSON.parse(stdout);
      } catch {
        return { kind: "broken", detail: `--format ${format} printed invalid JSON` };
      }
    }
    return { kind: "report", detail: "" };
  }
  if (code === 2) {
    const lines = stderr.split("\n").filter((l) => l !== "");
    if (lines.length !== 1 || !lines[0].startsWith("eks-sg-policy: ") || lines[0].includes("internal error")) return { kind: "broken", detail: `exit 2, stderr: ${stderr.slice(0, 600)}` };
    // Grouped by what kind of input error it is: "is not a valid plan", "is not valid JSON"…
    return { kind: "input error", detail: lines[0].replace(/^eks-sg-policy: <stdin>: /, "").split(/[:(.]/)[0].trim() };
  }
  return { kind: "broken", detail: `exit ${code}` };
}

test(`${CASES} mutated real plans (seed ${SEED}): each ends in a report or a one-line input error`, () => {
  const inputs = documents();
  expect(inputs.length).toBeGreaterThan(50);
  const random = randomFrom(SEED);
  const broken: string[] = [];
  const kinds = new Map<string, number>();
  const started = process.hrtime.bigint();
  for (let i = 0; i < CASES; i++) {
    const input = inputs[Math.floor(random() * inputs.length)];
    const { what, document } = mutate(input.document, random);
    const format = FORMAT_NAMES[Math.floor(random() * FORMAT_NAMES.length)];
    let stdout = "";
    let stderr = "";
    const bytes = Buffer.from(serialize(document));
    const code = runCli(["check", "--format", format, "-"], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: () => bytes, env: {}, cwd: FIXTURES });
    const outcome = judge(code, stdout, stderr, format);
    const label = outcome.kind === "input error" ? `input error: ${outcome.detail}` : outcome.kind;
    kinds.set(label, (kinds.get(label) ?? 0) + 1);
    if (outcome.kind === "broken" && DUMP) fs.writeFileSync(path.join(DUMP, `case-${i}.json`), bytes);
    if (outcome.kind === "broken") broken.push(`case ${i} (${input.name}, --format ${format}; ${what.slice(0, 200)}): ${outcome.detail}`);
  }
  if (REPORT) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const figures = [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${String(n).padStart(6)}  ${k}`);
    process.stdout.write(`fuzz: ${CASES} cases from ${inputs.length} real documents, seed ${SEED}, ${seconds.toFixed(1)} s (${((seconds * 1000) / CASES).toFixed(1)} ms a case)\n${figures.join("\n")}\n`);
  }
  expect(broken).toEqual([]);
});
