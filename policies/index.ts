/** The policy registry, sorted by id. */
import type { Policy } from "../checker/policy";
import * as controlPlaneLogging from "./control-plane-logging";
import * as nodeImdsv2 from "./node-imdsv2";
import * as publicEndpoint from "./public-endpoint";
import * as remoteAccess from "./remote-access";
import * as secretsEncryption from "./secrets-encryption";

export const policies: readonly Policy[] = [controlPlaneLogging, nodeImdsv2, publicEndpoint, remoteAccess, secretsEncryption];

export function policyById(id: string): Policy | undefined {
  return policies.find((policy) => policy.meta.id === id);
}
