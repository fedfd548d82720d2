/**
 * What an `EksCluster` knows about the workloads built with these constructs: its node SGs, and
 * whether anything besides the control plane carries the cluster SG (Fargate pods, managed nodes
 * without launch-template SGs). Rules between a node SG and the cluster SG that only serve
 * workloads on the cluster SG (DNS both ways, node-to-node high ports into the cluster SG) are made
 * when both ends exist, whatever order the constructs are created in: on a cluster where only the
 * control plane carries the cluster SG they would open nothing useful (the
 * `cluster-sg-rule-misses-nodes` policy reports exactly that). Likewise, node groups launch after
 * what must exist before nodes boot (custom networking's add-on), whichever is made first.
 */
import { dependable, type TerraformResource } from "cdktf";

export interface NodeSgMember {
  readonly securityGroupId: string;
  readonly restrictedEgress: boolean;
  /** Adds the rules between this node SG and the cluster SG that workloads on the cluster SG need. */
  readonly admitClusterSgWorkloads: () => void;
  /** Adds the rules, on both SGs, between this node SG and another node SG of the same cluster. */
  readonly peerWith: (other: NodeSgMember, index: number) => void;
}

interface Membership {
  readonly nodeSgs: NodeSgMember[];
  readonly clusterSgWorkloads: string[];
  readonly nodeLaunchers: TerraformResource[];
  readonly beforeNodes: TerraformResource[];
}

const memberships = new WeakMap<object, Membership>();

function membershipOf(cluster: object): Membership {
  let found = memberships.get(cluster);
  if (!found) memberships.set(cluster, (found = { nodeSgs: [], clusterSgWorkloads: [], nodeLaunchers: [], beforeNodes: [] }));
  return found;
}

export function joinAsNodeSg(cluster: object, member: NodeSgMember): void {
  const membership = membershipOf(cluster);
  membership.nodeSgs.forEach((other, index) => member.peerWith(other, index));
  membership.nodeSgs.push(member);
  if (membership.clusterSgWorkloads.length > 0) member.admitClusterSgWorkloads();
}

export function joinAsClusterSgWorkload(cluster: object, description: string): void {
  const membership = membershipOf(cluster);
  const first = membership.clusterSgWorkloads.length === 0;
  membership.clusterSgWorkloads.push(description);
  if (first) for (const member of membership.nodeSgs) member.admitClusterSgWorkloads();
}

export function clusterSgWorkloadsOf(cluster: object): readonly string[] {
  return membershipOf(cluster).clusterSgWorkloads;
}

function launchAfter(launcher: TerraformResource, before: TerraformResource): void {
  launcher.dependsOn = [...(launcher.dependsOn ?? []), dependable(before)];
}

/** A resource that launches the cluster's nodes (a node group): it waits for everything `requireBeforeNodes` names. */
export function launchesNodes(cluster: object, launcher: TerraformResource): void {
  const membership = membershipOf(cluster);
  membership.nodeLaunchers.push(launcher);
  for (const before of membership.beforeNodes) launchAfter(launcher, before);
}

/** A resource every node of the cluster must boot after. */
export function requireBeforeNodes(cluster: object, before: TerraformResource): void {
  const membership = membershipOf(cluster);
  membership.beforeNodes.push(before);
  for (const launcher of membership.nodeLaunchers) launchAfter(launcher, before);
}
