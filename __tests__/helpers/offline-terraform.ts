/**
 * Makes synthesized CDKTF output plannable offline: the provider version of the local mirror,
 * fake credentials with every AWS call skipped, and no backend (state stays in the scratch folder).
 */
import type { JsonValue } from "../../checker/load/plan-document";

export const MIRROR_AWS_VERSION = "5.100.0";

type JsonObject = { [key: string]: JsonValue };

export function offlineTerraformJson(document: JsonObject): JsonObject {
  const copy = JSON.parse(JSON.stringify(document)) as JsonObject;
  const terraform = (copy.terraform ?? {}) as JsonObject;
  delete terraform.backend;
  const providers = (terraform.required_providers ?? {}) as JsonObject;
  providers.aws = { source: "hashicorp/aws", version: MIRROR_AWS_VERSION };
  terraform.required_providers = providers;
  copy.terraform = terraform;
  const provider = (copy.provider ?? {}) as JsonObject;
  const aws = Array.isArray(provider.aws) ? (provider.aws as JsonObject[]) : [{}];
  provider.aws = aws.map((block) => ({
    ...block,
    region: block.region ?? "ap-northeast-1",
    access_key: "AKIAFAKEFAKEFAKEFAKE",
    secret_key: "fake",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
  }));
  copy.provider = provider;
  return copy;
}
