/**
 * SARIF: valid against the official 2.1.0 schema (the copy @microsoft/jest-sarif ships) for every
 * plan of the corpus and every fixture, and shaped the way GitHub code scanning reads it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { artifactUri, formatSarif, ruleName, sarifLog } from "../../checker/report/format-sarif";
import { policies } from "../../policies";
import { ROOT } from "../helpers/fixtures";
import { built, nastyFinding, reportCases, reportWith, waived } from "./report-cases";

const SCHEMA_FILE = path.join(ROOT, "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

/** The schema is draft-04 (`id`, `$schema` draft-04); ajv 8 reads it as draft-07 once those two are adapted. */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"));
  const { $schema: _ignored, id, ...rest } = schema;
  // unicodeRegExp: false — one pattern of the schema (`language`) is not valid with the `u` flag.
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, unicodeRegExp: false });
  return ajv.compile({ $id: id, ...rest });
}

const validate = sarifValidator();

function expectValid(text: string): void {
  const log = JSON.parse(text);
  const ok = validate(log);
  if (!ok) throw new Error(`SARIF invalid: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** What GitHub code scanning requires beyond the schema (docs: "SARIF support for code scanning"). */
function expectGithubShape(log: Json): void {
  expect(log.$schema).toMatch(/sarif-2\.1\.0/);
  expect(log.version).toBe("2.1.0");
  expect(log.runs).toHaveLength(1);
  const [run] = log.runs;
  const { driver } = run.tool;
  expect(driver.name).toBe("eks-sg-policy");
  expect(driver.version).toMatch(/^\d+\.\d+\.\d+/);
  const ids = driver.rules.map((r: Json) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const rule of driver.rules) {
    expect(rule.name.length).toBeGreaterThan(0);
    expect(rule.name.length).toBeLessThanOrEqual(255);
    for (const text of [rule.shortDescription.text, rule.fullDescription.text]) {
      expect(text.length).toBeGreaterThan(0);
      expect(text.length).toBeLessThanOrEqual(1024);
    }
    expect(rule.help.text.length).toBeGreaterThan(0);
    expect(rule.help.markdown.length).toBeGreaterThan(0);
    expect(["error", "warning", "note"]).toContain(rule.defaultConfiguration.level);
    expect(typeof rule.properties["security-severity"]).toBe("string");
    const score = Number(rule.properties["security-severity"]);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThanOrEqual(10);
    expect(rule.properties.tags).toContain("security");
  }
  for (const result of run.results) {
    expect(ids).toContain(result.ruleId);
    expect(driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    expect(["error", "warning", "note"]).toContain(result.level);
    expect(result.message.text.length).toBeGreaterThan(0);
    expect(result.locations).toHaveLength(1);
    const physical = result.locations[0].physicalLocation;
    expect(physical.artifactLocation.uri.length).toBeGreaterThan(0);
    expect(physical.region.startLine).toBeGreaterThanOrEqual(1);
    expect(typeof result.partialFingerprints.primaryLocationLineHash).toBe("string");
  }
}

describe.each(reportCases().map((c) => [c.name, c.file]))("%s", (_name, file) => {
  test("SARIF validates against the SARIF 2.1.0 schema and has what GitHub needs", () => {
    const { report } = built(file);
    const text = formatSarif(report, { policies });
    expectValid(text);
    const log = JSON.parse(text);
    expectGithubShape(log);
    expect(log.runs[0].tool.driver.rules).toHaveLength(policies.length);
    expect(log.runs[0].results).toHaveLength(report.findings.length);
  });
});

describe("rules", () => {
  const log = sarifLog(reportWith([]), { policies });
  const rules = log.runs[0].tool.driver.rules;

  test("every policy is a rule, with its doc page as help", () => {
    for (const policy of policies) {
      const rule = rules.find((r) => r.id === policy.meta.id)!;
      expect(rule.name).toBe(ruleName(policy.meta.id));
      expect(rule.shortDescription.text).toBe(policy.meta.title);
      expect(rule.fullDescription.text).toBe(policy.meta.rationale);
      const page = fs.readFileSync(path.join(ROOT, "docs/policies", `${policy.meta.id}.md`), "utf8");
      expect(rule.help.markdown).toBe(page);
    }
  });

  test("severity maps to level and security-severity", () => {
    const byId = (id: string) => rules.find((r) => r.id === id)!;
    expect(byId("node-to-apiserver").defaultConfiguration.level).toBe("error");
    expect(byId("node-to-apiserver").properties["security-severity"]).toBe("8.0");
    expect(byId("node-to-node").defaultConfiguration.level).toBe("warning");
    expect(byId("node-to-node").properties["security-severity"]).toBe("5.0");
    expect(byId("cluster-sg-detached").defaultConfiguration.level).toBe("note");
    expect(byId("cluster-sg-detached").properties["security-severity"]).toBe("2.0");
  });

  test("configured severities replace the policy's own", () => {
    const changed = sarifLog(reportWith([]), { policies, severities: { "node-to-node": "error" } });
    const rule = changed.runs[0].tool.driver.rules.find((r) => r.id === "node-to-node")!;
    expect(rule.defaultConfiguration.level).toBe("error");
  });

  test("rule names are identifiers", () => {
    expect(ruleName("node-to-apiserver")).toBe("NodeToApiserver");
    expect(ruleName("node-imdsv2")).toBe("NodeImdsv2");
  });

  test("informationUri and category when given", () => {
    const given = sarifLog(reportWith([]), { policies, informationUri: "https://example.org/eks-sg-policy", category: "eks-sg-policy/prod/" });
    expect(given.runs[0].tool.driver.informationUri).toBe("https://example.org/eks-sg-policy");
    expect(given.runs[0].automationDetails).toEqual({ id: "eks-sg-policy/prod/" });
    expectValid(JSON.stringify(given));
  });
});

describe("results", () => {
  const fail = nastyFinding();
  const unknown = nastyFinding({ policy: "node-to-apiserver", status: "unknown", address: "aws_eks_node_group.a", fingerprint: "f".repeat(32) });
  const warn = nastyFinding({ policy: "node-to-node", severity: "warning", address: "aws_eks_node_group.b", fingerprint: "e".repeat(32) });
  const info = nastyFinding({ policy: "cluster-sg-detached", severity: "info", address: "aws_eks_node_group.c", fingerprint: "d".repeat(32) });
  const exception = waived(nastyFinding({ address: "aws_security_group.bastion", fingerprint: "c".repeat(32) }));
  const synth = nastyFinding({ address: "aws_eks_node_group.d", input: "cdktf.out/stacks/dev/cdk.tf.json", stack: "dev", constructPath: "dev/cluster/nodes", fingerprint: "b".repeat(32) });
  const report = reportWith([fail, unknown, warn, info, exception, synth], ["infra/plan.json", "cdktf.out/stacks/dev/cdk.tf.json"]);
  const text = formatSarif(report, { policies, repoRoot: ROOT });
  const results = JSON.parse(text).runs[0].results;
  const of = (fingerprint: string) => results.find((r: Json) => r.partialFingerprints.primaryLocationLineHash === fingerprint);

  test("the whole log validates, escaping included", () => {
    expectValid(text);
    expectGithubShape(JSON.parse(text));
  });

  test("levels: severity for failures, note for unknown (marked as unknown)", () => {
    expect(of(fail.fingerprint).level).toBe("error");
    expect(of(warn.fingerprint).level).toBe("warning");
    expect(of(info.fingerprint).level).toBe("note");
    expect(of(unknown.fingerprint).level).toBe("note");
    expect(of(unknown.fingerprint).properties).toMatchObject({ status: "unknown", unknown: true });
    expect(of(unknown.fingerprint).message.text).toMatch(/^Unknown: aws_eks_node_group\.a: /);
  });

  test("the level of unknown findings is configurable", () => {
    const log = sarifLog(report, { policies, unknownLevel: "warning" });
    expect(log.runs[0].results.find((r) => r.properties.status === "unknown")!.level).toBe("warning");
  });

  test("the message names the address and keeps the finding's text", () => {
    expect(of(fail.fingerprint).message.text).toBe(`${fail.address}: ${fail.message}`);
    expect(of(synth.fingerprint).message.text).toMatch(/^aws_eks_node_group\.d \(stack dev\): /);
  });

  test("location: the input relative to the repository root, line 1; address and construct path as logical locations", () => {
    const location = of(fail.fingerprint).locations[0];
    expect(location.physicalLocation).toEqual({ artifactLocation: { uri: "infra/plan.json", uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } });
    expect(location.logicalLocations).toEqual([{ name: fail.address, fullyQualifiedName: fail.address, kind: "resource" }]);
    const synthLocation = of(synth.fingerprint).locations[0];
    expect(synthLocation.physicalLocation.artifactLocation.uri).toBe("cdktf.out/stacks/dev/cdk.tf.json");
    expect(synthLocation.logicalLocations[1]).toEqual({ fullyQualifiedName: "dev/cluster/nodes", kind: "declaration" });
  });

  test("--sarif-source points every result at one file", () => {
    const log = sarifLog(report, { policies, source: "infra/main.tf" });
    for (const result of log.runs[0].results) expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe("infra/main.tf");
  });

  test("fingerprints are the findings' and stable across runs", () => {
    expect(of(fail.fingerprint).partialFingerprints).toEqual({ primaryLocationLineHash: fail.fingerprint, "eksSgPolicyFinding/v1": fail.fingerprint });
    expect(formatSarif(report, { policies, repoRoot: ROOT })).toBe(text);
  });

  test("waived findings carry an external suppression with the waiver as justification", () => {
    const result = of(exception.fingerprint);
    expect(result.suppressions).toEqual([
      { kind: "external", status: "accepted", justification: "waived: Bastion reachable from the VPN only — @platform-sec, until 2099-01-31 UTC" },
    ]);
    expect(of(fail.fingerprint).suppressions).toBeUndefined();
    const omitted = sarifLog(report, { policies, waived: "omit" });
    expect(omitted.runs[0].results.some((r) => r.properties.status === "waived")).toBe(false);
  });

  test("a finding of a policy outside the list still has a rule", () => {
    const log = sarifLog(reportWith([nastyFinding({ policy: "custom-policy" })]), { policies: [] });
    expect(log.runs[0].tool.driver.rules.map((r) => r.id)).toEqual(["custom-policy"]);
    expectValid(JSON.stringify(log));
  });
});

describe("artifactUri", () => {
  test.each([
    ["infra/plan.json", { uri: "infra/plan.json", uriBaseId: "%SRCROOT%" }],
    ["./infra/../infra/plan.json", { uri: "infra/plan.json", uriBaseId: "%SRCROOT%" }],
    ["infra/my plan#1.json", { uri: "infra/my%20plan%231.json", uriBaseId: "%SRCROOT%" }],
    ["/elsewhere/plan.json", { uri: "file:///elsewhere/plan.json" }],
    ["<stdin>", { uri: "stdin" }],
  ])("%s", (file, expected) => {
    expect(artifactUri(file, "/repo")).toEqual(expected);
  });

  test("absolute paths inside the root become relative", () => {
    expect(artifactUri("/repo/envs/prod/plan.json", "/repo")).toEqual({ uri: "envs/prod/plan.json", uriBaseId: "%SRCROOT%" });
  });
});

describe("the validator", () => {
  test("rejects what is not SARIF (so the passes above mean something)", () => {
    const log = sarifLog(reportWith([nastyFinding()]), { policies });
    const broken = JSON.parse(JSON.stringify(log));
    broken.runs[0].results[0].level = "fatal";
    expect(validate(broken)).toBe(false);
    const noMessage = JSON.parse(JSON.stringify(log));
    delete noMessage.runs[0].results[0].message;
    expect(validate(noMessage)).toBe(false);
    const badSuppression = JSON.parse(JSON.stringify(log));
    badSuppression.runs[0].results[0].suppressions = [{ kind: "waived" }];
    expect(validate(badSuppression)).toBe(false);
  });
});
