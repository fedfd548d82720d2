/**
 * Sensitive means never printed: plans whose names, CIDRs, ids and template names come from
 * `sensitive = true` variables (each value a canary), through every format, the diagrams and
 * stderr. The findings are there — only the values are not.
 */
import { FORMAT_NAMES } from "../../checker/report/formatters";
import { cli, fixturePlan } from "../helpers/fixtures";

const CASES = [
  {
    fixture: "hostile-sensitive",
    canaries: ["canary-cluster-7f3a", "198.51.100.77/32", "sg-0ca7a2ee00000b17", "pl-0ca7a2ee0000c1", "canary-lt-d41", "canary-lc-e52", "subnet-0ca7a2ee0000f1", "203.0.113.99/32"],
    // What proves the check still sees what the secrets decide.
    expected: [/^FAIL - aws_eks_cluster\.this - public-endpoint - the API endpoint is public to \(sensitive value\)/m, /^FAIL - aws_security_group_rule\.ssh_from_office - world-ingress - /m],
  },
  {
    fixture: "p-sensitive",
    canaries: ["198.51.100.7/32", "192.0.2.0/28", "ops-breakglass", "9f8e7d6c-5b4a-3c2d-1e0f-abcdef012345"],
    expected: [/^FAIL - aws_eks_cluster\.ops - public-endpoint - /m, /^FAIL - aws_eks_node_group\.ops - remote-access - /m],
  },
];

describe.each(CASES)("$fixture", ({ fixture, canaries, expected }) => {
  const plan = fixturePlan(fixture);
  const leaks = (text: string) => canaries.filter((canary) => text.includes(canary));

  test("the findings that the secrets decide are reported", () => {
    const { stdout } = cli(["check", plan, "--format", "text", "--fail-on", "never"]);
    for (const line of expected) expect(stdout).toMatch(line);
  });

  test.each(FORMAT_NAMES)("no secret in --format %s", (format) => {
    const { stdout, stderr } = cli(["check", plan, "--format", format, "--fail-on", "never"]);
    expect(stdout.length).toBeGreaterThan(0);
    expect([...leaks(stdout), ...leaks(stderr)]).toEqual([]);
  });

  test.each(["mermaid", "dot"])("no secret in graph --format %s", (format) => {
    const { stdout } = cli(["graph", plan, "--format", format]);
    expect(stdout).toMatch(/aws_eks_cluster/);
    expect(leaks(stdout)).toEqual([]);
  });
});
