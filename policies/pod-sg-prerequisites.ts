import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import type { FlowResult } from "../checker/eks/reachability";
import { runsVpcCni } from "../checker/eks/eni-class";
import type { Cluster, EniClass } from "../checker/eks/topology";
import { clusterRole, enforcingMode, roleHasPolicy, vpcCniSettings } from "../checker/eks/vpc-cni";
import type { World } from "../checker/model/resource-graph";

const ALL_TCP = { from: 1, to: 65535 };

export default definePolicy({
  meta: {
    id: "pod-sg-prerequisites",
    severity: "error",
    title: "Clusters with SecurityGroupPolicies are set up for pods' SGs: vpc-cni with ENABLE_POD_ENI, the VPC resource controller policy, kubelet probes admitted",
    rationale:
      "A SecurityGroupPolicy does nothing unless aws-node runs with ENABLE_POD_ENI=true and the cluster role may manage branch ENIs; in strict mode the pods' SGs must also admit the kubelet's probes from their node, or every probe fails.",
    messages: {
      "pod-eni-off":
        'the vpc-cni add-on {{addon}} does not set ENABLE_POD_ENI to "true" (it is {{value}}), so the VPC CNI gives pods no branch ENIs and the SecurityGroupPolicies {{policies}} are not applied',
      "pod-eni-off-chart":
        'the aws-vpc-cni Helm release {{addon}} does not set env.ENABLE_POD_ENI to "true" (it is {{value}}), so the VPC CNI gives pods no branch ENIs and the SecurityGroupPolicies {{policies}} are not applied',
      "cni-unknown": "cannot tell whether the VPC CNI gives pods their SGs ({{policies}}): {{reason}}",
      "controller-policy-missing":
        "the cluster role {{role}} lacks the AmazonEKSVPCResourceController policy, which lets EKS manage the branch ENIs of pods with SecurityGroupPolicies ({{policies}})",
      "controller-policy-unknown": "cannot tell whether the cluster role may manage pods' branch ENIs ({{policies}}): {{reason}}",
      "probes-blocked":
        "in {{mode}} mode the SGs of these pods ({{podSgs}}) judge the kubelet's probes from their node, and no ingress rule on them admits TCP from {{nodes}}: liveness and readiness probes fail",
      "probes-unknown": "cannot tell whether the SGs of these pods admit the kubelet's probes from {{nodes}}: {{reason}}",
      "auto-mode-version":
        "EKS Auto Mode applies SecurityGroupPolicies from Kubernetes 1.36 on, and {{cluster}} runs {{version}}: the pods of {{policies}} start without their SGs",
      "auto-mode-version-unknown": "cannot tell whether EKS Auto Mode applies the SecurityGroupPolicies {{policies}}: it does from Kubernetes 1.36 on, and the cluster's version is {{version}}",
    },
    fixes: {
      "pod-eni-off": 'add configuration_values = jsonencode({ env = { ENABLE_POD_ENI = "true" } })',
      "pod-eni-off-chart": 'set env.ENABLE_POD_ENI = "true" in the release\'s values',
      "controller-policy-missing": "attach arn:aws:iam::aws:policy/AmazonEKSVPCResourceController",
      "probes-blocked": "admit the probe ports from the node's SG",
      "auto-mode-version": "upgrade the cluster, or give these pods SGs another way",
    },
  },
  check({ topology, world, flows }) {
    const results: PolicyResult[] = [];
    for (const cluster of topology.clusters) {
      const pods = cluster.pods.filter((p) => p.kind === "pod");
      if (pods.length === 0) continue;
      const policies = pods.map((p) => p.address);
      // Each SecurityGroupPolicy gets the verdicts on what it depends on.
      const onEachPolicy = (result: Omit<PolicyResult, "address">) => pods.forEach((pod) => results.push({ ...result, address: pod.address }));
      if (world.read(cluster.instance, ["compute_config", 0, "enabled"]) === true) {
        onEachPolicy(autoModeVersion(world, cluster, policies));
        continue;
      }
      const cni = vpcCniSettings(world, cluster, topology.clusters);
      if (cni.state === "unknown") {
        onEachPolicy({ status: "unknown", messageId: "cni-unknown", data: { policies, reason: cni.reason }, key: "vpc-cni", related: cni.address ? [cni.address] : [] });
      } else {
        const value = cni.env.get("ENABLE_POD_ENI");
        onEachPolicy(
          value === "true"
            ? { status: "pass", key: "vpc-cni", related: [cni.address], data: { enablePodEni: value } }
            : { status: "fail", messageId: cni.source === "chart" ? "pod-eni-off-chart" : "pod-eni-off", key: "vpc-cni", related: [cni.address], data: { addon: cni.address, value: value === undefined ? "not set" : JSON.stringify(value), policies } },
        );
      }
      onEachPolicy(controllerPolicy(world, cluster, policies));
      // Same-node traffic, the kubelet's probes included, skips the pod SGs in standard mode (vpc-cni README).
      if (cni.state === "configured" && enforcingMode(cni.env) === "standard") continue;
      for (const pod of pods) for (const node of cluster.nodes.filter(runsVpcCni)) results.push(probes(flows.between(node, pod, "tcp", ALL_TCP), node, pod));
    }
    return results;
  },
});

/** The cluster role needs AmazonEKSVPCResourceController to manage branch ENIs (user guide, security-groups-for-pods). */
function controllerPolicy(world: World, cluster: Cluster, policies: string[]): Omit<PolicyResult, "address"> {
  const role = clusterRole(world, cluster);
  const common = { key: "vpc-resource-controller", related: [cluster.address] };
  if ("unknown" in role) return { ...common, status: "unknown", messageId: "controller-policy-unknown", data: { policies, reason: role.unknown } };
  const has = roleHasPolicy(world, role, "AmazonEKSVPCResourceController");
  if (has === true) return { ...common, status: "pass", data: { role: role.address } };
  if (has === false) return { ...common, status: "fail", messageId: "controller-policy-missing", related: [cluster.address, role.address], data: { role: role.address, policies } };
  return { ...common, status: "unknown", messageId: "controller-policy-unknown", data: { policies, reason: has.unknown } };
}

/** Auto Mode runs its own networking: pods' SGs need Kubernetes 1.36 (docs: auto-sgp). */
function autoModeVersion(world: World, cluster: Cluster, policies: string[]): Omit<PolicyResult, "address"> {
  const version = world.read(cluster.instance, ["version"]);
  const common = { key: "auto-mode", related: [cluster.address] };
  const match = typeof version === "string" ? /^1\.(\d+)/.exec(version) : null;
  if (!match) return { ...common, status: "unknown", messageId: "auto-mode-version-unknown", data: { policies, version: typeof version === "string" ? version : "decided at apply time (the latest EKS offers)" } };
  return Number(match[1]) >= 36 ? { ...common, status: "pass", data: { version: version as string } } : { ...common, status: "fail", messageId: "auto-mode-version", data: { cluster: cluster.address, version: version as string, policies } };
}

/** Probes may pass when some ingress rule of the pods' SGs admits TCP from the node; their ports are the workload's. */
function probes(result: FlowResult, node: EniClass, pod: EniClass): PolicyResult {
  const common = { address: pod.address, key: `${pod.id}<${node.id}`, related: [...pod.sgs.members, ...node.sgs.members] };
  const ingress = result.ingress;
  if (ingress.verdict === "allowed" || ingress.rules.length > 0) return { ...common, status: "pass", data: { nodes: node.address } };
  if (ingress.verdict === "unknown") return { ...common, status: "unknown", messageId: "probes-unknown", data: { nodes: node.address, reason: ingress.reasons.join("; ") } };
  return { ...common, status: "fail", messageId: "probes-blocked", data: { mode: "strict", podSgs: pod.sgs.members, nodes: node.address } };
}
