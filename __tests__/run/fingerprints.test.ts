/**
 * Fingerprints are unique within a report and stable across runs — also when one address is
 * judged in two inputs (two root modules with the same resource names), or one subject twice.
 */
import * as path from "node:path";
import { withUniqueFingerprints, type Finding } from "../../checker/findings/report";
import { cli, fixturePlan, reportOf } from "../helpers/fixtures";
import type { Report } from "../../checker";

const fingerprints = (report: { findings: readonly Finding[] }) => report.findings.map((f) => f.fingerprint);

test("one plan given as two inputs: every finding twice, every fingerprint once", () => {
  const plan = fixturePlan("topo-lt-node-sg-no-rules");
  // The same file by another path: two inputs with the same addresses.
  const other = path.join(path.dirname(plan), "..", path.basename(path.dirname(plan)), "plan.json");
  const check = (...inputs: string[]) => JSON.parse(cli(["check", ...inputs, "--format", "json", "--fail-on", "never", "--no-config"]).stdout) as Report;
  const report = check(plan);
  const twice = check(plan, other);
  expect(twice.findings).toHaveLength(report.findings.length * 2);
  expect(new Set(fingerprints(twice)).size).toBe(twice.findings.length);
  // Stable: the same run gives the same fingerprints, and a finding that collided with nothing keeps its own.
  expect(fingerprints(check(plan, other))).toEqual(fingerprints(twice));
  expect(fingerprints(reportOf([plan]))).toEqual(fingerprints(report));
});

test("findings that share everything but their message, or nothing at all, still differ", () => {
  const base: Finding = { policy: "p", severity: "error", status: "fail", address: "a", message: "m", messageId: "x", data: {}, related: [], input: "i", fingerprint: "f" };
  const out = withUniqueFingerprints([base, { ...base, message: "n" }, base, { ...base, fingerprint: "g" }]);
  expect(new Set(fingerprints({ findings: out })).size).toBe(4);
  expect(out[3].fingerprint).toBe("g");
});
