/**
 * Node and pod classes that selectors and settings decide: which SGs end up on them, from real
 * plans (manifests as the kubectl and kubernetes providers plan them; see fixtures/manifests).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { topologyOf, type EniClass } from "../../checker/eks/topology";
import { buildGraph } from "../../checker/model/resource-graph";
import { fixturePlan, graphOf } from "../helpers/fixtures";

const CLUSTER_SG = "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id";

function classes(fixture: string): Record<string, EniClass> {
  const topology = topologyOf(graphOf(fixturePlan(fixture)));
  return Object.fromEntries(topology.clusters.flatMap((c) => [...c.nodes, ...c.pods]).map((n) => [n.id, n]));
}

const sgsOf = (cls: EniClass | undefined) => cls && { members: [...cls.sgs.members].sort(), ...(cls.sgs.unknown ? { unknown: expect.any(String) } : {}) };

describe("Karpenter EC2NodeClass: the SGs its selector terms match", () => {
  test("by the discovery tag, inside a module: the node SG alone", () => {
    expect(sgsOf(classes("blind-karpenter-by-tag")["karpenter(kubectl_manifest.karpenter_node_class)"])).toEqual({ members: ["module.eks.aws_security_group.node"] });
  });

  test("keys of one term are ANDed, terms ORed, '*' is any value; aws_ec2_tag tags the cluster SG", () => {
    const found = classes("blind-karpenter-and-terms");
    expect(sgsOf(found["karpenter(kubectl_manifest.node_class_ml)"])).toEqual({ members: ["aws_security_group.ml_nodes"] });
    expect(sgsOf(found["karpenter(kubectl_manifest.node_class_default)"])).toEqual({ members: [CLUSTER_SG] });
  });

  test("the provider's default_tags count: a discovery tag there puts every SG of the plan on the nodes", () => {
    expect(sgsOf(classes("blind-karpenter-default-tags")["karpenter(kubectl_manifest.karpenter_node_class)"])).toEqual({
      members: ["aws_security_group.control_plane", "aws_security_group.node", "aws_security_group.vpc_endpoints"],
    });
  });

  test("by id: an SG made in the plan is decided by its reference; a literal id is an SG made elsewhere", () => {
    const found = classes("blind-karpenter-by-id");
    expect(sgsOf(found["karpenter(kubernetes_manifest.karpenter_by_id)"])).toEqual({ members: ["aws_security_group.karpenter"] });
    expect(sgsOf(found["karpenter(kubernetes_manifest.karpenter_existing_sg)"])).toEqual({ members: ["sg-0123456789abcdef0"] });
  });

  test("by name: the cluster SG's name (eks-cluster-sg-<name>-<id>) cannot match another name", () => {
    const [karpenter] = Object.values(classes("blind-karpenter-missing-rules")).filter((c) => c.kind === "karpenter");
    expect(karpenter.sgs.unknown).toBeUndefined();
    expect(karpenter.sgs.members).toHaveLength(1);
  });

  test("a manifest whose YAML is decided at apply time is kept as undecided, with what it refers to", () => {
    const topology = topologyOf(graphOf(fixturePlan("manifest-stand-ins")));
    expect(topology.undecidedManifests.map((m) => [m.address, m.refs.map((r) => r.address)])).toEqual([["kubectl_manifest.auto_node_class", ["aws_security_group.node"]]]);
  });

  test("in a cdk.tf.json, tokens in yaml_body become values that still point at their resources", () => {
    const yaml = ["apiVersion: karpenter.k8s.aws/v1", "kind: EC2NodeClass", "metadata:", "  name: default", "spec:", "  securityGroupSelectorTerms:", "    - id: ${aws_security_group.nodes.id}", ""].join("\n");
    const document = {
      resource: {
        aws_eks_cluster: { c: { name: "c", role_arn: "arn:aws:iam::111122223333:role/eks", vpc_config: { subnet_ids: ["subnet-0a"] } } },
        aws_security_group: { nodes: { vpc_id: "vpc-0a" } },
        kubectl_manifest: { node_class: { yaml_body: yaml } },
      },
    };
    const topology = topologyOf(buildGraph({ kind: "synth", path: "stack", stack: "stack", document }));
    expect(sgsOf(topology.clusters[0].nodes.find((n) => n.kind === "karpenter"))).toEqual({ members: ["aws_security_group.nodes"] });
  });
});

describe("EKS Auto Mode, hybrid nodes, pods with their own SGs", () => {
  test("the built-in pools carry the cluster SG, resolve DNS on the node and host no CoreDNS", () => {
    expect(classes("blind-automode-builtin")["auto-mode(aws_eks_cluster.this)"]).toMatchObject({ sgs: { members: [CLUSTER_SG] }, resolvesDnsLocally: true, hostsCoreDns: false });
  });

  test("hybrid nodes are their remote node and pod CIDRs, outside the VPC", () => {
    const hybrid = classes("blind-hybrid-correct")["hybrid(aws_eks_cluster.this)"];
    expect(hybrid.subnets.ipv4.map((c) => c.text)).toEqual(["172.16.0.0/16", "172.17.0.0/16"]);
    expect(hybrid.sgs).toEqual({ members: [] });
    expect(hybrid.outsideVpc).toMatch(/on premises/);
  });

  test("SecurityGroupPolicies: their groupIds (new SGs by reference, literal ids as SGs made elsewhere)", () => {
    const found = classes("manifest-stand-ins");
    expect(sgsOf(found["pod(kubernetes_manifest.db_access)"])).toEqual({ members: ["aws_security_group.pod"] });
    expect(sgsOf(found['pod(module.team_sgp["payments"].kubectl_manifest.sgp[0])'])).toEqual({ members: ["sg-0123456789abcdef0"] });
  });
});

describe("SecurityGroupPolicies with Fargate", () => {
  const PAYMENTS = "kubernetes_manifest.payments_sgp";
  const ON_APPS = `fargate(aws_eks_fargate_profile.apps, ${PAYMENTS})`;

  /** topo-fargate-pod-sg with the payments policy edited, and maybe a managed node group added. */
  function edited(namespace: string, withNodeGroup: boolean): Record<string, EniClass> {
    const plan = JSON.parse(fs.readFileSync(fixturePlan("topo-fargate-pod-sg"), "utf8"));
    const policy = plan.resource_changes.find((c: { address: string }) => c.address === PAYMENTS);
    policy.change.after.manifest.metadata.namespace = namespace;
    if (withNodeGroup) {
      const after = { cluster_name: "topo-fargate-pod-sg", node_group_name: "general", subnet_ids: [], scaling_config: [{ desired_size: 2, max_size: 3, min_size: 1 }] };
      plan.resource_changes.push({ address: "aws_eks_node_group.general", mode: "managed", type: "aws_eks_node_group", name: "general", change: { actions: ["create"], before: null, after, after_unknown: {} } });
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "fargate-sgp-")), "plan.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    const topology = topologyOf(graphOf(file));
    return Object.fromEntries(topology.clusters.flatMap((c) => [...c.nodes, ...c.pods]).map((n) => [n.id, n]));
  }

  test("the pods a profile runs carry the policy's SGs in place of the cluster SG; without EC2 nodes, no branch-ENI class", () => {
    const found = classes("topo-fargate-pod-sg");
    const payments = found[ON_APPS];
    expect(payments).toMatchObject({ kind: "fargate", address: PAYMENTS, securityGroupPolicy: PAYMENTS, hostsCoreDns: false });
    expect(sgsOf(payments)).toEqual({ members: ["aws_security_group.payments_pods"] });
    expect(payments.subnets).toBe(found["fargate(aws_eks_fargate_profile.apps)"].subnets);
    expect(sgsOf(found["fargate(aws_eks_fargate_profile.apps, kubernetes_manifest.orders_sgp)"])).toEqual({ members: [CLUSTER_SG, "aws_security_group.orders_pods"] });
    // The kube-system profile selects neither namespace; the profiles themselves keep the cluster SG.
    expect(Object.keys(found).filter((id) => id.startsWith("fargate(aws_eks_fargate_profile.kube_system,"))).toEqual([]);
    expect(sgsOf(found["fargate(aws_eks_fargate_profile.apps)"])).toEqual({ members: [CLUSTER_SG] });
    expect(found[`pod(${PAYMENTS})`]).toBeUndefined();
  });

  test("pods no profile takes run on EC2 nodes, in the plan or elsewhere; with EC2 nodes both kinds exist", () => {
    const elsewhere = edited("batch", false);
    expect(elsewhere[ON_APPS]).toBeUndefined();
    expect(sgsOf(elsewhere[`pod(${PAYMENTS})`])).toEqual({ members: ["aws_security_group.payments_pods"] });

    const mixed = edited("payments", true);
    expect(mixed["managed(aws_eks_node_group.general)"]).toBeDefined();
    expect(sgsOf(mixed[ON_APPS])).toEqual({ members: ["aws_security_group.payments_pods"] });
    expect(sgsOf(mixed[`pod(${PAYMENTS})`])).toEqual({ members: ["aws_security_group.payments_pods"] });
  });
});

describe("what rules and node groups name, followed", () => {
  test("an ASG's launch_configuration by .id (the provider sets it to the name)", () => {
    expect(sgsOf(classes("blind-asg-launch-configuration")["self-managed(aws_autoscaling_group.workers)"])).toEqual({ members: ["aws_security_group.workers", "aws_security_group.workers_shared"] });
  });

  test("remote_access with an empty SSH key makes no remote-access SG", () => {
    const found = classes("blind-remote-access-empty-key");
    expect(found['managed(module.node_groups["default"].aws_eks_node_group.this)'].sgs.members).toEqual([CLUSTER_SG]);
    expect(found['managed(module.node_groups["debug"].aws_eks_node_group.this)'].sgs.members).toHaveLength(2);
  });

  test("a prefix list made in the plan is its CIDRs (inline entries and entry resources)", () => {
    const topology = topologyOf(graphOf(fixturePlan("blind-prefix-list")));
    const peers = topology.rules.of("aws_security_group.node", "ingress").filter((r) => r.peer.kind === "cidr" && r.peer.prefixList).map((r) => `${r.fromPort} ${r.peer.kind === "cidr" ? r.peer.cidr.text : ""}`);
    expect(peers).toContain("22 0.0.0.0/0");
  });

  test("for_each over known ids and sets, a one-entry map of references, values two module levels down: decided", () => {
    const topology = topologyOf(graphOf(fixturePlan("foreach-known-peers")));
    const rules = topology.rules.of("module.platform.module.nodes.aws_security_group.node", "ingress");
    const peers = rules.map((r) => (r.peer.kind === "sg" ? r.peer.sg : r.peer.kind)).sort();
    expect(peers).toEqual(["aws_eks_cluster.this.vpc_config[0].cluster_security_group_id", ...Array(3).fill("module.platform.module.nodes.aws_security_group.node"), "sg-0b0b0b0b0b0b0b0b0", "sg-0c0c0c0c0c0c0c0c0", "sg-0d0d0d0d0d0d0d0d0"].sort());
  });
});
