/**
 * Configurations written blind — by an author who read the AWS documentation, not this checker —
 * for capacity launched by selectors (Karpenter, Auto Mode), hybrid nodes, pods with their own
 * SGs, control-plane SG misuse, prefix lists, for_each peers, launch configurations and empty SSH
 * keys (fixtures/tf/blind-*; each EXPECTED.json holds the author's verdicts, main.tf the sources).
 *
 * Every expectation must hold, except the deviations listed below, each with why the checker
 * answers otherwise. An SG or a cluster expected as a subject is judged through the results that
 * name it in `related` (world-ingress reports rule resources on themselves).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Analysis, policyContext, type PolicyResult } from "../../checker/policy";
import { policies } from "../../policies";
import { FIXTURES, graphOf } from "../helpers/fixtures";

const DIR = path.join(FIXTURES, "tf");
const blind = fs.readdirSync(DIR).filter((name) => name.startsWith("blind-") && fs.existsSync(path.join(DIR, name, "EXPECTED.json"))).sort();

const SELECTED_BY_REFERENCE = "the selector's id refers to an SG made in the plan, whose rules are in the plan: the plan decides which SG the nodes get (as for a launch template listing aws_security_group.x.id)";
const OUTSIDE_SG = "the control-plane side is in the plan: the cluster SG admits nothing from an SG made elsewhere, so the flow is blocked whatever that SG's own rules";
const MAP_OF_REFERENCES = "each.value of a map built from references: plan JSON lists what the map is built from, not which key holds which id, so a rule from one of two SGs cannot be told (a map of known ids, or one entry, is decided: fixtures/tf/foreach-known-peers)";

/** `fixture policy address` → what the checker answers instead, and why. */
const DEVIATIONS: Record<string, { readonly got: string; readonly why: string }> = {
  ...Object.fromEntries(
    ["node-to-apiserver", "apiserver-to-kubelet", "apiserver-to-webhooks", "single-cluster-tag"].map((p) => [`blind-karpenter-by-id ${p} kubernetes_manifest.karpenter_by_id`, { got: "pass", why: SELECTED_BY_REFERENCE }]),
  ),
  "blind-karpenter-by-id node-dns kubernetes_manifest.karpenter_by_id": { got: "pass+unknown", why: `${SELECTED_BY_REFERENCE}; DNS to the class selecting an SG made elsewhere stays unknown` },
  "blind-karpenter-by-id node-to-node kubernetes_manifest.karpenter_by_id": { got: "pass+unknown", why: `${SELECTED_BY_REFERENCE}; traffic to the other class stays unknown` },
  "blind-karpenter-by-id node-to-apiserver kubernetes_manifest.karpenter_existing_sg": { got: "fail", why: OUTSIDE_SG },
  "blind-karpenter-by-id node-dns kubernetes_manifest.karpenter_existing_sg": { got: "fail+unknown", why: OUTSIDE_SG },
  "blind-karpenter-by-id node-to-node kubernetes_manifest.karpenter_existing_sg": { got: "fail+unknown", why: OUTSIDE_SG },
  "blind-karpenter-by-id single-cluster-tag kubernetes_manifest.karpenter_existing_sg": { got: "pass", why: "a node class with a single SG passes whatever its tags: the load balancer controller uses a lone SG as it is" },
  ...Object.fromEntries(
    ["apiserver-to-kubelet", "apiserver-to-webhooks"].flatMap((p) =>
      ["general", "batch"].map((g) => [`blind-foreach-peers ${p} module.platform.module.nodes.aws_eks_node_group.this["${g}"]`, { got: "unknown", why: MAP_OF_REFERENCES }]),
    ),
  ),
  "blind-cp-sg-dedicated node-to-apiserver aws_eks_node_group.workers": { got: "unknown", why: MAP_OF_REFERENCES },
  "blind-pod-sg-no-addon pod-sg-prerequisites kubernetes_manifest.payments_sgp": { got: "pass+unknown", why: "besides the add-on (unknown), the kubelet's probes are judged too, and pass" },
  "blind-pod-sg-no-eni pod-sg-prerequisites kubectl_manifest.payments_sgp": { got: "fail+pass", why: "besides the add-on (fail), the cluster role is judged too, and has AmazonEKSVPCResourceController" },
  'blind-remote-access-empty-key remote-access module.node_groups["debug"].aws_eks_node_group.this': {
    got: "unknown",
    why: "source_security_group_ids comes through a local (not in plan JSON): the plan does not say the list is not empty",
  },
};

const RANK = ["pass", "unknown", "fail"];

/** Policies that judge rules, reported on the rule resources: an SG or cluster is judged through them. */
const BY_RULE = new Set(["world-ingress", "cluster-sg-rule-misses-nodes"]);

/**
 * The checker's statuses on an address ("fail+pass" for several); for the SG or cluster of rules
 * judged on their own resources, the worst of those. No result at all is a pass: the policy judges
 * nothing there (an SG on no EKS ENI, a cluster SG without added rules).
 */
function statusOn(id: string, results: readonly PolicyResult[], address: string): string {
  const through = BY_RULE.has(id) ? results.filter((r) => r.address !== address && r.related?.includes(address)) : [];
  const own = results.filter((r) => r.address === address);
  if (through.length > 0) return [...own, ...through].map((r) => r.status).reduce((a, b) => (RANK.indexOf(a) >= RANK.indexOf(b) ? a : b));
  return own.length > 0 ? [...new Set(own.map((r) => r.status))].sort().join("+") : "pass";
}

test("the blind configurations are there", () => {
  expect(blind.length).toBeGreaterThanOrEqual(20);
});

describe.each(blind)("%s", (name) => {
  const expected = JSON.parse(fs.readFileSync(path.join(DIR, name, "EXPECTED.json"), "utf8")) as Record<string, Record<string, string>>;
  const analysis = new Analysis(graphOf(path.join(DIR, name, "plan.json")));
  test.each(Object.entries(expected))("%s", (id, byAddress) => {
    const policy = policies.find((p) => p.meta.id === id)!;
    const results = policy.check(policyContext(analysis, policy.meta.defaultOptions ?? {}));
    const got = Object.fromEntries(Object.keys(byAddress).map((address) => [address, statusOn(id, results, address)]));
    const want = Object.fromEntries(Object.entries(byAddress).map(([address, status]) => [address, DEVIATIONS[`${name} ${id} ${address}`]?.got ?? status]));
    expect(got).toEqual(want);
  });
});

test("every deviation is still one", () => {
  for (const key of Object.keys(DEVIATIONS)) {
    const [fixture, policy, address] = [key.split(" ")[0], key.split(" ")[1], key.split(" ").slice(2).join(" ")];
    const expected = JSON.parse(fs.readFileSync(path.join(DIR, fixture, "EXPECTED.json"), "utf8")) as Record<string, Record<string, string>>;
    expect(expected[policy]?.[address]).toBeDefined();
    expect(expected[policy][address]).not.toBe(DEVIATIONS[key].got);
  }
});
