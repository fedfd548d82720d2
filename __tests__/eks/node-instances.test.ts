/**
 * Self-managed nodes launched one at a time: an `aws_instance` tagged `kubernetes.io/cluster/<name>`
 * is a node class of its cluster, with the SGs EC2 gives it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { topologyOf, type EniClass } from "../../checker/eks/topology";
import type { PlanDocument, ResourceChangeJson } from "../../checker/load/plan-document";
import { fixturePlan, graphOf, reportOf } from "../helpers/fixtures";

const FIXTURE = fixturePlan("topo-self-managed-instances");

function classesOf(file: string): Record<string, EniClass> {
  return Object.fromEntries(topologyOf(graphOf(file)).clusters.flatMap((c) => c.nodes).map((n) => [n.id, n]));
}

/** The fixture with the `after` values of one instance changed. */
function withInstance(address: string, change: (after: Record<string, unknown>, rc: ResourceChangeJson) => void): string {
  const plan = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as PlanDocument;
  const rc = plan.resource_changes!.find((c) => c.address === address)!;
  change(rc.change.after as Record<string, unknown>, rc);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "node-instances-")), "plan.json");
  fs.writeFileSync(file, JSON.stringify(plan));
  return file;
}

test("each tagged instance is a self-managed node class: its own SGs, else its template's, else the VPC's default SG", () => {
  const found = classesOf(FIXTURE);
  expect(found['self-managed(aws_instance.gpu["a"])']).toMatchObject({ kind: "self-managed", address: 'aws_instance.gpu["a"]', sgs: { members: ["aws_security_group.node"] }, launchTemplates: [], hostsCoreDns: true });
  expect(found['self-managed(aws_instance.gpu["a"])'].subnets.ipv4.map((c) => c.text)).toEqual(["10.91.0.0/19"]);
  expect(found["self-managed(aws_instance.batch)"]).toMatchObject({ sgs: { members: ["aws_security_group.batch"] }, launchTemplates: ["aws_launch_template.batch"], sgsFromLaunchTemplate: true });
  expect(found["self-managed(aws_instance.scratch)"].sgs).toEqual({ members: [], unknown: "it names no security group, so EC2 gives it the VPC's default SG, which is not in this plan" });
});

test("an instance's own vpc_security_group_ids win over its template's", () => {
  const file = withInstance("aws_instance.batch", (after, rc) => {
    after.vpc_security_group_ids = ["sg-0123456789abcdef0"];
    rc.change.after_unknown = { ...(rc.change.after_unknown as object), vpc_security_group_ids: false };
  });
  expect(classesOf(file)["self-managed(aws_instance.batch)"]).toMatchObject({ sgs: { members: ["sg-0123456789abcdef0"] }, sgsFromLaunchTemplate: false });
});

test("ENIs made apart and attached are not read: unknown, not the default SG", () => {
  const file = withInstance("aws_instance.scratch", (after, rc) => {
    after.network_interface = [{ device_index: 0, network_interface_id: "eni-0123456789abcdef0", network_card_index: 0, delete_on_termination: false }];
    rc.change.after_unknown = { ...(rc.change.after_unknown as object), network_interface: [{}] };
  });
  expect(classesOf(file)["self-managed(aws_instance.scratch)"].sgs.unknown).toMatch(/network interfaces are made apart/);
});

test("SGs named in security_groups are not read: unknown, not the default SG", () => {
  const file = withInstance("aws_instance.scratch", (after, rc) => {
    after.security_groups = ["default"];
    rc.change.after_unknown = { ...(rc.change.after_unknown as object), security_groups: false };
  });
  expect(classesOf(file)["self-managed(aws_instance.scratch)"].sgs.unknown).toMatch(/security_groups/);
});

test("untagged instances are not nodes, and a plan with tagged ones is an EKS input", () => {
  const file = withInstance("aws_instance.scratch", (after) => {
    after.tags = {};
    after.tags_all = {};
  });
  expect(classesOf(file)["self-managed(aws_instance.scratch)"]).toBeUndefined();
  // The cluster, the four instances and the tagged node SG.
  expect(reportOf([FIXTURE]).inputs[0].eksResources).toBe(6);
});
