import { definePolicy } from "../checker/policy";

export default definePolicy({
  meta: {
    id: "apiserver-to-kubelet",
    severity: "error",
    title: "The control plane can open TCP 10250 (kubelet) on every node class",
    rationale: "The API server reaches the kubelet on 10250 for kubectl logs, exec, attach and port-forward; without it those commands time out on these nodes.",
    messages: {},
  },
  check({ flows, forEachNodeClass }) {
    return forEachNodeClass("TCP 10250 from the control plane", (node) =>
      flows.result(node.address, [flows.toKubelet(node)], { what: "API server → kubelet", why: "kubectl logs, exec and port-forward time out.", key: node.id }),
    );
  },
});
