/**
 * JUnit: well-formed XML (checked by parsing it back with fast-xml-parser's validator and parser),
 * names unique across the file (GitLab keeps only the first of equal names), counts that agree
 * with the cases, and text that comes back exactly as the report had it.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { formatJunit } from "../../checker/report/format-junit";
import { policies } from "../../policies";
import { built, nastyFinding, reportCases, reportWith, waived } from "./report-cases";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  textNodeName: "text",
  trimValues: false,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
});

/** XML 1.0's Char production: what a document may hold at all (the validator does not check it). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function parse(xml: string): Json {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed: ${JSON.stringify(valid.err)}`);
  expect(xml).not.toMatch(NOT_XML_CHAR);
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  return parser.parse(xml);
}

function casesOf(doc: Json): Json[] {
  return (doc.testsuites.testsuite ?? []).flatMap((s: Json) => s.testcase ?? []);
}

function expectConsistent(doc: Json): void {
  const suites: Json[] = doc.testsuites.testsuite ?? [];
  const all = casesOf(doc);
  const names = all.map((c: Json) => c.name);
  expect(new Set(names).size).toBe(names.length);
  const count = (list: Json[], tag: string) => list.filter((c) => c[tag] !== undefined).length;
  for (const suite of suites) {
    expect(Number(suite.tests)).toBe(suite.testcase.length);
    expect(Number(suite.failures)).toBe(count(suite.testcase, "failure"));
    expect(Number(suite.skipped)).toBe(count(suite.testcase, "skipped"));
    expect(suite.errors).toBe("0");
  }
  expect(Number(doc.testsuites.tests)).toBe(all.length);
  expect(Number(doc.testsuites.failures)).toBe(count(all, "failure"));
  expect(Number(doc.testsuites.skipped)).toBe(count(all, "skipped"));
}

describe.each(reportCases().map((c) => [c.name, c.file]))("%s", (_name, file) => {
  test("JUnit is well-formed, names are unique, counts agree", () => {
    const { report } = built(file);
    const doc = parse(formatJunit(report, { policies }));
    expectConsistent(doc);
    const cases = casesOf(doc);
    // A case per finding and a passing case per policy.
    expect(cases).toHaveLength(report.findings.length + policies.length);
    expect(cases.filter((c: Json) => c.failure !== undefined)).toHaveLength(report.summary.failed);
    expect(cases.filter((c: Json) => c.skipped !== undefined)).toHaveLength(report.summary.unknown + report.summary.waived);
  });
});

describe("cases", () => {
  const fail = nastyFinding();
  const unknown = nastyFinding({ policy: "node-to-apiserver", status: "unknown", address: "aws_eks_node_group.a", message: "public_access_cidrs known only after apply", fingerprint: "f".repeat(32) });
  const exception = waived(nastyFinding({ policy: "remote-access", address: "aws_eks_node_group.bastion", message: "SSH from anywhere", fingerprint: "c".repeat(32) }));
  // One policy reporting one address twice (e.g. DNS to two CoreDNS hosts): GitLab would drop one.
  const twiceA = nastyFinding({ policy: "node-dns", address: "aws_eks_node_group.x", message: "DNS to CoreDNS hosts in A is blocked", fingerprint: "a1".repeat(16) });
  const twiceB = nastyFinding({ policy: "node-dns", address: "aws_eks_node_group.x", message: "DNS to CoreDNS hosts in B is blocked", fingerprint: "b2".repeat(16) });
  const report = reportWith([fail, unknown, exception, twiceA, twiceB]);
  const xml = formatJunit(report, { policies });
  const doc = parse(xml);
  const cases = casesOf(doc);
  const named = (name: string) => cases.find((c: Json) => c.name === name);

  test("the document is consistent", () => {
    expectConsistent(doc);
    expect(doc.testsuites.name).toBe("eks-sg-policy");
    expect(doc.testsuites.testsuite).toHaveLength(1);
    expect(doc.testsuites.testsuite[0].name).toBe("infra/plan.json");
  });

  test("a failing finding is a <failure> whose body holds the message exactly, escaping undone", () => {
    const c = named(`world-ingress ${fail.address}`);
    expect(c.classname).toBe("world-ingress");
    expect(c.failure.type).toBe("error");
    expect(c.failure.message).toBe(`ERROR: ${fail.message.split("\n")[0]}`);
    // The control character became U+FFFD; everything else is as written.
    expect(c.failure.text).toContain(fail.message.replace("\u0001", "\uFFFD"));
    expect(c.failure.text).toContain("fingerprint: 0123456789abcdef0123456789abcdef");
  });

  test("unknown is skipped with an UNKNOWN message; waived is skipped with the waiver", () => {
    expect(named("node-to-apiserver aws_eks_node_group.a").skipped.message).toBe("UNKNOWN: public_access_cidrs known only after apply");
    const w = named("remote-access aws_eks_node_group.bastion");
    expect(w.skipped.message).toBe("waived: Bastion reachable from the VPN only — @platform-sec, until 2099-01-31 UTC");
    expect(w.skipped.text).toContain("SSH from anywhere");
  });

  test("unknown can count as a failure", () => {
    const strict = parse(formatJunit(report, { policies, unknownAs: "failure" }));
    expectConsistent(strict);
    const c = casesOf(strict).find((x: Json) => x.name === "node-to-apiserver aws_eks_node_group.a");
    expect(c.failure.type).toBe("unknown");
    expect(c.failure.message).toMatch(/^UNKNOWN: /);
  });

  test("the same policy on the same address twice: told apart by the fingerprint", () => {
    expect(named("node-dns aws_eks_node_group.x [a1a1a1a1]")).toBeDefined();
    expect(named("node-dns aws_eks_node_group.x [b2b2b2b2]")).toBeDefined();
  });

  test("every policy has a passing case that stands for its passing subjects", () => {
    const passing = named("node-dns: subjects without findings");
    expect(passing.failure).toBeUndefined();
    expect(passing.skipped).toBeUndefined();
    expect(passing["system-out"]).toMatch(/reported 2 finding\(s\) on infra\/plan\.json/);
    expect(named("public-endpoint: subjects without findings")["system-out"]).toMatch(/reported nothing/);
  });

  test("several inputs: a suite each, names that say the input", () => {
    const a = nastyFinding({ address: "aws_security_group.x", input: "prod/plan.json" });
    const b = nastyFinding({ address: "aws_security_group.x", input: "dev/plan.json" });
    const two = parse(formatJunit(reportWith([b, a], ["dev/plan.json", "prod/plan.json"]), { policies }));
    expectConsistent(two);
    expect(two.testsuites.testsuite.map((s: Json) => s.name)).toEqual(["dev/plan.json", "prod/plan.json"]);
    const names = casesOf(two).map((c: Json) => c.name);
    expect(names).toContain("world-ingress aws_security_group.x in dev/plan.json");
    expect(names).toContain("world-ingress aws_security_group.x in prod/plan.json");
  });

  test("the same output on every run; a timestamp only when asked", () => {
    expect(formatJunit(report, { policies })).toBe(xml);
    expect(xml).not.toMatch(/timestamp=/);
    const stamped = parse(formatJunit(report, { policies, now: new Date("2026-01-02T03:04:05.678Z") }));
    expect(stamped.testsuites.testsuite[0].timestamp).toBe("2026-01-02T03:04:05");
  });

  test("without policies, only the findings", () => {
    expect(casesOf(parse(formatJunit(report)))).toHaveLength(5);
  });
});
