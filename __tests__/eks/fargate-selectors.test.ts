/** Which pods a Fargate profile may run, by namespace and labels (wildcards allowed). */
import { COREDNS_LABELS, fargateMayRun } from "../../checker/eks/fargate-selectors";
import { World } from "../../checker/model/resource-graph";
import type { ResourceInstance } from "../../checker/model/resource-instance";
import { Unknown, type Value } from "../../checker/model/value";

function profile(selector: Value): { world: World; instance: ResourceInstance } {
  const instance: ResourceInstance = {
    address: "aws_eks_fargate_profile.apps",
    moduleAddress: "",
    mode: "managed",
    type: "aws_eks_fargate_profile",
    name: "apps",
    action: "create",
    before: null,
    after: { selector },
    beforeSensitive: false,
    afterSensitive: false,
  };
  return { world: new World("after", [instance]), instance };
}

interface Case {
  readonly name: string;
  readonly selector: Value;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The pods' labels are all of them (CoreDNS), not some (a SecurityGroupPolicy's matchLabels). */
  readonly complete?: boolean;
  readonly runs: boolean;
}

const cases: Case[] = [
  { name: "its namespace, no labels asked", selector: [{ namespace: "payments" }], namespace: "payments", labels: {}, runs: true },
  { name: "another namespace", selector: [{ namespace: "orders" }], namespace: "payments", labels: { app: "api" }, runs: false },
  { name: "one of several selectors", selector: [{ namespace: "orders" }, { namespace: "payments" }], namespace: "payments", labels: {}, runs: true },
  { name: "a namespace wildcard", selector: [{ namespace: "pay*" }], namespace: "payments", labels: {}, runs: true },
  { name: "a ? wildcard stands for one character", selector: [{ namespace: "payment?" }], namespace: "payments-eu", labels: {}, runs: false },
  { name: "braces are no wildcard in EKS", selector: [{ namespace: "{payments,orders}" }], namespace: "payments", labels: {}, runs: false },
  { name: "a label the pods carry", selector: [{ namespace: "payments", labels: { app: "api" } }], namespace: "payments", labels: { app: "api" }, runs: true },
  { name: "a label they may carry besides the known ones", selector: [{ namespace: "payments", labels: { runtime: "fargate" } }], namespace: "payments", labels: { app: "api" }, runs: true },
  { name: "a label whose key they carry with another value", selector: [{ namespace: "payments", labels: { app: "web" } }], namespace: "payments", labels: { app: "api" }, runs: false },
  { name: "a label value wildcard", selector: [{ namespace: "payments", labels: { app: "a*" } }], namespace: "payments", labels: { app: "api" }, runs: true },
  { name: "a label key wildcard may match a label they carry besides", selector: [{ namespace: "payments", labels: { "app*": "web" } }], namespace: "payments", labels: { app: "api" }, runs: true },
  { name: "CoreDNS: a selector of kube-system", selector: [{ namespace: "kube-system" }], namespace: "kube-system", labels: COREDNS_LABELS, complete: true, runs: true },
  { name: "CoreDNS: a label it has", selector: [{ namespace: "kube-*", labels: { "k8s-app": "kube-dns" } }], namespace: "kube-system", labels: COREDNS_LABELS, complete: true, runs: true },
  { name: "CoreDNS: a label it does not have", selector: [{ namespace: "kube-system", labels: { runtime: "fargate" } }], namespace: "kube-system", labels: COREDNS_LABELS, complete: true, runs: false },
  { name: "a namespace decided at apply time is not counted", selector: [{ namespace: new Unknown("computed", "known after apply") }], namespace: "payments", labels: {}, runs: false },
  { name: "labels decided at apply time do not rule the pods out", selector: [{ namespace: "payments", labels: new Unknown("computed", "known after apply") }], namespace: "payments", labels: {}, runs: true },
  { name: "no selector", selector: [], namespace: "payments", labels: {}, runs: false },
];

test.each(cases)("$name", ({ selector, namespace, labels, complete, runs }) => {
  const { world, instance } = profile(selector);
  expect(fargateMayRun(world, instance, namespace, labels, complete ?? false)).toBe(runs);
});
