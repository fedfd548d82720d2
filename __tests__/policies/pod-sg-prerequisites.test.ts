import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import policy from "../../policies/pod-sg-prerequisites";
import { expectVerdicts, verdicts, fixturePlan, wordingOf, type VerdictCase } from "../helpers/fixtures";

const cases: VerdictCase[] = [
  // Every pod the SecurityGroupPolicies select runs on Fargate, which needs no VPC CNI setting
  // (user guide, sg-pods-example-deployment); the vpc-cni add-on here does not set ENABLE_POD_ENI.
  { fixture: "topo-fargate-pod-sg", expected: {} },
  // vpc-cni with ENABLE_POD_ENI, the cluster role with AmazonEKSVPCResourceController, probes admitted.
  { fixture: "blind-pod-sg", expected: { "kubectl_manifest.payments_sgp": "pass" } },
  { fixture: "blind-pod-sg-no-dns", expected: { "kubectl_manifest.payments_sgp": "pass" } },
  {
    // The add-on sets only POD_SECURITY_GROUP_ENFORCING_MODE.
    fixture: "blind-pod-sg-no-eni",
    expected: { "kubectl_manifest.payments_sgp": "fail+pass" },
    facts: { "kubectl_manifest.payments_sgp": { messageId: "pod-eni-off", data: { addon: "aws_eks_addon.vpc_cni", value: "not set" } } },
  },
  {
    // No vpc-cni add-on in the plan: aws-node may be set up elsewhere.
    fixture: "blind-pod-sg-no-addon",
    expected: { "kubernetes_manifest.payments_sgp": "pass+unknown" },
    facts: { "kubernetes_manifest.payments_sgp": { messageId: "cni-unknown" } },
  },
  {
    // Three policies: a new pod SG without any ingress (probes blocked), and a literal SG made elsewhere.
    fixture: "manifest-stand-ins",
    expected: {
      "kubernetes_manifest.db_access": "fail+unknown",
      'module.team_sgp["payments"].kubectl_manifest.sgp[0]': "unknown",
      'module.team_sgp["search"].kubectl_manifest.sgp[0]': "unknown",
    },
    facts: {
      "kubernetes_manifest.db_access": [
        { messageId: "probes-blocked", data: { mode: "strict", podSgs: ["aws_security_group.pod"], nodes: "kubectl_manifest.node_class" } },
        { messageId: "controller-policy-unknown" },
        { messageId: "cni-unknown" },
      ],
      'module.team_sgp["search"].kubectl_manifest.sgp[0]': { messageId: "probes-unknown", data: { nodes: "kubectl_manifest.node_class" } },
    },
  },
  {
    // Each pool's pods carry their pool's SG (groupIds = [module.node_sgs.ids[each.key]]), which admits
    // only itself: the other pool's nodes cannot probe them. Read as both SGs, the probes passed.
    fixture: "topo-module-output-map",
    expected: { 'kubernetes_manifest.pods["general"]': "fail+pass+unknown", 'kubernetes_manifest.pods["batch"]': "fail+pass+unknown" },
    facts: { 'kubernetes_manifest.pods["batch"]': [{ messageId: "probes-blocked", data: { mode: "strict", podSgs: ['module.node_sgs.aws_security_group.this["batch"]'], nodes: 'aws_eks_node_group.this["general"]' } }, { messageId: "controller-policy-unknown" }] },
  },
  // A SecurityGroupPolicy whose YAML is decided at apply time is not read: the flow policies say unknown on it.
  { fixture: "blind-pod-sg-yaml-unknown", expected: {} },
  { fixture: "topo-mng-no-lt", expected: {} },
];

describe("pod-sg-prerequisites", () => {
  test.each(cases)("$fixture", (c) => expectVerdicts(policy, c));

  test("each SecurityGroupPolicy gets the verdicts of the add-on and of the cluster role, and names them; standard mode skips probes", () => {
    // This add-on sets POD_SECURITY_GROUP_ENFORCING_MODE = standard: probes from the node skip the pod SGs.
    const results = verdicts(policy, fixturePlan("blind-pod-sg-no-eni"));
    expect(results.map((r) => `${r.key} ${r.status} ${(r.related ?? []).join(",")}`).sort()).toEqual(["vpc-cni fail aws_eks_addon.vpc_cni", "vpc-resource-controller pass aws_eks_cluster.this"]);
  });
});

test("the wording of its messages", () => {
  expect(wordingOf(policy, "blind-pod-sg-no-eni", "kubectl_manifest.payments_sgp")).toEqual([
    'the vpc-cni add-on aws_eks_addon.vpc_cni does not set ENABLE_POD_ENI to "true" (it is not set), so the VPC CNI gives pods no branch ENIs and the SecurityGroupPolicies kubectl_manifest.payments_sgp are not applied; add configuration_values = jsonencode({ env = { ENABLE_POD_ENI = "true" } })',
  ]);
});

describe("aws-node from a helm_release of the aws-vpc-cni chart (shaped as terraform writes it: the offline mirror has no Helm provider)", () => {
  const SGP = "kubectl_manifest.payments_sgp";
  /** blind-pod-sg with its vpc-cni add-on replaced by a release of the chart with these values. */
  const withRelease = (values: string): string => {
    const plan = JSON.parse(fs.readFileSync(fixturePlan("blind-pod-sg"), "utf8"));
    plan.resource_changes = plan.resource_changes.filter((r: { address: string }) => r.address !== "aws_eks_addon.vpc_cni");
    const after = { name: "aws-vpc-cni", namespace: "kube-system", chart: "aws-vpc-cni", repository: "https://aws.github.io/eks-charts", values: [values], set: [] };
    plan.resource_changes.push({ address: "helm_release.vpc_cni", mode: "managed", type: "helm_release", name: "vpc_cni", change: { actions: ["create"], before: null, after, after_unknown: {} } });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pod-sg-")), "blind-pod-sg.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    return file;
  };
  const resultsOf = (values: string) => verdicts(policy, withRelease(values)).filter((r) => r.address === SGP && r.key === "vpc-cni");

  test("its env.ENABLE_POD_ENI decides, as the add-on's configuration_values do", () => {
    expect(resultsOf('env:\n  ENABLE_POD_ENI: "true"\n').map((r) => r.status)).toEqual(["pass"]);
    const off = resultsOf('env:\n  ENABLE_POD_ENI: "false"\n');
    expect(off.map((r) => [r.status, r.messageId, r.data?.addon, r.data?.value])).toEqual([["fail", "pod-eni-off-chart", "helm_release.vpc_cni", '"false"']]);
    expect(off[0].message).toContain("the aws-vpc-cni Helm release helm_release.vpc_cni does not set env.ENABLE_POD_ENI");
  });
});
