/**
 * What a resource means by the name of a cluster or launch template. EKS clusters and launch
 * templates are named uniquely within one region and account only, so two of one name in a plan
 * are in different regions or accounts (a module per region with provider aliases, or a CDKTF
 * stack per region). The one in the resource's own region is meant, when the plan says the
 * regions (provider-configs.ts); among those left, the one its own input makes (when inputs are
 * joined), then the one made in the resource's own module instance, or in the nearest one that
 * encloses it: a module that makes a cluster with its node groups and templates, stamped out per
 * region. When neither decides, the answer is unknown: taking the first one listed put one
 * region's nodes on the other's control plane.
 */
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { inOtherRegion } from "../model/provider-configs";

/** `module` is `ancestor`, or lies inside it (the root module, "", holds every module). */
function encloses(ancestor: string, module: string): boolean {
  return ancestor === "" || module === ancestor || module.startsWith(`${ancestor}.`);
}

/** Of several instances of one name, the one made nearest `module` (in it or in an enclosing one); undefined when that does not decide. */
function nearestTo(found: readonly ResourceInstance[], module: string): ResourceInstance | undefined {
  const enclosing = found.filter((instance) => encloses(instance.moduleAddress, module));
  const deepest = Math.max(...enclosing.map((instance) => instance.moduleAddress.length));
  const nearest = enclosing.filter((instance) => instance.moduleAddress.length === deepest);
  return nearest.length === 1 ? nearest[0] : undefined;
}

const addresses = (found: readonly ResourceInstance[]) => found.map((instance) => instance.address).join(", ");

/**
 * Of the instances named `name` (one or more; `what` says what they are, in the singular), the
 * one `near` (an address) means, or why the plan does not say.
 */
export function meantOfSameName(world: World, what: string, name: string, found: readonly ResourceInstance[], near: string): { instance?: ResourceInstance; reason?: string } {
  const user = world.get(near);
  const region = user?.region;
  const inRegion = found.filter((instance) => !inOtherRegion(region, instance.region));
  if (inRegion.length === 0) {
    const regions = [...new Set(found.map((instance) => instance.region))].join(", ");
    return { reason: `${world.notIn(`${what} "${name}" in ${region}`)}; ${addresses(found)} of that name ${found.length === 1 ? "is" : "are"} in ${regions}` };
  }
  // Across joined inputs (a stack per region), a name means first what its own input makes.
  const candidates = world.preferOwnInput(inRegion, near);
  if (candidates.length === 1) return { instance: candidates[0] };
  const nearest = nearestTo(candidates, user?.moduleAddress ?? "");
  if (nearest) return { instance: nearest };
  const where = region === undefined ? "in different regions or accounts" : `which ${region} does not tell apart (other accounts, or regions the plan does not hold)`;
  return { reason: `${candidates.length} ${what}s are named "${name}" (${addresses(candidates)}), ${where}, and the plan does not say which one is meant` };
}

/**
 * Clusters of one side of the plan, each once: an `aws_eks_cluster` of any input, and a
 * `data "aws_eks_cluster"` only when no input makes a cluster of its name in its region (it then
 * reads that cluster), and only the first read of a cluster (by ARN: modules that each read their
 * cluster read the same one).
 */
export function distinctClusters(world: World, instances: readonly ResourceInstance[]): ResourceInstance[] {
  const made = instances.filter((instance) => instance.mode === "managed");
  const seen = new Set<string>();
  return instances.filter((instance) => {
    if (instance.mode === "managed") return true;
    const name = world.read(instance, ["name"]);
    if (made.some((m) => world.read(m, ["name"]) === name && !inOtherRegion(instance.region, m.region))) return false;
    const arn = world.read(instance, ["arn"]);
    const key = typeof arn === "string" ? arn : instance.address;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function clusterNamed(world: World, name: string, near: string): { instance?: ResourceInstance; reason?: string } {
  const found = distinctClusters(world, world.findByAttribute("aws_eks_cluster", "name", name));
  if (found.length === 0) return { reason: world.notIn(`cluster "${name}"`) };
  return meantOfSameName(world, "cluster", name, found, near);
}
