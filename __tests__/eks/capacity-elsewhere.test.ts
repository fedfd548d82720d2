/** Clusters whose NodeClasses are applied outside the plan: Auto Mode without built-in pools, Karpenter (capacity-elsewhere.ts). */
import * as fs from "node:fs";
import { topologyOf } from "../../checker/eks/topology";
import { loadText } from "../../checker/load/load-inputs";
import { buildGraph } from "../../checker/model/resource-graph";
import { loadInputs } from "../../checker/load/load-inputs";
import { modelInputs } from "../../checker/model/join-inputs";
import { fixturePlan } from "../helpers/fixtures";

type Json = any; // plan JSON, edited as a user's plan would differ

const FIXTURE = "topo-nodeclasses-elsewhere";
const APPS = 'module.karpenter["apps"].aws_eks_pod_identity_association.karpenter';
const EDGE: [string, string] = ["aws_eks_cluster.edge", "aws_eks_cluster.edge"];
const plan: Json = JSON.parse(fs.readFileSync(fixturePlan(FIXTURE), "utf8"));

function capacityOf(edit: (plan: Json) => void = () => undefined): [string, string][] {
  const copy = structuredClone(plan);
  edit(copy);
  const [input] = loadText(JSON.stringify(copy), `${FIXTURE}.json`);
  return topologyOf(buildGraph(input)).capacityElsewhere.map((c) => [c.address, c.cluster.address]);
}

const change = (p: Json, address: string): Json => p.resource_changes.find((r: Json) => r.address === address);

test.each<[string, (p: Json) => void, [string, string][]]>([
  // batch has its EC2NodeClass in the plan; the load balancer controller's association is not Karpenter's.
  ["as planned: Auto Mode without pools, and the Karpenter without an EC2NodeClass", () => undefined, [EDGE, [APPS, 'module.eks["apps"].aws_eks_cluster.this']]],
  [
    // A built-in pool brings the default NodeClass, whose nodes are judged (auto-mode(<cluster>)).
    "Auto Mode with a built-in pool",
    (p) => (change(p, "aws_eks_cluster.edge").change.after.compute_config[0].node_pools = ["general-purpose"]),
    [[APPS, 'module.eks["apps"].aws_eks_cluster.this']],
  ],
  [
    "batch's NodeClass gone: both clusters",
    (p) => (p.resource_changes = p.resource_changes.filter((r: Json) => r.type !== "kubectl_manifest")),
    [
      EDGE,
      [APPS, 'module.eks["apps"].aws_eks_cluster.this'],
      ['module.karpenter["batch"].aws_eks_pod_identity_association.karpenter', 'module.eks["batch"].aws_eks_cluster.this'],
    ],
  ],
  [
    "a service account of another name is not Karpenter's",
    (p) => (change(p, APPS).change.after.service_account = "karpenter-controller"),
    [EDGE],
  ],
  [
    // Its yaml_body interpolates an SG's id: its findings already say that the nodes it may define are not judged.
    "a manifest decided at apply time: nothing added",
    (p) => {
      const manifest = change(p, "kubectl_manifest.batch_node_class").change;
      delete manifest.after.yaml_body;
      manifest.after_unknown.yaml_body = true;
      const configured = p.configuration.root_module.resources.find((r: Json) => r.address === "kubectl_manifest.batch_node_class");
      configured.expressions.yaml_body = { references: ["aws_security_group.batch_nodes.id", "aws_security_group.batch_nodes"] };
    },
    [],
  ],
  [
    "a cluster outside the plan: nothing to attach it to",
    (p) => (change(p, APPS).change.after.cluster_name = "elsewhere"),
    [EDGE],
  ],
])("%s", (_name, edit, expected) => {
  expect(capacityOf(edit)).toEqual(expected);
});

describe("root modules checked alone and together", () => {
  const PLATFORM = fixturePlan("split-karpenter-platform");
  const NODECLASSES = fixturePlan("split-karpenter-nodeclasses");
  // Joined as the command line joins the plans it is given: one model of all of them, where each
  // address is prefixed with its plan (`<plan>::`), left out here.
  const judged = (files: string[]) => {
    const topology = topologyOf(modelInputs(loadInputs(files)));
    const bare = (address: string) => address.replace(/[^(]*::/g, "");
    return {
      nodeClasses: topology.clusters.flatMap((c) => c.nodes.filter((n) => n.kind === "karpenter").map((n) => [bare(c.address), bare(n.id), n.sgs.members.map(bare)])),
      elsewhere: topology.capacityElsewhere.map((c) => bare(c.address)),
    };
  };

  test("the platform root alone: Karpenter's nodes are not judged, and the association says so", () => {
    expect(judged([PLATFORM])).toEqual({ nodeClasses: [], elsewhere: ["aws_eks_pod_identity_association.karpenter"] });
  });

  test("with the root that holds the EC2NodeClass: its nodes are judged, and nothing is said of the association", () => {
    expect(judged([PLATFORM, NODECLASSES])).toEqual({
      nodeClasses: [["aws_eks_cluster.this", "karpenter(kubectl_manifest.default)", ["aws_security_group.karpenter_nodes"]]],
      elsewhere: [],
    });
  });
});
