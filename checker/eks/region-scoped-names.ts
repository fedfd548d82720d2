/**
 * What a resource means by the name of a cluster or launch template. EKS clusters and launch
 * templates are named uniquely within one region and account only, so two of one name in a plan
 * are in different regions or accounts (a module per region, with provider aliases), and plan
 * JSON does not say which region a resource is in. The one made in the resource's own module
 * instance, or in the nearest one that encloses it, is the one meant: a module that makes a
 * cluster with its node groups and templates, stamped out per region. When nearness does not
 * decide, the answer is unknown: taking the first one listed put one region's nodes on the
 * other's control plane.
 */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";

/** `module` is `ancestor`, or lies inside it (the root module, "", holds every module). */
function encloses(ancestor: string, module: string): boolean {
  return ancestor === "" || module === ancestor || module.startsWith(`${ancestor}.`);
}

/** Of several instances of one name, the one made nearest `near` (its module or an enclosing one); undefined when that does not decide. */
export function nearestOfSameName(world: World, found: readonly ResourceInstance[], near: string): ResourceInstance | undefined {
  if (found.length === 1) return found[0];
  const module = world.get(near)?.moduleAddress ?? "";
  const enclosing = found.filter((instance) => encloses(instance.moduleAddress, module));
  const deepest = Math.max(...enclosing.map((instance) => instance.moduleAddress.length));
  const nearest = enclosing.filter((instance) => instance.moduleAddress.length === deepest);
  return nearest.length === 1 ? nearest[0] : undefined;
}

/** Why several instances of one name leave a resource's choice open. */
export function sameNameReason(what: string, name: string, found: readonly ResourceInstance[]): string {
  return `${found.length} ${what} are named "${name}" (${found.map((instance) => instance.address).join(", ")}), in different regions or accounts, and the plan does not say which one is meant`;
}

export function clusterNamed(world: World, name: string, near: string): { instance?: ResourceInstance; reason?: string } {
  const found = world.findByAttribute("aws_eks_cluster", "name", name, near);
  if (found.length === 0) return { reason: world.notIn(`cluster "${name}"`) };
  const instance = nearestOfSameName(world, found, near);
  return instance ? { instance } : { reason: sameNameReason("clusters", name, found) };
}
