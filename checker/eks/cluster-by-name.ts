/**
 * The cluster a node group, Fargate profile, tagged ASG or add-on means by its cluster name. EKS
 * names a cluster uniquely within one region and account only, so two clusters of one name in a
 * plan are in different regions or accounts (a module per region, with provider aliases), and
 * plan JSON does not say which region a resource is in. The cluster made in the resource's own
 * module instance, or in the nearest one that encloses it, is the one meant: a module that makes a
 * cluster with its node groups, stamped out per region. When nearness does not decide, the answer
 * is unknown: taking the first cluster listed put one region's nodes on the other's control plane.
 */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";

/** `module` is `ancestor`, or lies inside it (the root module, "", holds every module). */
function encloses(ancestor: string, module: string): boolean {
  return ancestor === "" || module === ancestor || module.startsWith(`${ancestor}.`);
}

export function clusterNamed(world: World, name: string, near: string): { instance?: ResourceInstance; reason?: string } {
  const found = world.findByAttribute("aws_eks_cluster", "name", name, near);
  if (found.length === 0) return { reason: world.notIn(`cluster "${name}"`) };
  if (found.length === 1) return { instance: found[0] };
  const module = world.get(near)?.moduleAddress ?? "";
  const enclosing = found.filter((cluster) => encloses(cluster.moduleAddress, module));
  const deepest = Math.max(...enclosing.map((cluster) => cluster.moduleAddress.length));
  const nearest = enclosing.filter((cluster) => cluster.moduleAddress.length === deepest);
  if (nearest.length === 1) return { instance: nearest[0] };
  return {
    reason: `${found.length} clusters are named "${name}" (${found.map((cluster) => cluster.address).join(", ")}), in different regions or accounts, and the plan does not say which one this joins`,
  };
}
