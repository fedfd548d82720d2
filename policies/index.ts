/** The built-in policies, sorted by id. A new policy is added here (see CONTRIBUTING.md). */
import type { Policy } from "../checker/policy";
import apiserverToKubelet from "./apiserver-to-kubelet";
import apiserverToWebhooks from "./apiserver-to-webhooks";
import clusterReplace from "./cluster-replace";
import clusterSgDetached from "./cluster-sg-detached";
import clusterSgRuleMissesNodes from "./cluster-sg-rule-misses-nodes";
import connectivityRegression from "./connectivity-regression";
import controlPlaneLogging from "./control-plane-logging";
import controlPlaneSgMisuse from "./control-plane-sg-misuse";
import customNetworkingEniconfigs from "./custom-networking-eniconfigs";
import hybridRemoteNetworks from "./hybrid-remote-networks";
import nodeDns from "./node-dns";
import nodeImdsv2 from "./node-imdsv2";
import nodeToApiserver from "./node-to-apiserver";
import nodeToNode from "./node-to-node";
import nodeToVpcEndpoints from "./node-to-vpc-endpoints";
import podSgPrerequisites from "./pod-sg-prerequisites";
import privateEndpointDns from "./private-endpoint-dns";
import publicEndpoint from "./public-endpoint";
import remoteAccess from "./remote-access";
import secretsEncryption from "./secrets-encryption";
import singleClusterTag from "./single-cluster-tag";
import worldIngress from "./world-ingress";

export const policies: readonly Policy[] = [
  apiserverToKubelet,
  apiserverToWebhooks,
  clusterReplace,
  clusterSgDetached,
  clusterSgRuleMissesNodes,
  connectivityRegression,
  controlPlaneLogging,
  controlPlaneSgMisuse,
  customNetworkingEniconfigs,
  hybridRemoteNetworks,
  nodeDns,
  nodeImdsv2,
  nodeToApiserver,
  nodeToNode,
  nodeToVpcEndpoints,
  podSgPrerequisites,
  privateEndpointDns,
  publicEndpoint,
  remoteAccess,
  secretsEncryption,
  singleClusterTag,
  worldIngress,
] as readonly Policy[];

export function policyById(id: string): Policy | undefined {
  return policies.find((policy) => policy.meta.id === id);
}
