/** Whether real `terraform plan` can run here: terraform on PATH and a filesystem mirror of hashicorp/aws. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** Where the global setup leaves its answer for the test workers. */
export const TERRAFORM_ENV = "EKS_SG_POLICY_TEST_TERRAFORM";
/** Set by `npm run test:unit`: tests that run terraform skip. */
export const UNIT_ONLY_ENV = "EKS_SG_POLICY_UNIT_ONLY";

function findMirror(): string | undefined {
  const given = process.env.TF_PROVIDER_MIRROR;
  if (given && fs.existsSync(path.join(given, "registry.terraform.io/hashicorp/aws"))) return given;
  const found = spawnSync(
    "find",
    ["/", "-xdev", "-type", "d", "-path", "*/registry.terraform.io/hashicorp/aws", "-not", "-path", "*/.terraform/*", "-not", "-path", "/tmp/*", "-not", "-path", "/proc/*"],
    { encoding: "utf8", timeout: 60_000 },
  );
  const dir = found.stdout.split("\n").find(Boolean);
  return dir ? path.dirname(path.dirname(path.dirname(dir))) : undefined;
}

export interface TerraformAvailability {
  readonly mirror?: string;
  /** Why terraform-dependent tests must skip; undefined when they can run. */
  readonly skipReason?: string;
}

/** Looks for terraform and the mirror (the global setup does it once per run). */
export function findTerraform(): TerraformAvailability {
  if (process.env[UNIT_ONLY_ENV]) return { skipReason: "npm run test:unit runs no terraform (npm test does)" };
  const version = spawnSync("terraform", ["version"], { encoding: "utf8" });
  if (version.status !== 0) return { skipReason: "terraform is not on PATH" };
  const mirror = findMirror();
  if (!mirror) return { skipReason: "no filesystem mirror of hashicorp/aws (set TF_PROVIDER_MIRROR)" };
  return { mirror };
}

let cached: TerraformAvailability | undefined;

export function terraformAvailability(): TerraformAvailability {
  if (cached) return cached;
  const fromSetup = process.env[TERRAFORM_ENV];
  return (cached = fromSetup ? (JSON.parse(fromSetup) as TerraformAvailability) : findTerraform());
}
