import { podNetworksOf } from "../checker/eks/eni-class";
import { definePolicy } from "../checker/policy";

const EPHEMERAL = { from: 1025, to: 65535 };

export default definePolicy({
  meta: {
    id: "node-to-node",
    severity: "warning",
    title: "Node classes of one cluster reach each other on TCP 1025-65535",
    rationale:
      "Pods talk to pods and services on other nodes, in other node groups and on Fargate; AWS recommends allowing at least TCP 1025-65535 between all nodes, or cross-node-group traffic breaks in ways that look like application bugs.",
    messages: {},
  },
  check({ flows, forEachNodeClass }) {
    // A SecurityGroupPolicy's Fargate pods keep to what their SGs allow (eni-class.ts).
    return forEachNodeClass("TCP 1025-65535 to the other node classes", (from) =>
      from.securityGroupPolicy ? [] : [...from.cluster.nodes, ...podNetworksOf(from.cluster)].filter((to) => !to.securityGroupPolicy).map((to) =>
        flows.result(from.address, [flows.between(from, to, "tcp", EPHEMERAL)], {
          what: from === to ? `traffic between ${from.kind === "pod-network" ? "pods on these ENIs" : "nodes of this class"}` : `traffic to ${to.address}`,
          why: "Pods cannot reach pods and services there.",
          key: `${from.id}>${to.id}`,
        }),
      ),
      { podNetworks: true },
    );
  },
});
