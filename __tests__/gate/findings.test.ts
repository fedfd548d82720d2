/** `Findings` (eks-sg-policy/testing), its framework-neutral core and the Jest matchers. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Aspects, Testing, type IAspect } from "cdktf";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { checkPlan } from "../../checker";
import { assertFinding, assertNoFailures, Findings } from "../../modules/policy/testing";
import { setupJestMatchers } from "../../modules/policy/testing";
import { BrokenStack } from "../fixtures/cdktf/broken-stack";
import { fixturePlan } from "../helpers/fixtures";
import { CleanStack } from "./fixtures/clean-stack";

setupJestMatchers();

const app = Testing.app();
const broken = new BrokenStack(app, "broken");
const clean = new CleanStack(app, "clean");
const brokenFindings = Findings.of(broken);
const cleanFindings = Findings.of(clean);

describe("on the broken stack", () => {
  test("hasNoErrors throws, listing every failing error finding in full", () => {
    expect(() => brokenFindings.hasNoErrors()).toThrow(/^Expected no failing finding of severity error or higher, but found \d+:\n/);
    expect(() => brokenFindings.hasNoErrors()).toThrow(
      '  - node-imdsv2 error fail aws_launch_template.nodes (broken/nodes): used by aws_eks_node_group.workers: http_tokens is "optional", so IMDSv1 is allowed; set http_tokens = "required"',
    );
  });

  test("hasFinding matches a Terraform address, a construct path, or a pattern of either", () => {
    brokenFindings.hasFinding("node-to-apiserver", "aws_eks_node_group.workers");
    brokenFindings.hasFinding("node-to-apiserver", "broken/workers");
    brokenFindings.hasFinding("node-imdsv2", "aws_launch_template.*");
    brokenFindings.hasFinding("public-endpoint", "broken/*");
    brokenFindings.hasFinding("public-endpoint");
    brokenFindings.hasFinding("node-dns", "aws_eks_node_group.workers", { status: "fail", severity: "error" });
  });

  test("a missing finding is reported with the closest ones and a hint for a mistyped id", () => {
    let message = "";
    try {
      brokenFindings.hasFinding("node-to-api-server", "aws_eks_node_group.worker");
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split("\n").slice(0, 4)).toEqual([
      'Expected a finding of node-to-api-server on "aws_eks_node_group.worker", but there is none.',
      'No policy has the id "node-to-api-server"; did you mean "node-to-apiserver"?',
      expect.stringMatching(/^Closest findings \(5 of \d+\):$/),
      expect.stringMatching(/^ {2}- node-to-apiserver error fail aws_eks_node_group\.workers \(broken\/workers\): nodes → API server/),
    ]);
  });

  test("hasFinding with the right policy on the wrong resource shows where that policy did fire", () => {
    expect(() => brokenFindings.hasFinding("node-imdsv2", "aws_eks_cluster.open")).toThrow(
      /there is none\.\nClosest findings \(5 of \d+\):\n {2}- node-imdsv2 error fail aws_launch_template\.nodes \(broken\/nodes\)/,
    );
  });

  test("hasNoFinding throws, listing what it found", () => {
    expect(() => brokenFindings.hasNoFinding("node-imdsv2")).toThrow(/^Expected no finding of node-imdsv2, but found 1:\n {2}- node-imdsv2 error fail aws_launch_template\.nodes/);
    brokenFindings.hasNoFinding("node-imdsv2", "aws_eks_cluster.open");
    brokenFindings.hasNoFinding("remote-access");
  });

  test("findings(query) returns the matching findings as data", () => {
    expect(brokenFindings.findings({ subject: "broken/open", severity: "warning" }).map((f) => f.policy)).toEqual(
      expect.arrayContaining(["control-plane-logging", "public-endpoint", "secrets-encryption"]),
    );
    expect(brokenFindings.findings({ policy: ["node-dns", "node-to-node"], status: "fail" }).map((f) => `${f.policy} ${f.address}`)).toEqual([
      "node-dns aws_eks_node_group.workers",
      "node-to-node aws_eks_node_group.workers",
    ]);
    expect(brokenFindings.findings()).toEqual(brokenFindings.report.findings);
  });

  test("hasNoFailures counts every severity by default, or those at or above the one given", () => {
    expect(() => brokenFindings.hasNoFailures()).toThrow(/^Expected no failing finding, but found/);
    expect(() => brokenFindings.hasNoFailures("warning")).toThrow(/control-plane-logging warning fail/);
  });
});

describe("on the clean stack", () => {
  test("hasNoErrors and hasNoFailures pass", () => {
    cleanFindings.hasNoErrors();
    cleanFindings.hasNoFailures();
    cleanFindings.hasNoFinding("public-endpoint");
  });

  test("hasFinding says the report is empty", () => {
    expect(() => cleanFindings.hasFinding("node-imdsv2")).toThrow(/^Expected a finding of node-imdsv2, but there is none\.\nThe report has no findings at all \((\d+) checks, \1 passed\)\.$/);
  });
});

describe("what Findings.of checks", () => {
  test("the stack after its aspects, as cdktf synth would write it", () => {
    const local = Testing.app();
    const stack = new BrokenStack(local, "broken");
    const requireImdsv2: IAspect = {
      visit: (node) => {
        if (node instanceof LaunchTemplate) node.addOverride("metadata_options.http_tokens", "required");
      },
    };
    Aspects.of(stack).add(requireImdsv2);
    Findings.of(stack).hasNoFinding("node-imdsv2");
  });

  test("an App: every stack, each finding naming its stack", () => {
    const local = new App({ outdir: Testing.app().outdir });
    new BrokenStack(local, "broken");
    new CleanStack(local, "clean");
    const all = Findings.of(local);
    expect([...new Set(all.findings().map((f) => f.stack))]).toEqual(["broken"]);
    expect(all.report.inputs.map((i) => i.stack)).toEqual(["broken", "clean"]);
  });

  test("options: skipPolicies and severities, checked like the gate's", () => {
    const relaxed = Findings.of(broken, { skipPolicies: ["public-endpoint"], severities: { "node-imdsv2": "warning" } });
    relaxed.hasNoFinding("public-endpoint");
    relaxed.hasFinding("node-imdsv2", "aws_launch_template.nodes", { severity: "warning" });
    expect(() => Findings.of(broken, { skipPolicies: ["nope"] })).toThrow(/skipPolicies names a policy that does not exist: nope/);
  });

  test("a configuration file only when named, waivers included", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-findings-"));
    try {
      const file = path.join(dir, "eks-sg-policy.config.json");
      const waiver = { policy: "public-endpoint", address: "aws_eks_cluster.open", reason: "Lab cluster behind the office proxy", owner: "@platform", expires: "2999-12-31" };
      fs.writeFileSync(file, JSON.stringify({ waivers: [waiver] }));
      const configured = Findings.of(broken, { config: file });
      configured.hasFinding("public-endpoint", "broken/open", { status: "waived" });
      configured.hasNoFinding("public-endpoint", undefined, { status: "fail" });
      brokenFindings.hasFinding("public-endpoint", "broken/open", { status: "fail" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a Report from checkPlan, or plan files", () => {
    const plan = fixturePlan("p-cluster-defaults");
    Findings.of(checkPlan(plan)).hasFinding("public-endpoint");
    Findings.fromReport(checkPlan(plan)).hasFinding("public-endpoint");
    const fromPlan = Findings.fromPlan(plan);
    expect(fromPlan.findings({ status: "fail" })).toHaveLength(checkPlan(plan).summary.failed);
    expect(() => fromPlan.hasNoErrors()).toThrow(/public-endpoint error fail/);
  });

  test("anything else is refused with what to pass instead", () => {
    expect(() => Findings.of({ resource: {} } as never)).toThrow(/Findings\.of\(\) takes a construct .* it was given an object with keys resource\. For plan files use Findings\.fromPlan\(path\)\./);
    expect(() => Findings.of(Testing.app())).toThrow(/Findings\.of\(\) found no TerraformStack at or below '<app>'/);
  });
});

describe("the framework-neutral core", () => {
  test("returns { pass, message } whose message fits both outcomes", () => {
    expect(assertNoFailures(cleanFindings.report, "error")).toEqual({ pass: true, message: expect.stringMatching(/^Expected a failing finding of severity error or higher, but there is none/) });
    const found = assertFinding(brokenFindings.report, { policy: "node-imdsv2" });
    expect(found.pass).toBe(true);
    expect(found.message).toMatch(/^Expected no finding of node-imdsv2, but found 1:/);
  });
});

describe("the Jest matchers", () => {
  test("toPassEksSgPolicies and toHaveEksSgFinding, with .not", () => {
    expect(clean).toPassEksSgPolicies();
    expect(broken).not.toPassEksSgPolicies();
    expect(broken).toHaveEksSgFinding("node-imdsv2", "broken/nodes");
    expect(brokenFindings).toHaveEksSgFinding("node-to-apiserver", "aws_eks_node_group.*", { status: "fail" });
    expect(cleanFindings.report).not.toHaveEksSgFinding("public-endpoint");
  });

  test("a failing matcher shows the closest findings", () => {
    expect(() => expect(broken).toHaveEksSgFinding("node-imdsv2", "aws_eks_cluster.open")).toThrow(/Closest findings/);
    expect(() => expect(broken).toPassEksSgPolicies()).toThrow(/node-to-apiserver error fail/);
  });
});
