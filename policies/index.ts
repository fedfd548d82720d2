/** The policy registry, sorted by id. */
import type { Policy } from "../checker/policy";
import * as apiserverToKubelet from "./apiserver-to-kubelet";
import * as apiserverToWebhooks from "./apiserver-to-webhooks";
import * as clusterReplace from "./cluster-replace";
import * as clusterSgDetached from "./cluster-sg-detached";
import * as clusterSgRuleMissesNodes from "./cluster-sg-rule-misses-nodes";
import * as connectivityRegression from "./connectivity-regression";
import * as controlPlaneLogging from "./control-plane-logging";
import * as nodeDns from "./node-dns";
import * as nodeImdsv2 from "./node-imdsv2";
import * as nodeToApiserver from "./node-to-apiserver";
import * as nodeToNode from "./node-to-node";
import * as publicEndpoint from "./public-endpoint";
import * as remoteAccess from "./remote-access";
import * as secretsEncryption from "./secrets-encryption";
import * as singleClusterTag from "./single-cluster-tag";
import * as worldIngress from "./world-ingress";

export const policies: readonly Policy[] = [
  apiserverToKubelet,
  apiserverToWebhooks,
  clusterReplace,
  clusterSgDetached,
  clusterSgRuleMissesNodes,
  connectivityRegression,
  controlPlaneLogging,
  nodeDns,
  nodeImdsv2,
  nodeToApiserver,
  nodeToNode,
  publicEndpoint,
  remoteAccess,
  secretsEncryption,
  singleClusterTag,
  worldIngress,
];

export function policyById(id: string): Policy | undefined {
  return policies.find((policy) => policy.meta.id === id);
}
