/** The model: addresses, actions, Unknown markers and where unknown values come from. */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadInputs } from "../../checker/load/load-inputs";
import type { LoadedInput } from "../../checker/load/plan-document";
import { modelInputs } from "../../checker/model/join-inputs";
import { preparePlan } from "../../checker/model/from-plan";
import { isSensitive, ResourceGraph } from "../../checker/model/resource-graph";
import { SubnetDirectory } from "../../checker/eks/subnets";
import { formatRef, isUnknown, Unknown, valueAt } from "../../checker/model/value";
import type { PlanDocument } from "../../checker/load/plan-document";
import { corpusPlan, corpusPlans, FIXTURES, fixturePlan, graphOf, sharedCorpusMissing } from "../helpers/fixtures";

function unknownAt(file: string, address: string, path: (string | number)[]): Unknown {
  const graph = graphOf(file);
  const instance = graph.instances.get(address);
  if (!instance) throw new Error(`no instance ${address}`);
  const value = valueAt(instance.after ?? null, path);
  if (!isUnknown(value)) throw new Error(`${address} ${path.join(".")} is ${JSON.stringify(value)}, not unknown`);
  return value;
}

describe("instances and actions", () => {
  const graph = graphOf(fixturePlan("p-plan-actions"));
  test.each([
    ["aws_eks_cluster.steady", "no-op"],
    ["aws_eks_cluster.retired", "delete"],
    ["aws_eks_cluster.logging", "update"],
    ["aws_eks_cluster.payments", "replace"],
  ])("%s is %s", (address, action) => expect(graph.instances.get(address)?.action).toBe(action));

  test("the deleted cluster is in the world before the plan only; no-op and replaced ones in both", () => {
    const after = graph.after.ofType("aws_eks_cluster").map((i) => i.address).sort();
    const before = graph.before.ofType("aws_eks_cluster").map((i) => i.address).sort();
    expect(after).toEqual(["aws_eks_cluster.logging", "aws_eks_cluster.payments", "aws_eks_cluster.steady"]);
    expect(before).toEqual(["aws_eks_cluster.logging", "aws_eks_cluster.payments", "aws_eks_cluster.retired", "aws_eks_cluster.steady"]);
  });

  test("the before side shows old values, the after side new ones", () => {
    const logging = graph.instances.get("aws_eks_cluster.logging")!;
    expect(graph.before.read(logging, ["enabled_cluster_log_types"])).not.toEqual(graph.after.read(logging, ["enabled_cluster_log_types"]));
  });

  test("addresses keep module keys of for_each and count", () => {
    const modules = graphOf(fixturePlan("p-modules-count-foreach"));
    const groups = modules.after.ofType("aws_eks_node_group").map((i) => i.address).sort();
    expect(groups).toEqual([
      'module.clusters["a"].module.nodes[0].aws_eks_node_group.this',
      'module.clusters["b"].module.nodes[0].aws_eks_node_group.this',
      'module.clusters["b"].module.nodes[1].aws_eks_node_group.this',
      'module.system_pool["a"].aws_eks_node_group.this',
      'module.system_pool["b"].aws_eks_node_group.this',
    ]);
  });
});

describe("unknown values", () => {
  test("an unset computed attribute is Unknown(computed), not missing and not an empty list", () => {
    const unknown = unknownAt(fixturePlan("p-cluster-defaults"), "aws_eks_cluster.main", ["vpc_config", 0, "public_access_cidrs"]);
    expect(unknown.origin).toBe("computed");
  });

  test("a missing leaf stays missing", () => {
    const graph = graphOf(fixturePlan("p-cluster-defaults"));
    const cluster = graph.instances.get("aws_eks_cluster.main")!;
    expect(valueAt(cluster.after!, ["no_such_attribute"])).toBeUndefined();
  });

  test("an unknown id leads to the instance inside the right module instance", () => {
    const unknown = unknownAt(fixturePlan("p-modules-count-foreach"), 'module.clusters["b"].module.nodes[1].aws_eks_node_group.this', ["launch_template", 0, "id"]);
    expect(unknown.refs.map(formatRef)).toEqual(['module.clusters["b"].module.nodes[1].aws_launch_template.this.id']);
    expect(unknown.fullyResolved).toBe(true);
  });

  test("module inputs are followed to the caller (var.x → module call argument)", () => {
    const unknown = unknownAt(fixturePlan("p-modules-count-foreach"), 'module.clusters["a"].module.nodes[0].aws_eks_node_group.this', ["node_role_arn"]);
    expect(unknown.refs.map(formatRef)).toEqual(["aws_iam_role.node.arn"]);
  });

  test("a module's own resources resolve inside its instance", () => {
    const unknown = unknownAt(fixturePlan("p-modules-count-foreach"), 'module.clusters["b"].aws_eks_cluster.this', ["role_arn"]);
    expect(unknown.refs.map(formatRef)).toEqual(['module.clusters["b"].aws_iam_role.cluster.arn']);
  });

  test("each.value over another module's instances reads that instance's output", () => {
    const plan = JSON.parse(fs.readFileSync(fixturePlan("p-modules-count-foreach"), "utf8")) as PlanDocument;
    const { config, resolver } = preparePlan(plan);
    const module = config!.descend(["system_pool"])!;
    const resolution = resolver.resolveReferences(["var.cluster_name"], { module, instance: [{ name: "system_pool", key: "b" }] });
    expect(resolution.refs.map(formatRef)).toEqual(['module.clusters["b"].aws_eks_cluster.this.name']);
    expect(resolution.unresolved).toEqual([]);
  });

  test("a local stays unresolved with the reason", () => {
    const unknown = unknownAt(fixturePlan("p-cluster-endpoint-local"), "aws_eks_cluster.via_local", ["vpc_config", 0, "public_access_cidrs"]);
    expect(unknown.fullyResolved).toBe(false);
    expect(unknown.unresolved.join()).toMatch(/local\.bastion_cidrs \(locals are not in plan JSON\)/);
  });

  test("Terraform 0.12 bare references still lead to the instance", () => {
    const unknown = unknownAt(corpusPlan("bridgecrewio__checkov__eks-sg-sgrule-large-tf01223.json")!, "aws_eks_cluster.eks_cluster", ["role_arn"]);
    expect(unknown.refs.map(formatRef)).toEqual(["aws_iam_role.iam_for_eks"]);
  });

  // The one plan of a real terraform-aws-eks v21 user; its repository has no licence, so it is not vendored.
  const tripleAze = corpusPlan("TripleAze__Production-Grade-Cloud-Native-DevOps-Platform__eks-module-access-entries-sgrules-tf1143.json");
  (tripleAze ? test : test.skip)(`Terraform ≥ 1.0.1 prefix lists collapse to the longest reference${tripleAze ? "" : ` (skipped: ${sharedCorpusMissing})`}`, () => {
    const file = tripleAze!;
    const unknown = unknownAt(file, 'module.eks.aws_ec2_tag.cluster_primary_security_group["project"]', ["resource_id"]);
    expect(unknown.refs.map(formatRef)).toEqual(["module.eks.aws_eks_cluster.this[0].vpc_config[0].cluster_security_group_id"]);
  });
});

describe("VPCs, subnets and DHCP options read by data sources at plan time", () => {
  const file = fixturePlan("topo-network-by-data-sources");
  const graph = graphOf(file);
  const SUBNET = "subnet-0e5b2d0f3c8a41b01";

  test("are found by their ids, with the values read, on both sides of the plan", () => {
    for (const world of [graph.before, graph.after]) {
      const [subnet] = world.findByAttribute("aws_subnet", "id", SUBNET);
      expect(subnet?.address).toBe(`data.aws_subnet.platform_private["${SUBNET}"]`);
      expect(world.read(subnet!, ["cidr_block"])).toBe("10.40.0.0/19");
      expect(world.lookedUp("aws_vpc").map((v) => v.address).sort()).toEqual([
        'data.aws_vpc.by_name["apps"]',
        'data.aws_vpc.by_name["edge"]',
        'data.aws_vpc.by_name["services"]',
        "data.aws_vpc.platform",
      ]);
    }
  });

  test("are no resources of the plan: not listed by type, nor by address", () => {
    expect(graph.after.ofType("aws_vpc")).toEqual([]);
    expect(graph.after.ofType("aws_subnet")).toEqual([]);
    expect(graph.after.get("data.aws_vpc.platform")).toBeUndefined();
    // Other data sources are reached through references only.
    expect(graph.after.lookedUp("aws_iam_policy_document")).toEqual([]);
  });

  test("one whose read waits for apply has no values to be found by", () => {
    const document = JSON.parse(fs.readFileSync(file, "utf8")) as PlanDocument;
    document.resource_changes!.push({
      address: "data.aws_vpc.platform",
      mode: "data",
      type: "aws_vpc",
      name: "platform",
      change: { actions: ["read"], before: null, after: { tags: { Name: "platform-network" } }, after_unknown: { id: true, cidr_block: true } },
    });
    const world = new ResourceGraph({ path: "deferred", kind: "plan" }, preparePlan(document).instances()).after;
    expect(world.lookedUp("aws_vpc").map((v) => v.address)).not.toContain("data.aws_vpc.platform");
    expect(world.findByAttribute("aws_vpc", "id", "vpc-0d4a1c9e2b7f30a11")).toEqual([]);
  });

  test("a subnet only listed by data.aws_subnets has no CIDR, and says how to read it", () => {
    const set = new SubnetDirectory(graph.after).resolve("subnet-0e5b2d0f3c8a42b01");
    expect(set.ipv4).toEqual([]);
    expect(set.unknown).toBe(
      'subnet subnet-0e5b2d0f3c8a42b01 is listed by data.aws_subnets.private["services"], which does not give its CIDR (a data "aws_subnet" source with its id would)',
    );
  });
});

describe("sensitive values", () => {
  const graph = graphOf(fixturePlan("p-sensitive"));
  test("paths marked in after_sensitive are sensitive, others are not", () => {
    const ops = graph.instances.get("aws_eks_cluster.ops")!;
    expect(isSensitive(ops.afterSensitive, ["vpc_config", 0, "public_access_cidrs"])).toBe(true);
    expect(isSensitive(ops.afterSensitive, ["vpc_config", 0, "public_access_cidrs", 1])).toBe(true);
    expect(isSensitive(ops.afterSensitive, ["name"])).toBe(false);
  });
});

describe.each([...fs.readdirSync(path.join(FIXTURES, "tf")).map((name) => path.join(FIXTURES, "tf", name, "plan.json")).filter((file) => fs.existsSync(file)), ...corpusPlans()].map((file) => [path.relative(FIXTURES, file), file]))("documents given away: %s", (_name, file) => {
  test("models to the same instances as documents the caller keeps, which are left as they were", () => {
    let kept: LoadedInput[];
    try {
      kept = loadInputs([file]);
    } catch {
      return; // The errored corpus plan: an input error, tested where inputs are loaded.
    }
    const untouched = JSON.stringify(kept.map((input) => input.document));
    const givenInputs = loadInputs([file]);
    const given = modelInputs(givenInputs, [], { consume: true });
    expect([...given.instances.values()]).toEqual([...modelInputs(kept).instances.values()]);
    // Given away, a planned value is the document's own, filled in place.
    for (const input of givenInputs) {
      if (input.kind !== "plan" || givenInputs.length > 1) continue;
      for (const { address, change } of input.document.resource_changes ?? []) {
        const after = given.instances.get(address)?.after;
        if (typeof change.after === "object" && change.after !== null && after !== null) expect(after).toBe(change.after);
      }
    }
    expect(JSON.stringify(kept.map((input) => input.document))).toBe(untouched);
  });
});
