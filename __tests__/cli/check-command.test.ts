/** The `check` command end to end: report shape, text lines, exit codes, several inputs, secrets. */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import Ajv from "ajv";
import { cli, fixturePlan, ROOT } from "../helpers/fixtures";
import { policies } from "../../policies";

/** The documented JSON contract (more keys may be added; none removed or renamed). */
const reportSchema = {
  type: "object",
  required: ["schemaVersion", "tool", "inputs", "findings", "summary"],
  properties: {
    schemaVersion: { const: 1 },
    tool: { type: "object", required: ["name", "version"], properties: { name: { const: "eks-sg-policy" }, version: { type: "string" } } },
    inputs: {
      type: "array",
      items: { type: "object", required: ["path", "kind"], properties: { path: { type: "string" }, kind: { enum: ["plan", "synth"] }, formatVersion: { type: "string" }, terraformVersion: { type: "string" } } },
    },
    findings: {
      type: "array",
      items: {
        type: "object",
        required: ["policy", "severity", "status", "address", "message", "related", "input", "fingerprint"],
        properties: {
          policy: { type: "string" },
          severity: { enum: ["error", "warning", "info"] },
          status: { enum: ["fail", "unknown", "waived"] },
          address: { type: "string" },
          message: { type: "string", pattern: "^[^\\n]+$" },
          related: { type: "array", items: { type: "string" } },
          input: { type: "string" },
          fingerprint: { type: "string", minLength: 16 },
        },
      },
    },
    summary: {
      type: "object",
      required: ["policies", "checks", "passed", "failed", "unknown", "waived"],
      properties: Object.fromEntries(["policies", "checks", "passed", "failed", "unknown", "waived"].map((k) => [k, { type: "integer", minimum: 0 }])),
    },
  },
};
const validateReport = new Ajv({ allErrors: true }).compile(reportSchema);

describe("check --format json", () => {
  const file = fixturePlan("p-cluster-endpoint-variants");
  const run = cli(["check", file, "--format", "json"]);
  const report = JSON.parse(run.stdout);

  test("prints the documented shape", () => {
    expect(validateReport(report)).toBe(true);
    expect(report.inputs).toEqual([{ path: file, kind: "plan", formatVersion: "1.2", terraformVersion: "1.11.4", eksResources: expect.any(Number) }]);
    expect(report.summary).toMatchObject({ policies: policies.length, failed: 9, unknown: 1, waived: 0 });
    const { checks, passed, failed, unknown } = report.summary;
    expect(passed + failed + unknown).toBe(checks);
  });

  test("exits 1 because an error-level finding fails", () => expect(run.code).toBe(1));

  test("fingerprints are stable across runs and unique per finding", () => {
    const again = JSON.parse(cli(["check", file, "--format", "json"]).stdout);
    expect(again.findings.map((f: { fingerprint: string }) => f.fingerprint)).toEqual(report.findings.map((f: { fingerprint: string }) => f.fingerprint));
    expect(new Set(report.findings.map((f: { fingerprint: string }) => f.fingerprint)).size).toBe(report.findings.length);
  });
});

describe("check --format text", () => {
  const file = fixturePlan("p-cluster-endpoint-variants");
  const run = cli(["check", file]);
  const lines = run.stdout.trimEnd().split("\n");

  test("one sorted line per finding, then conftest's summary line", () => {
    const findings = lines.slice(0, -2);
    expect(lines.at(-2)).toMatch(/^eks-sg-policy: \d+ errors?, \d+ warnings?, \d+ infos?, \d+ unknown, 0 waived; \d+ fails? the run \(--fail-on error\)$/);
    expect(findings).toHaveLength(10);
    for (const line of findings) expect(line).toMatch(/^(FAIL|WARN|INFO|UNKNOWN) - \S+ - [a-z0-9-]+ - .+$/);
    expect(findings).toContain(
      "FAIL - aws_eks_cluster.world_in_list - public-endpoint - the API endpoint is public to [\"0.0.0.0/0\"], the whole internet; list only the CIDRs that need it, or set endpoint_public_access = false",
    );
    expect(lines.filter((l) => l.startsWith("UNKNOWN - aws_eks_cluster.nat_only - public-endpoint"))).toHaveLength(1);
    const { summary } = JSON.parse(cli(["check", file, "--format", "json"]).stdout);
    expect(lines[lines.length - 1]).toBe(`${summary.checks} tests, ${summary.passed} passed, 8 warnings, 2 failures, 0 exceptions`);
  });
});

describe("--fail-on", () => {
  const clean = fixturePlan("p-cluster-hardened");
  const withWarnings = fixturePlan("p-plan-actions");
  test.each([
    [clean, "error", 0],
    [clean, "warning", 0],
    [withWarnings, "error", 1],
    [withWarnings, "never", 0],
    [withWarnings, "info", 1],
  ])("%s --fail-on %s → %d", (file, failOn, code) => {
    expect(cli(["check", file, "--fail-on", String(failOn)]).code).toBe(code);
  });

  test("with --fail-on warning, warnings count as failures in the summary line", () => {
    const run = cli(["check", withWarnings, "--fail-on", "warning"]);
    const { summary } = JSON.parse(cli(["check", withWarnings, "--format", "json"]).stdout);
    expect(summary.failed).toBe(5);
    expect(run.stdout.trimEnd().split("\n").pop()).toBe(`${summary.checks} tests, ${summary.passed} passed, 0 warnings, 5 failures, 0 exceptions`);
  });
});

describe("several inputs", () => {
  test("one report names every input and prefixes text lines with the input", () => {
    const a = fixturePlan("p-cluster-defaults");
    const b = fixturePlan("p-cluster-hardened");
    const json = JSON.parse(cli(["check", a, b, "--format", "json"]).stdout);
    expect(json.inputs.map((i: { path: string }) => i.path)).toEqual([a, b]);
    const single = (file: string) => JSON.parse(cli(["check", file, "--format", "json"]).stdout).summary.checks;
    expect(json.summary.checks).toBe(single(a) + single(b));
    const text = cli(["check", a, b]).stdout;
    expect(text).toContain(`FAIL - ${a}: aws_eks_cluster.main - public-endpoint`);
  });
});

describe("sensitive values", () => {
  const secrets = ["198.51.100.7/32", "192.0.2.0/28", "ops-breakglass", "9f8e7d6c-5b4a-3c2d-1e0f-abcdef012345"];
  test.each(["json", "text"])("are never printed (%s)", (format) => {
    const run = cli(["check", fixturePlan("p-sensitive"), "--format", format]);
    expect(run.stdout).toContain("(sensitive value)");
    for (const secret of secrets) expect(run.stdout).not.toContain(secret);
  });
});

describe("the installed entry point", () => {
  const bin = path.join(ROOT, "bin/eks-sg-policy.js");
  const built = fs.existsSync(path.join(ROOT, "dist/cli.js"));
  (built ? test : test.skip)("node bin/eks-sg-policy.js check works after the build", () => {
    const result = spawnSync(process.execPath, [bin, "check", fixturePlan("p-cluster-defaults"), "--format", "json"], { encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).summary.failed).toBe(3);
  });
});
