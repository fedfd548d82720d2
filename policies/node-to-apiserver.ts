import { definePolicy } from "../checker/policy";

const WHY = "Nodes cannot register or reach the API, so they never join the cluster.";

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
      const what = result.to.kind === "public-endpoint" ? "nodes → API server through its public endpoint (endpoint_private_access is off)" : "nodes → API server";
      return flows.result(node.address, [result], { what, why: WHY, key: node.id });
    });
  },
});
