/**
 * Which pods a Fargate profile runs: those of a namespace its selector names, carrying every label
 * the selector lists. Namespaces, label keys and label values may hold the wildcards `*` and `?`
 * (EKS API, FargateProfileSelector). A pod that matches a profile is scheduled on Fargate.
 */
import { picomatch } from "../picomatch";
import type { World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import { isObject } from "../model/value";

/** The labels of EKS's CoreDNS pods: all of their labels, for selectors. */
export const COREDNS_LABELS: Readonly<Record<string, string>> = { "k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns" };

const matches = (pattern: string, text: string): boolean => (/[*?]/.test(pattern) ? picomatch().isMatch(text, pattern, { dot: true }) : pattern === text);

/**
 * Whether the profile may run pods of `namespace` with these labels: all of the pods' labels when
 * `complete` (CoreDNS), else some of them (a SecurityGroupPolicy's `matchLabels`: a pod may carry
 * more). A selector whose namespace is decided at apply time is not counted.
 */
export function fargateMayRun(world: World, profile: ResourceInstance, namespace: string, labels: Readonly<Record<string, string>>, complete: boolean): boolean {
  const selectors = world.read(profile, ["selector"]);
  if (!Array.isArray(selectors)) return false;
  return selectors.some((selector) => {
    if (!isObject(selector) || typeof selector.namespace !== "string" || !matches(selector.namespace, namespace)) return false;
    const wanted = selector.labels;
    if (!isObject(wanted)) return true;
    return Object.entries(wanted).every(([key, value]) => {
      if (typeof value !== "string") return false;
      const carried = Object.entries(labels).filter(([k]) => matches(key, k));
      if (carried.some(([, v]) => matches(value, v))) return true;
      // A pod may carry labels beyond the known ones, unless the key is one of them with another value.
      return !complete && !(carried.length > 0 && !/[*?]/.test(key));
    });
  });
}
