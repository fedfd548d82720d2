import { definePolicy } from "../checker/policy";
import type { PolicyResult } from "../checker/policy";
import { isWholeInternet } from "../checker/eks/cidr";
import type { EniClass } from "../checker/eks/topology";
import { addToList } from "../checker/model/add-to-list";
import { describeRule } from "../checker/eks/sg-rules";

export default definePolicy({
  meta: {
    id: "control-plane-sg-misuse",
    severity: "error",
    title: "SGs in vpc_config.security_group_ids serve the control plane alone: on no node or pod, and closed to the internet",
    rationale:
      "An additional SG is put on the control-plane ENIs only. Reused as a node SG, its rules for the control plane open the nodes too and hide missing node rules; open to 0.0.0.0/0, it exposes the control-plane ENIs. AWS recommends a dedicated control-plane SG per cluster.",
    messages: {
      "on-nodes":
        "{{sg}} is a control-plane SG of {{cluster}} (it is in vpc_config.security_group_ids, so EKS puts it on the control-plane ENIs) and is also on {{classes}}; its rules then serve both roles, and traffic between nodes and the control plane passes through rules meant for one of them.",
      "open-to-world":
        "{{sg}} is a control-plane SG of {{cluster}} (in vpc_config.security_group_ids) and admits {{rules}}, the whole internet, on the control-plane ENIs",
      "nodes-unknown": "cannot tell whether {{sg}}, a control-plane SG of {{cluster}}, is also on nodes: the SGs of {{classes}} are not all known ({{unknown}})",
    },
    fixes: {
      "on-nodes": "give the control plane a dedicated SG that admits TCP 443 from the node SG, and keep node rules on the node SG",
      "open-to-world": "admit only the node SGs, bastions or CIDRs that need TCP 443",
    },
  },
  check({ topology }) {
    const results: PolicyResult[] = [];
    // Any cluster's nodes or pods may carry the SG: indexed once, not scanned for every SG of
    // every cluster.
    const carriersOf = new Map<string, EniClass[]>();
    const undecided: EniClass[] = [];
    for (const c of topology.clusters) {
      for (const cls of [...c.nodes, ...c.pods]) {
        for (const key of new Set(cls.sgs.members)) addToList(carriersOf, key, cls);
        if (cls.sgs.unknown) undecided.push(cls);
      }
    }
    for (const cluster of topology.clusters) {
      for (const key of cluster.controlPlane.sgs.members) {
        if (key === cluster.clusterSg) continue;
        const sg = topology.sgs.get(key);
        const label = sg?.label ?? key;
        const common = { address: sg?.address ?? cluster.address, key: `${cluster.address}>${key}`, related: [key, cluster.address] };
        const facts = { sg: label, cluster: cluster.address };
        const carriers = carriersOf.get(key) ?? [];
        const open = topology.rules.of(key, "ingress").filter((r) => r.peer.kind === "cidr" && isWholeInternet(r.peer.cidr));
        if (carriers.length > 0) {
          results.push({ ...common, status: "fail", messageId: "on-nodes", data: { ...facts, classes: carriers.map((c) => c.id) } });
        } else if (open.length > 0) {
          results.push({ ...common, status: "fail", messageId: "open-to-world", data: { ...facts, rules: open.map(describeRule).join("; "), ruleAddresses: [...new Set(open.map((r) => r.address))] } });
        } else {
          if (undecided.length > 0) {
            results.push({ ...common, status: "unknown", messageId: "nodes-unknown", data: { ...facts, classes: undecided.map((c) => c.id), unknown: undecided.map((c) => c.sgs.unknown!).join("; ") } });
          } else results.push({ ...common, status: "pass", data: facts });
        }
      }
    }
    return results;
  },
});
