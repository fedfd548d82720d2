import { definePolicy } from "../checker/policy";

const WHY = "Nodes cannot register or reach the API, so they never join the cluster.";
const POD_WHY = "Pods that call the API from here (CoreDNS, controllers, operators) fail.";

export default definePolicy({
  meta: {
    id: "node-to-apiserver",
    severity: "error",
    title: "Every node class can open TCP 443 to the cluster's API server, on the path its endpoint settings give",
    rationale:
      "Nodes register with and talk to the API server on 443; without it they never join (NodeCreationFailure after a long apply) and Fargate pods never start. With private endpoint access the path is the control-plane ENIs and their SGs; without it, the public endpoint.",
    messages: { "path-unknown": "{{unknown}}" },
  },
  check({ flows, forEachNodeClass }) {
    return forEachNodeClass("TCP 443 to the API server", (node) => {
      const result = flows.toApiServer(node);
      if ("unknown" in result) return { address: node.address, status: "unknown", key: node.id, messageId: "path-unknown", data: { unknown: result.unknown } };
      // Without private endpoint access the endpoint name resolves to public addresses: nodes leave the VPC.
      const who = node.kind === "pod-network" ? "pods on these ENIs" : "nodes";
      const what = result.to.kind === "public-endpoint" ? `${who} → API server through its public endpoint (endpoint_private_access is off)` : `${who} → API server`;
      return flows.result(node.address, [result], { what, why: node.kind === "pod-network" ? POD_WHY : WHY, key: node.id });
    }, { podNetworks: true });
  },
});
