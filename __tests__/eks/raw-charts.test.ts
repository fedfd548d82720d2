/** Objects applied through releases of the raw Helm chart (raw-charts.ts). */
import { rawChartManifests } from "../../checker/eks/raw-charts";
import { topologyOf } from "../../checker/eks/topology";
import { loadText } from "../../checker/load/load-inputs";
import { buildGraph } from "../../checker/model/resource-graph";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fixturePlan, graphOf, reportOf } from "../helpers/fixtures";

/** A plan with one helm_release of `chart`, its `after` and `after_unknown` as the Helm provider writes them. */
const manifestsOf = (after: object, afterUnknown: object = {}, chart = "raw") => {
  const plan = {
    format_version: "1.2",
    resource_changes: [{ address: "helm_release.this", mode: "managed", type: "helm_release", name: "this", change: { actions: ["create"], before: null, after: { chart, ...after }, after_unknown: afterUnknown } }],
  };
  const [input] = loadText(JSON.stringify(plan), "raw.json");
  const found = rawChartManifests(buildGraph(input).after);
  return { objects: found.objects.map((o) => [o.kind, o.name]), undecided: found.undecided.map((u) => ({ reason: u.reason, capacity: u.definesCapacity })) };
};

const NODE_CLASS = "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata:\n  name: default\n";

test.each<[string, object, object, ReturnType<typeof manifestsOf>]>([
  ["resources are the objects", { values: ["resources:\n  - " + NODE_CLASS.replace(/\n(?=.)/g, "\n    ")] }, {}, { objects: [["EC2NodeClass", "default"]], undecided: [] }],
  ["a template without actions is its own YAML", { values: [`templates:\n  - |\n${NODE_CLASS.replace(/^(?=.)/gm, "    ")}`] }, {}, { objects: [["EC2NodeClass", "default"]], undecided: [] }],
  [
    "a template with actions is rendered at install time; it may define capacity when it names such a kind",
    { values: [`templates:\n  - |\n${(NODE_CLASS + "spec:\n  role: {{ .Values.role }}\n").replace(/^(?=.)/gm, "    ")}  - "kind: ConfigMap\\nmetadata:\\n  name: {{ .Release.Name }}"\n`] },
    {},
    {
      objects: [],
      undecided: [
        { reason: "templates[0] of helm_release.this is a Helm template, rendered when the release is installed", capacity: true },
        { reason: "templates[1] of helm_release.this is a Helm template, rendered when the release is installed", capacity: false },
      ],
    },
  ],
  // Without references, only the texts the plan holds can name a kind: here none.
  ["values decided at apply time", { values: [null] }, { values: [true] }, { objects: [], undecided: [{ reason: expect.stringContaining("values of helm_release.this are decided at apply time"), capacity: false }] }],
  [
    "a set name Helm refuses: nothing is installed; the values texts name a NodeClass",
    { values: ['resources: [{"apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass"}]\n'], set: [{ name: "resources[70000].kind", value: "x", type: "" }] },
    {},
    { objects: [], undecided: [{ reason: expect.stringContaining('the set name "resources[70000].kind" of helm_release.this is one Helm refuses'), capacity: true }] },
  ],
  ["set places a resource", { set: [{ name: "resources[0].kind", value: "ENIConfig", type: "" }, { name: "resources[0].apiVersion", value: "crd.k8s.amazonaws.com/v1alpha1", type: "" }] }, {}, { objects: [["ENIConfig", undefined]], undecided: [] }],
])("%s", (_name, after, afterUnknown, expected) => {
  expect(manifestsOf(after, afterUnknown)).toEqual(expected);
});

test("releases of other charts are not read as raw", () => {
  expect(manifestsOf({ values: ["resources:\n  - kind: EC2NodeClass\n"] }, {}, "karpenter")).toEqual({ objects: [], undecided: [] });
  expect(manifestsOf({ values: ["resources:\n  - kind: EC2NodeClass\n"] }, {}, "oci://registry.example.com/charts/raw").objects).toHaveLength(1);
});

test("a real plan: the NodeClass and NodePool of a raw release are a Karpenter class; the other two releases are undecided", () => {
  const topology = topologyOf(graphOf(fixturePlan("topo-raw-chart-manifests")));
  const karpenter = topology.clusters[0].nodes.filter((n) => n.kind === "karpenter");
  expect(karpenter.map((n) => [n.id, n.sgs.members, n.nodePools?.pools.map((p) => p.name)])).toEqual([
    ["karpenter(helm_release.karpenter_resources)", ["aws_security_group.karpenter_nodes"], ["default"]],
  ]);
  expect(topology.undecidedManifests.map((m) => m.address).sort()).toEqual(["helm_release.gpu_classes", "helm_release.pod_policies"]);
});

test("a raw chart's release counts as EKS in the report's inputs; another chart's does not", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "raw-charts-"));
  const write = (chart: string) => {
    const file = path.join(dir, `${chart}.json`);
    const change = { actions: ["create"], before: null, after: { chart, name: "r" }, after_unknown: {} };
    fs.writeFileSync(file, JSON.stringify({ format_version: "1.2", resource_changes: [{ address: "helm_release.r", mode: "managed", type: "helm_release", name: "r", change }] }));
    return file;
  };
  expect(reportOf([write("raw"), write("ingress-nginx")]).inputs.map((i) => [path.basename(i.path), i.eksResources])).toEqual([
    ["raw.json", 1],
    ["ingress-nginx.json", 0],
  ]);
});
