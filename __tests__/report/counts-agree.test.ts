/**
 * One set of counts everywhere: errors, warnings and infos counted apart, with unknown, waived and
 * what fails the run — the same numbers in text, Markdown, JUnit, SARIF, the GitHub format and
 * the synth-time gate on the same input; conftest's line stays parseable and adds up.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { EksPolicyGate } from "../../modules";
import { BrokenStack } from "../fixtures/cdktf/broken-stack";
import { cli, fixturePlan } from "../helpers/fixtures";

interface Counts {
  errors: number;
  warnings: number;
  infos: number;
  unknown: number;
  waived: number;
  failing: number;
}

const SENTENCE = /(\d+) errors?, (\d+) warnings?, (\d+) infos?, (\d+) unknown, (\d+) waived; (\d+|none) fails? the (?:run|synth)/;

function fromSentence(text: string): Counts {
  const m = SENTENCE.exec(text);
  if (!m) throw new Error(`no counts in ${text.slice(0, 200)}`);
  const [errors, warnings, infos, unknown, waived] = m.slice(1, 6).map(Number);
  return { errors, warnings, infos, unknown, waived, failing: m[6] === "none" ? 0 : Number(m[6]) };
}

function fromMarkdown(text: string): Counts {
  const m = /(\d+) errors? · (\d+) warnings? · (\d+) infos? · (\d+) unknown · (\d+) waived — (\d+|none) fails? the run/.exec(text.split("\n")[0])!;
  const [errors, warnings, infos, unknown, waived] = m.slice(1, 6).map(Number);
  return { errors, warnings, infos, unknown, waived, failing: m[6] === "none" ? 0 : Number(m[6]) };
}

function fromJunit(xml: string): Counts {
  const value = (key: string) => Number(new RegExp(`name="counts\\.${key}" value="(\\d+)"`).exec(xml)![1]);
  return { errors: value("errors"), warnings: value("warnings"), infos: value("infos"), unknown: value("unknown"), waived: value("waived"), failing: value("failing") };
}

const CASES = [
  { name: "a plan with errors, warnings and an info", input: fixturePlan("topo-mixed-fargate-ec2"), failOn: "error" },
  { name: "the same with --fail-on warning", input: fixturePlan("topo-mixed-fargate-ec2"), failOn: "warning" },
  { name: "a plan with unknowns", input: fixturePlan("p-cluster-endpoint-variants"), failOn: "error" },
];

describe.each(CASES)("$name", ({ input, failOn }) => {
  const run = (format: string) => cli(["check", input, "--format", format, "--fail-on", failOn, "--no-config"]).stdout;
  const text = run("text");
  const expected = fromSentence(text);

  test("the counts say something", () => {
    expect(expected.errors + expected.warnings + expected.infos + expected.unknown).toBeGreaterThan(0);
  });

  test("Markdown, JUnit, SARIF and the GitHub format say the same numbers as the text", () => {
    expect(fromMarkdown(run("markdown"))).toEqual(expected);
    expect(fromJunit(run("junit"))).toEqual(expected);
    expect(JSON.parse(run("sarif")).runs[0].properties.counts).toEqual(expected);
    expect(fromSentence(run("github").trimEnd().split("\n").at(-1)!)).toEqual(expected);
  });

  test("conftest's line adds up and its failures are what fails the run", () => {
    const [tests, passed, warnings, failures, exceptions] = /^(\d+) tests, (\d+) passed, (\d+) warnings, (\d+) failures, (\d+) exceptions$/m.exec(text)!.slice(1).map(Number);
    expect(passed + warnings + failures + exceptions).toBe(tests);
    expect(failures).toBe(expected.failing);
    expect(exceptions).toBe(expected.waived);
  });
});

test("the gate's summary says the numbers check says on the same stack", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-counts-"));
  const app = new App({ outdir, skipValidation: true });
  const stack = new BrokenStack(app, "broken");
  const gate = EksPolicyGate.of(app, { failOn: "never" });
  app.synth();
  const report = gate.reportOf(stack)!;
  const file = path.join(outdir, "stacks/broken/cdk.tf.json");
  const viaCheck = fromSentence(cli(["check", file, "--fail-on", "never", "--no-config"]).stdout);
  expect(viaCheck.errors).toBe(report.findings.filter((f) => f.status === "fail" && f.severity === "error").length);
  const annotations = stack.node.metadata.map((m) => String(m.data));
  expect(fromSentence(annotations.find((a) => a.startsWith("eks-sg-policy: stack 'broken'"))!)).toEqual(viaCheck);
});
