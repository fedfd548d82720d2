/**
 * The subset of `terraform show -json` (plan representation, format 0.x and 1.x) that the checker
 * reads. Every key is optional, as in the real format; unknown keys are ignored.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface ChangeJson {
  actions?: string[];
  before?: JsonValue;
  after?: JsonValue;
  after_unknown?: JsonValue;
  before_sensitive?: JsonValue;
  after_sensitive?: JsonValue;
  replace_paths?: (string | number)[][];
}

export interface ResourceChangeJson {
  address: string;
  module_address?: string;
  mode?: "managed" | "data";
  type: string;
  name: string;
  index?: string | number;
  deposed?: string;
  action_reason?: string;
  change: ChangeJson;
}

/** `{constant_value}`, `{references}`, or a nested block: a list of objects of expressions. */
export type ExpressionJson = { constant_value?: JsonValue; references?: string[] } | ExpressionBlockJson[];
export interface ExpressionBlockJson {
  [argument: string]: ExpressionJson;
}

export interface ConfigResourceJson {
  address: string;
  mode?: "managed" | "data";
  type: string;
  name: string;
  expressions?: ExpressionBlockJson;
  count_expression?: ExpressionJson;
  for_each_expression?: ExpressionJson;
  /** The key of its provider configuration in `provider_config`. */
  provider_config_key?: string;
  /** OpenTofu, for a resource whose instances use several provider configurations. */
  provider_config_keys?: string[];
}

/** An entry of `configuration.provider_config`. */
export interface ProviderConfigJson {
  name?: string;
  full_name?: string;
  alias?: string;
  /** The module it is configured in; absent at the root. */
  module_address?: string;
  expressions?: ExpressionBlockJson;
}

export interface ConfigModuleJson {
  resources?: ConfigResourceJson[];
  module_calls?: { [name: string]: ModuleCallJson };
  outputs?: { [name: string]: { expression?: ExpressionJson; sensitive?: boolean } };
  variables?: { [name: string]: { default?: JsonValue; sensitive?: boolean } };
}

export interface ModuleCallJson {
  source?: string;
  expressions?: ExpressionBlockJson;
  count_expression?: ExpressionJson;
  for_each_expression?: ExpressionJson;
  module?: ConfigModuleJson;
}

export interface StateResourceJson {
  address: string;
  mode?: "managed" | "data";
  type: string;
  name: string;
  index?: string | number;
  values?: { [key: string]: JsonValue };
  sensitive_values?: JsonValue;
  /** Set for a deposed object (one a create-before-destroy replacement left behind). */
  deposed_key?: string;
}

export interface StateModuleJson {
  address?: string;
  resources?: StateResourceJson[];
  child_modules?: StateModuleJson[];
}

export interface OutputValueJson {
  value?: JsonValue;
  sensitive?: boolean;
}

export interface PlanDocument {
  format_version?: string;
  terraform_version?: string;
  errored?: boolean;
  /**
   * False when the plan acts on only part of what the configuration and the state hold (`-target`,
   * `-exclude`, deferred changes): the objects it leaves out stay as they are.
   */
  complete?: boolean;
  variables?: { [name: string]: { value?: JsonValue } };
  planned_values?: { root_module?: StateModuleJson; outputs?: { [name: string]: OutputValueJson } };
  resource_changes?: ResourceChangeJson[];
  prior_state?: { values?: { root_module?: StateModuleJson } };
  configuration?: { root_module?: ConfigModuleJson; provider_config?: { [key: string]: ProviderConfigJson } };
}

/** `terraform show -json` of a state (no plan): what exists, with its outputs. */
export interface StateDocument {
  format_version?: string;
  terraform_version?: string;
  values?: { outputs?: { [name: string]: OutputValueJson }; root_module?: StateModuleJson };
}

/** `cdk.tf.json`: Terraform JSON configuration written by `cdktf synth`. */
export interface SynthDocument {
  "//"?: { metadata?: { stackName?: string; version?: string } };
  terraform?: { [key: string]: JsonValue };
  resource?: { [type: string]: { [name: string]: { [argument: string]: JsonValue } } };
  data?: { [type: string]: { [name: string]: { [argument: string]: JsonValue } } };
  variable?: { [name: string]: { default?: JsonValue; sensitive?: boolean } };
  locals?: { [name: string]: JsonValue };
  module?: { [name: string]: { [argument: string]: JsonValue } };
  /** Provider blocks by provider name: one object, or a list when there are aliases. */
  provider?: { [name: string]: JsonValue };
  output?: { [name: string]: { value?: JsonValue; sensitive?: boolean } };
}

/** `cdktf.out/manifest.json`. */
export interface SynthManifest {
  version?: string;
  stacks: { [name: string]: { name?: string; constructPath?: string; synthesizedStackPath: string; workingDirectory?: string; dependencies?: string[] } };
}

export type InputKind = "plan" | "synth" | "state";

/**
 * One loaded input: a plan, one stack of synthesized CDKTF output, or a state (context only).
 * `stack` names the CDKTF stack an input belongs to, when known.
 */
export type LoadedInput =
  | { kind: "plan"; path: string; stack?: string; formatVersion?: string; terraformVersion?: string; document: PlanDocument }
  | { kind: "synth"; path: string; stack?: string; document: SynthDocument }
  | { kind: "state"; path: string; stack?: string; formatVersion?: string; terraformVersion?: string; document: StateDocument };
