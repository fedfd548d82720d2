/**
 * Errors a user can cause with their input or command line. Each becomes one line on stderr and
 * exit code 2; the message names the input, what is wrong and what to do about it.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly remedy: string,
  ) {
    super(`${input}: ${problem}. ${remedy}`);
    this.name = "InputError";
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Peak heap per byte of input: the parsed document, the model and the report. Measured at about
 * 11 on real plans (287 MiB for a 25 MB plan of 16,000 resources); 12 leaves a margin.
 */
export const MEMORY_PER_INPUT_BYTE = 12;

const SHOW_JSON = "run `terraform show -json plan.out > plan.json` and pass plan.json";

export const inputErrors = {
  missing: (input: string) => new InputError(input, "no such file or folder", "Check the path"),
  tooLarge: (input: string, megabytes: number, heapMegabytes: number) =>
    new InputError(
      input,
      `is ${megabytes} MB, more than this process can hold once parsed and modelled (its heap limit is ${heapMegabytes} MB)`,
      `Give Node more memory, e.g. NODE_OPTIONS=--max-old-space-size=${Math.ceil((megabytes * MEMORY_PER_INPUT_BYTE) / 1024) * 1024}, or check the plans of smaller root modules`,
    ),
  unreadable: (input: string, why: string) => new InputError(input, `cannot be read (${why})`, "Check its permissions"),
  empty: (input: string) =>
    new InputError(input, "is empty", `Did the command that wrote it fail? For a plan, ${SHOW_JSON}`),
  binaryPlan: (input: string) =>
    new InputError(input, "is a binary plan file (terraform plan -out), not JSON", `To check it, ${SHOW_JSON}`),
  binary: (input: string) =>
    new InputError(input, "is a binary file, not JSON", `Pass the JSON plan: ${SHOW_JSON}`),
  truncated: (input: string, where: string) =>
    new InputError(input, `ends before the JSON is complete (${where})`, "The file is truncated; write it again"),
  invalidJson: (input: string, where: string) =>
    new InputError(input, `is not valid JSON (${where})`, `Pass the output of terraform show -json, or a cdk.tf.json`),
  hcl: (input: string) =>
    new InputError(
      input,
      "is Terraform configuration (HCL), not a plan",
      "Run `terraform plan -out plan.out && terraform show -json plan.out > plan.json` and pass plan.json",
    ),
  notObject: (input: string, what: string) =>
    new InputError(input, `holds a JSON ${what}, not an object`, `Pass the output of terraform show -json`),
  state: (input: string) =>
    new InputError(input, "is a Terraform state, not a plan", `Make a plan and ${SHOW_JSON}`),
  rawState: (input: string) =>
    new InputError(input, "is a raw Terraform state file, which the checker does not read", "Pass the output of `terraform show -json` of that state (in its folder: terraform show -json > state.json)"),
  futureFormat: (input: string, version: string) =>
    new InputError(
      input,
      `has plan format_version ${version}, and this checker reads format 0.x and 1.x`,
      "Upgrade eks-sg-policy, or produce the plan with an older Terraform",
    ),
  errored: (input: string) =>
    new InputError(
      input,
      "is a plan that errored (errored: true), so it does not say what Terraform would do",
      "Fix the errors terraform plan printed, plan again and check the new plan",
    ),
  notAPlan: (input: string) =>
    new InputError(
      input,
      "is JSON but neither a Terraform plan nor CDKTF output",
      `Pass the output of terraform show -json, a cdk.tf.json or a cdktf.out folder`,
    ),
  schema: (input: string, what: string, detail: string) =>
    new InputError(input, `is not a valid ${what}: ${detail}`, "Regenerate it with the tool that wrote it"),
  noStacks: (input: string) =>
    new InputError(
      input,
      "is a folder without stacks (no cdk.tf.json, and no manifest.json or cdktf.out/manifest.json listing any)",
      "Run `cdktf synth` first, or pass a plan JSON file",
    ),
  missingStack: (input: string, stack: string, file: string) =>
    new InputError(input, `lists stack "${stack}" but ${file} is missing`, "Run `cdktf synth` again"),
};
