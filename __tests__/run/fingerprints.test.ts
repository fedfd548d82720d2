/**
 * Fingerprints are unique within a report and stable across runs — also when one address is
 * judged in two inputs (two root modules with the same resource names), or one subject twice.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { fingerprintOf, withUniqueFingerprints, type Finding } from "../../checker/findings/report";
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

describe("the digest", () => {
  // The first 32 hex digits of SHA-256("p\0a\0k\0s"), worked out apart from the checker.
  const expected = createHash("sha256").update("p\u0000a\u0000k\u0000s").digest("hex").slice(0, 32);

  test("is the SHA-256 of the parts joined by NUL, cut to 32 hex digits", () => {
    expect(fingerprintOf("p", "a", "k", "s")).toBe(expected);
    expect(fingerprintOf("p", "a", undefined, undefined)).toBe(createHash("sha256").update("p\u0000a\u0000\u0000").digest("hex").slice(0, 32));
  });

  test("is the same on a Node without the one-shot crypto.hash (before 20.12)", () => {
    const crypto = require("node:crypto") as { hash?: unknown };
    const oneShot = crypto.hash;
    crypto.hash = undefined;
    try {
      jest.isolateModules(() => {
        const { fingerprintOf: without } = require("../../checker/findings/report") as typeof import("../../checker/findings/report");
        expect(without("p", "a", "k", "s")).toBe(expected);
      });
    } finally {
      crypto.hash = oneShot;
    }
  });
});
