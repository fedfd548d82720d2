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

/**
 * kubectl_manifest resources become `terraform_data` stand-ins that terraform can plan offline (the
 * kubectl provider is not in the mirror); `fromStandIns` turns the plan back into their shape.
 */
export function withManifestStandIns(document: JsonObject): JsonObject {
  const resources = (document.resource ?? {}) as { [type: string]: { [name: string]: JsonObject } };
  const manifests = resources.kubectl_manifest;
  if (!manifests) return document;
  const copy = { ...document, resource: { ...resources } } as JsonObject & { resource: { [type: string]: { [name: string]: JsonObject } } };
  delete copy.resource.kubectl_manifest;
  const standIns: { [name: string]: JsonObject } = { ...(copy.resource.terraform_data ?? {}) };
  for (const [name, config] of Object.entries(manifests)) standIns[`kubectl_manifest__${name}`] = { input: { yaml_body: config.yaml_body } };
  copy.resource.terraform_data = standIns;
  const terraform = { ...((copy.terraform ?? {}) as JsonObject) };
  const providers = { ...((terraform.required_providers ?? {}) as JsonObject) };
  delete providers.kubectl;
  const blocks = { ...((copy.provider ?? {}) as JsonObject) };
  delete blocks.kubectl;
  copy.provider = blocks;
  terraform.required_providers = providers;
  copy.terraform = terraform;
  return copy;
}

export function fromStandIns(planJson: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { convertPlan } = require("../fixtures/manifests/stand-ins.js") as { convertPlan: (plan: JsonValue) => JsonValue };
  return JSON.stringify(convertPlan(JSON.parse(planJson) as JsonValue));
}
