/**
 * CDKTF constructs that build EKS clusters whose security groups are right by construction:
 *
 *   import { EksCluster, NodeSecurityGroup, ManagedNodeGroup, FargateProfile, CustomNetworking } from "eks-sg-policy/modules";
 *
 * Which SG lands on which ENI with each construct and option: docs/modules.md.
 */
export { EksCluster, DEFAULT_LOG_TYPES } from "./eks-cluster";
export type { EksClusterProps, ControlPlaneLogType, AuthenticationMode, ClusterSgRuleSpec } from "./eks-cluster";
export { NodeSecurityGroup } from "./node-security-group";
export type { NodeSecurityGroupProps, NodeEgress, NodeSgAttachment } from "./node-security-group";
export { ManagedNodeGroup } from "./managed-node-group";
export type { ManagedNodeGroupProps, NodeGroupSecurityGroups, SshAccess, NodeGroupScaling, NodeGroupTaint } from "./managed-node-group";
export { FargateProfile } from "./fargate-profile";
export { KarpenterNodeClass } from "./karpenter-node-class";
export type { KarpenterNodeClassProps } from "./karpenter-node-class";
export { CustomNetworking } from "./custom-networking";
export type { CustomNetworkingProps } from "./custom-networking";
export type { FargateProfileProps, FargateSelector } from "./fargate-profile";
export { ServiceRole, managedPolicyArn, assumeRolePolicy } from "./iam";
export type { ServiceRoleProps } from "./iam";
export type { RulePeer, RuleSpec, RuleProtocol } from "./peers";
export { EksSgConfigError } from "./errors";
// The synth-time gate (modules/policy/, maintained with the checker): `EksPolicyGate.of(app)`.
export { EksPolicyGate, SKIP_GATE_ENV } from "./policy/gate";
export type { EksPolicyGateOptions } from "./policy/gate";
