/**
 * A bound on how deep the checker reads a document. JSON.parse takes any depth (a plan can hold a
 * `jsondecode` 4,000 levels deep, and terraform plans it), but the model and the policies walk
 * values recursively. No EKS, SG or manifest setting the checker reads lies deeper than a few
 * dozen levels, so containers below `MAX_DEPTH` are read as null: the plan checks normally, and
 * every walk after this one is bounded. This walk itself uses an explicit stack.
 */
import { setOwn } from "./own-member";

export const MAX_DEPTH = 256;

type Container = { [key: string]: unknown } | unknown[];

/** Replaces, in place, every container nested deeper than `max` with null; returns how many. */
export function boundDepth(root: unknown, max = MAX_DEPTH): number {
  if (root === null || typeof root !== "object") return 0;
  let cut = 0;
  const containers: Container[] = [root as Container];
  const depths: number[] = [1];
  while (containers.length > 0) {
    const container = containers.pop()!;
    const depth = depths.pop()!;
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) {
        const child = container[i];
        if (child === null || typeof child !== "object") continue;
        if (depth >= max) {
          container[i] = null;
          cut += 1;
        } else {
          containers.push(child as Container);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    for (const key in container) {
      const child = container[key];
      if (child === null || typeof child !== "object") continue;
      if (depth >= max) {
        setOwn(container, key, null);
        cut += 1;
      } else {
        containers.push(child as Container);
        depths.push(depth + 1);
      }
    }
  }
  return cut;
}
