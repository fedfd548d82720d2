/**
 * The topology view (which SGs sit on which ENI class, which required flows pass) and its two
 * drawings: Mermaid (Markdown report, `graph --format mermaid`) and DOT (`graph --format dot`).
 * The Mermaid text is checked line by line against the grammar it uses, so that a label can never
 * end its quotes or a link style point at an arrow that is not there.
 */
import { dotString, formatDot } from "../../checker/report/format-dot";
import { arrowsOf, clusterArrows, formatMermaid, mermaidText } from "../../checker/report/format-mermaid";
import { topologyViews, type ClusterView, type TopologyView } from "../../checker/report/topology-view";
import { fixturePlan, graphOf } from "../helpers/fixtures";
import { built, reportCases } from "./report-cases";

const NODE = /^ {4}([A-Za-z][A-Za-z0-9]*)(\["|\("|\{\{")(.*?)("\]|"\)|"\}\}):::([A-Za-z]+)$/;
const FREE_NODE = /^ {2}([A-Za-z][A-Za-z0-9]*)\["(.*)"\]:::([A-Za-z]+)$/;
const EDGE = /^ {2}([A-Za-z][A-Za-z0-9]*) (-->|-\.->|<-->|<-\.->)\|"(.*)"\| ([A-Za-z][A-Za-z0-9]*)$/;
const SUBGRAPH = /^ {2}subgraph ([A-Za-z][A-Za-z0-9]*)\["(.*)"\]$/;
const LINK_STYLE = /^ {2}linkStyle ([\d,]+) (\S.*)$/;
const CLASS_DEF = /^ {2}classDef ([A-Za-z]+) (\S.*)$/;

/** A label's text: no quote, and `#` only as the start of an entity code Mermaid decodes. */
function expectSafeLabel(label: string): void {
  expect(label).not.toContain('"');
  expect(label.replace(/#\d+;/g, "")).not.toContain("#");
  expect(label.replace(/<\/?(b|i)>|<br\/>/g, "")).not.toMatch(/[<>]/);
}

interface Parsed {
  readonly nodes: Map<string, { label: string; shape: string; cls: string }>;
  readonly edges: { from: string; arrow: string; label: string; to: string }[];
  readonly subgraphs: string[];
}

/** Reads the Mermaid text back, failing on any line that is not part of the grammar we write. */
function parseMermaid(text: string): Parsed {
  const lines = text.trimEnd().split("\n");
  expect(lines[0]).toBe("flowchart LR");
  const nodes: Parsed["nodes"] = new Map();
  const edges: Parsed["edges"] = [];
  const subgraphs: string[] = [];
  const styled: number[] = [];
  const classes = new Set<string>();
  let depth = 0;
  for (const line of lines.slice(1)) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(SUBGRAPH))) {
      expect(depth).toBe(0);
      depth += 1;
      subgraphs.push(m[1]);
      expectSafeLabel(m[2]);
    } else if (line === "    direction LR") {
      expect(depth).toBe(1);
    } else if (line === "  end") {
      expect(depth).toBe(1);
      depth -= 1;
    } else if ((m = line.match(NODE))) {
      expect(depth).toBe(1);
      expect(nodes.has(m[1])).toBe(false);
      expectSafeLabel(m[3]);
      nodes.set(m[1], { label: m[3], shape: m[2], cls: m[5] });
    } else if ((m = line.match(FREE_NODE))) {
      expect(depth).toBe(0);
      expectSafeLabel(m[2]);
      nodes.set(m[1], { label: m[2], shape: '["', cls: m[3] });
    } else if ((m = line.match(EDGE))) {
      expect(depth).toBe(0);
      expectSafeLabel(m[3]);
      edges.push({ from: m[1], arrow: m[2], label: m[3], to: m[4] });
    } else if ((m = line.match(LINK_STYLE))) {
      styled.push(...m[1].split(",").map(Number));
    } else if ((m = line.match(CLASS_DEF))) {
      classes.add(m[1]);
    } else {
      throw new Error(`unexpected Mermaid line: ${JSON.stringify(line)}`);
    }
  }
  expect(depth).toBe(0);
  for (const edge of edges) {
    expect(nodes.has(edge.from)).toBe(true);
    expect(nodes.has(edge.to)).toBe(true);
  }
  // Every arrow styled exactly once, and nothing else.
  expect([...styled].sort((a, b) => a - b)).toEqual(edges.map((_, i) => i));
  for (const node of nodes.values()) expect(classes).toContain(node.cls);
  return { nodes, edges, subgraphs };
}

function clusterOf(fixture: string, address = "aws_eks_cluster.this"): ClusterView {
  const [view] = topologyViews([graphOf(fixturePlan(fixture))]);
  return view.clusters.find((c) => c.address === address)!;
}

describe("topology view", () => {
  test("mixed Fargate and EC2: SGs per class, CoreDNS hosts, the public API path and flow verdicts", () => {
    const cluster = clusterOf("topo-mixed-fargate-ec2");
    expect(cluster.apiPath).toBe("public");
    expect(cluster.controlPlane.sgs.map((s) => s.label)).toEqual(["cluster SG"]);
    const byAddress = Object.fromEntries(cluster.nodes.map((n) => [n.address, n]));
    expect(byAddress["aws_eks_node_group.apps"]).toMatchObject({ kind: "managed", sgsFromLaunchTemplate: true, hostsCoreDns: true });
    expect(byAddress["aws_eks_node_group.apps"].sgs.map((s) => s.label)).toEqual(["aws_security_group.node"]);
    expect(byAddress["aws_eks_fargate_profile.kube_system"]).toMatchObject({ kind: "fargate", hostsCoreDns: true });
    expect(byAddress["aws_eks_fargate_profile.kube_system"].sgs.map((s) => s.kind)).toEqual(["cluster"]);
    const verdicts = cluster.flows.map((f) => `${f.kind} ${f.from} -> ${f.to} ${f.ports}: ${f.verdict}`);
    expect(verdicts).toEqual([
      "api managed(aws_eks_node_group.apps) -> public-endpoint(aws_eks_cluster.this) TCP 443: allowed",
      "kubelet control-plane(aws_eks_cluster.this) -> managed(aws_eks_node_group.apps) TCP 10250: allowed",
      "api fargate(aws_eks_fargate_profile.kube_system) -> public-endpoint(aws_eks_cluster.this) TCP 443: allowed",
      "kubelet control-plane(aws_eks_cluster.this) -> fargate(aws_eks_fargate_profile.kube_system) TCP 10250: allowed",
      "dns managed(aws_eks_node_group.apps) -> managed(aws_eks_node_group.apps) TCP+UDP 53: allowed",
      "dns managed(aws_eks_node_group.apps) -> fargate(aws_eks_fargate_profile.kube_system) TCP+UDP 53: denied",
      "dns fargate(aws_eks_fargate_profile.kube_system) -> managed(aws_eks_node_group.apps) TCP+UDP 53: denied",
      "dns fargate(aws_eks_fargate_profile.kube_system) -> fargate(aws_eks_fargate_profile.kube_system) TCP+UDP 53: allowed",
    ]);
    const denied = cluster.flows.find((f) => f.verdict === "denied")!;
    expect(denied.reasons.length).toBeGreaterThan(0);
    expect(denied.reasons.join(" ")).toMatch(/(ingress|egress) missing: /);
  });

  test("a node SG without rules: every required flow denied, with the missing side", () => {
    const cluster = clusterOf("topo-lt-node-sg-no-rules");
    expect(cluster.flows.map((f) => `${f.kind}: ${f.verdict}`)).toEqual(["api: denied", "kubelet: denied", "dns: denied"]);
    for (const flow of cluster.flows) expect(flow.reasons.length).toBeGreaterThan(0);
  });

  test("rules the plan cannot resolve: unknown, with why", () => {
    const cluster = clusterOf("user-eks-module-style-create");
    expect(cluster.controlPlane.sgs.map((s) => s.label)).toEqual(["cluster SG", "aws_security_group.cluster[0]"]);
    const unknown = cluster.flows.filter((f) => f.verdict === "unknown");
    expect(unknown.map((f) => f.kind).sort()).toEqual(["api", "api", "kubelet", "kubelet"]);
    for (const flow of unknown) expect(flow.reasons.join(" ")).toMatch(/unknown: /);
  });
});

describe("Mermaid", () => {
  test("mixed Fargate and EC2: boxes list the SGs; DNS both ways denied is one red two-headed arrow; allowed DNS is a note", () => {
    const { nodes, edges, subgraphs } = parseMermaid(formatMermaid(topologyViews([graphOf(fixturePlan("topo-mixed-fargate-ec2"))])));
    expect(subgraphs).toEqual(["v0c0"]);
    expect(nodes.get("v0c0cp")).toMatchObject({ cls: "controlPlane", shape: '["' });
    expect(nodes.get("v0c0cp")!.label).toBe("<b>control plane</b><br/>aws_eks_cluster.this<br/><i>security groups:</i><br/>▸\u00a0cluster SG");
    expect(nodes.get("v0c0n0")!.label).toContain("▸\u00a0aws_security_group.node");
    expect(nodes.get("v0c0n1")).toMatchObject({ cls: "fargate", shape: '("' });
    expect(nodes.get("v0c0n1")!.label).toContain("<i>runs CoreDNS (selects kube-system)</i>");
    expect(nodes.get("v0c0ep")).toMatchObject({ cls: "endpoint", shape: '{{"' });
    expect(nodes.get("legend")!.label).toContain("✗ red dashed: denied");
    expect(edges).toContainEqual({ from: "v0c0n0", arrow: "<-.->", label: "✗ DNS TCP+UDP 53", to: "v0c0n1" });
    expect(edges).toContainEqual({ from: "v0c0n0", arrow: "-->", label: "✓ API TCP 443", to: "v0c0ep" });
    expect(edges).toContainEqual({ from: "v0c0cp", arrow: "-->", label: "✓ kubelet TCP 10250", to: "v0c0n1" });
    expect(edges.filter((e) => e.label.includes("DNS"))).toHaveLength(1);
    expect(edges).toHaveLength(5);
    expect(nodes.get("v0c0dns")).toEqual({ label: "✓ every other DNS flow (TCP/UDP 53): allowed", shape: '["', cls: "note" });
  });

  test("the colours: green for allowed, red dashed for denied, grey dotted for unknown", () => {
    const text = formatMermaid(topologyViews([graphOf(fixturePlan("topo-mixed-fargate-ec2")), graphOf(fixturePlan("user-eks-module-style-create"))]));
    const styles = text.split("\n").filter((l) => l.startsWith("  linkStyle "));
    expect(styles).toHaveLength(3);
    expect(styles.find((l) => l.includes("#1a7f37"))).not.toMatch(/dasharray/);
    expect(styles.find((l) => l.includes("#cf222e"))).toMatch(/stroke-dasharray:8 5/);
    expect(styles.find((l) => l.includes("#6e7781"))).toMatch(/stroke-dasharray:2 4/);
    const { edges, subgraphs } = parseMermaid(text);
    expect(subgraphs).toEqual(["v0c0", "v1c0"]);
    expect(edges.filter((e) => e.label.startsWith("? ")).every((e) => /^<?-\.->$/.test(e.arrow))).toBe(true);
    expect(edges.filter((e) => e.label.startsWith("✓ ")).every((e) => /^<?-->$/.test(e.arrow))).toBe(true);
  });

  test("a node SG without rules: the three required flows red, with ✗", () => {
    const { edges } = parseMermaid(formatMermaid(topologyViews([graphOf(fixturePlan("topo-lt-node-sg-no-rules"))])));
    expect(edges.map((e) => `${e.from} ${e.arrow} ${e.to}: ${e.label}`)).toEqual([
      "v0c0n0 -.-> v0c0ep: ✗ API TCP 443",
      "v0c0cp -.-> v0c0n0: ✗ kubelet TCP 10250",
      "v0c0n0 -.-> v0c0n0: ✗ DNS TCP+UDP 53",
    ]);
  });

  test("labels with quotes, brackets, #, <, |, backticks and newlines stay inside their quotes", () => {
    const nasty = 'module.m["a\\"b#1<x>|`y`"].aws_eks_node_group.this["k&v"]';
    const view: TopologyView = {
      input: "plan.json",
      clusters: [
        {
          address: 'aws_eks_cluster.c["x"]',
          name: 'name "quoted" #1',
          clusterSg: "k",
          apiPath: "private",
          controlPlane: { id: "cp", kind: "control-plane", address: 'aws_eks_cluster.c["x"]', sgs: [{ key: "k", label: "cluster SG", kind: "cluster" }], sgsFromLaunchTemplate: false, launchTemplates: [], hostsCoreDns: false },
          nodes: [{ id: "n", kind: "self-managed", address: nasty, sgs: [], sgsUnknown: "from a local", sgsFromLaunchTemplate: true, launchTemplates: [], hostsCoreDns: true }],
          flows: [{ kind: "api", from: "n", to: "cp", ports: "TCP 443", verdict: "unknown", reasons: ["line\nbreak"] }],
        },
      ],
      orphans: [],
    };
    const text = formatMermaid([view]);
    const { nodes, edges } = parseMermaid(text);
    expect(nodes.get("v0c0n0")!.label).toContain(mermaidText(nasty));
    expect(mermaidText(nasty)).toBe("module.m[#34;a#92;#34;b#35;1#60;x#62;#124;#96;y#96;#34;].aws_eks_node_group.this[#34;k#38;v#34;]");
    expect(nodes.get("v0c0n0")!.label).toContain("SGs decided at apply time");
    expect(edges).toEqual([{ from: "v0c0n0", arrow: "-.->", label: "? API TCP 443", to: "v0c0cp" }]);
    expect(mermaidText("a\nb")).toBe("a<br/>b");
  });

  test("no cluster: one box that says so", () => {
    const { nodes, edges } = parseMermaid(formatMermaid([{ input: "plan.json", clusters: [], orphans: [] }]));
    expect([...nodes.keys()]).toEqual(["empty"]);
    expect(nodes.get("empty")!.label).toBe("no EKS cluster in plan.json");
    expect(edges).toEqual([]);
  });

  test("nodes defined outside the plan: a note in their cluster, instead of 'no node class'", () => {
    const views = topologyViews([graphOf(fixturePlan("topo-nodeclasses-elsewhere"))]);
    const { nodes } = parseMermaid(formatMermaid(views));
    const notes = (cluster: string) => {
      const c = views[0].clusters.findIndex((view) => view.address === cluster);
      return [...nodes].filter(([id, node]) => id.startsWith(`v0c${c}none`) && node.cls === "note").map(([, node]) => node.label);
    };
    expect(notes("aws_eks_cluster.edge")).toEqual(["? nodes defined outside this plan, not judged (aws_eks_cluster.edge)"]);
    expect(notes('module.eks["apps"].aws_eks_cluster.this')).toEqual([mermaidText('? nodes defined outside this plan, not judged (module.karpenter["apps"].aws_eks_pod_identity_association.karpenter)')]);
    expect(notes('module.eks["batch"].aws_eks_cluster.this')).toEqual([]);
    const dot = formatDot(views);
    expect(dot).toContain(dotString("? nodes defined outside this plan, not judged (aws_eks_cluster.edge)"));
    expect(dot).not.toContain("no node class in this plan");
  });

  test("one cluster of several; no legend when asked", () => {
    const views = topologyViews([graphOf(fixturePlan("user-blueprint-fargate-and-nodes"))]);
    const address = views[0].clusters[1].address;
    const { subgraphs, nodes } = parseMermaid(formatMermaid(views, { cluster: address, legend: false }));
    expect(subgraphs).toEqual(["v0c0"]);
    expect(nodes.has("legend")).toBe(false);
    expect(nodes.get("v0c0cp")!.label).toContain(address);
  });

  test("allowed DNS flows become a note; denied and unknown ones stay arrows", () => {
    const blueprint = topologyViews([graphOf(fixturePlan("user-blueprint-fargate-and-nodes"))])[0];
    const fixed = blueprint.clusters.find((c) => c.address === "aws_eks_cluster.fixed")!;
    expect(clusterArrows(fixed).dnsNote).toBe("✓ DNS TCP+UDP 53 to every CoreDNS host: allowed");
    expect(clusterArrows(fixed).arrows.every((a) => a.flows.every((f) => f.kind !== "dns"))).toBe(true);
    const broken = blueprint.clusters.find((c) => c.address === "aws_eks_cluster.broken")!;
    expect(clusterArrows(broken).arrows.filter((a) => a.flows[0].kind === "dns").map((a) => a.verdict)).toEqual(["denied", "denied"]);
    expect(clusterArrows(clusterOf("topo-lt-node-sg-no-rules")).dnsNote).toBeUndefined();
  });

  test("arrowsOf: opposite flows with one verdict share a two-headed arrow", () => {
    const flow = (from: string, to: string, verdict: "allowed" | "denied", kind: "dns" | "api" | "kubelet" = "dns", ports = "TCP+UDP 53") => ({ kind, from, to, ports, verdict, reasons: [] });
    expect(arrowsOf([flow("a", "b", "denied"), flow("b", "a", "denied")]).map((a) => [a.both, a.label])).toEqual([[true, "✗ DNS TCP+UDP 53"]]);
    expect(arrowsOf([flow("a", "b", "denied"), flow("b", "a", "allowed")]).map((a) => a.both)).toEqual([false, false]);
    expect(arrowsOf([flow("a", "a", "allowed")]).map((a) => a.both)).toEqual([false]);
    const nodeAndPlane = arrowsOf([flow("n", "cp", "allowed", "api", "TCP 443"), flow("cp", "n", "allowed", "kubelet", "TCP 10250")]);
    expect(nodeAndPlane).toMatchObject([{ from: "n", to: "cp", both: true, label: "✓ API TCP 443 · kubelet TCP 10250" }]);
  });

  test("a private endpoint: API and kubelet between nodes and control plane as one arrow", () => {
    const { edges } = parseMermaid(formatMermaid(topologyViews([graphOf(fixturePlan("user-eks-module-style-create"))])));
    expect(edges).toContainEqual({ from: "v0c0n0", arrow: "<-.->", label: "? API TCP 443 · kubelet TCP 10250", to: "v0c0cp" });
    expect(edges).toHaveLength(2);
  });
});

/** DOT read back: quoted strings closed, braces balanced outside them, edges between declared nodes. */
function parseDot(text: string): { nodes: Set<string>; edges: [string, string][] } {
  expect(text.startsWith('digraph "eks-sg-policy" {\n')).toBe(true);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i += 1;
      else if (c === '"') inString = false;
      else expect(c).not.toBe("\n");
    } else if (c === '"') inString = true;
    else if (c === "{") depth += 1;
    else if (c === "}") depth -= 1;
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(inString).toBe(false);
  expect(depth).toBe(0);
  const nodes = new Set([...text.matchAll(/^ +"([^"]+)" \[label=/gm)].map((m) => m[1]));
  const edges = [...text.matchAll(/^ +"([^"]+)" -> "([^"]+)" \[/gm)].map((m) => [m[1], m[2]] as [string, string]);
  for (const [from, to] of edges) {
    expect(nodes).toContain(from);
    expect(nodes).toContain(to);
  }
  return { nodes, edges };
}

describe("DOT", () => {
  test.each([
    ["plain", '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["back\\slash", '"back\\\\slash"'],
    ["two\nlines", '"two\\nlines"'],
  ])("dotString(%j)", (input, expected) => {
    expect(dotString(input)).toBe(expected);
  });

  test("mixed Fargate and EC2: cluster box, SGs in the boxes, colours and styles per verdict", () => {
    const text = formatDot(topologyViews([graphOf(fixturePlan("topo-mixed-fargate-ec2"))]));
    const { nodes, edges } = parseDot(text);
    expect(nodes).toEqual(new Set(["v0c0cp", "v0c0n0", "v0c0n1", "v0c0ep", "v0c0dns", "legend"]));
    expect(edges).toHaveLength(5);
    expect(text).toContain('subgraph "cluster_v0c0" {');
    expect(text).toContain("▸\u00a0aws_security_group.node");
    expect(text).toMatch(/"v0c0n0" -> "v0c0n1" \[label="✗ DNS TCP\+UDP 53", color="#cf222e", fontcolor="#cf222e", style=dashed, penwidth=2\.5, dir=both\];/);
    expect(text).toMatch(/"v0c0n0" -> "v0c0ep" \[label="✓ API TCP 443", color="#1a7f37", fontcolor="#1a7f37", style=solid/);
  });

  test("no cluster: one node that says so", () => {
    const { nodes, edges } = parseDot(formatDot([{ input: "plan.json", clusters: [], orphans: [] }]));
    expect([...nodes]).toEqual(["empty"]);
    expect(edges).toEqual([]);
  });
});

describe.each(reportCases().map((c) => [c.name, c.file]))("%s", (_name, file) => {
  test("Mermaid and DOT read back; every flow is an arrow", () => {
    const { view } = built(file);
    const mermaid = parseMermaid(formatMermaid([view]));
    const dot = parseDot(formatDot([view]));
    const arrows = view.clusters.reduce((n, c) => n + clusterArrows(c).arrows.length, 0);
    expect(mermaid.edges).toHaveLength(arrows);
    expect(dot.edges).toHaveLength(arrows);
    expect(mermaid.subgraphs).toHaveLength(view.clusters.length);
    for (const cluster of view.clusters) {
      // Pods with a SecurityGroupPolicy are drawn with the nodes but have no kubelet or API flow of
      // their own; pods on ENIs of their own call the API, and have no kubelet.
      const nodes = cluster.nodes.filter((n) => n.kind !== "pod" && n.kind !== "pod-network");
      const podNetworks = cluster.nodes.filter((n) => n.kind === "pod-network");
      expect(cluster.flows.filter((f) => f.kind === "kubelet")).toHaveLength(nodes.length);
      expect(cluster.flows.filter((f) => f.kind === "api")).toHaveLength(nodes.length + podNetworks.length);
      for (const flow of cluster.flows) if (flow.verdict !== "allowed") expect(flow.reasons.length).toBeGreaterThan(0);
    }
  });
});
