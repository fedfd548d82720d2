/**
 * JSON Schemas of the parts of each input that the checker reads. They say only what the code
 * relies on — types of the keys it reads — and allow everything else, because the formats grow by
 * adding keys. Pure data: scripts/schema-validators.js compiles them with ajv into
 * schema-validators.generated.ts (see schemas.ts for why).
 */
const looseObject = { type: "object" } as const;
const stringList = { type: "array", items: { type: "string" } } as const;

const change = {
  type: "object",
  properties: {
    actions: stringList,
  },
} as const;

const resourceChange = {
  type: "object",
  required: ["address", "type", "name", "change"],
  properties: {
    address: { type: "string" },
    module_address: { type: "string" },
    mode: { enum: ["managed", "data"] },
    type: { type: "string" },
    name: { type: "string" },
    index: { type: ["string", "number"] },
    deposed: { type: "string" },
    change,
  },
} as const;

const stateResource = {
  type: "object",
  required: ["address", "type", "name"],
  properties: {
    address: { type: "string" },
    type: { type: "string" },
    name: { type: "string" },
    values: { type: ["object", "null"] },
    deposed_key: { type: "string" },
  },
} as const;

export const configModule = {
  $id: "config-module",
  type: "object",
  properties: {
    resources: {
      type: "array",
      items: {
        type: "object",
        required: ["address", "type", "name"],
        properties: {
          address: { type: "string" },
          type: { type: "string" },
          name: { type: "string" },
          expressions: looseObject,
          provider_config_key: { type: "string" },
          provider_config_keys: stringList,
        },
      },
    },
    module_calls: {
      type: "object",
      additionalProperties: {
        type: "object",
        properties: { expressions: looseObject, module: { $ref: "config-module" } },
      },
    },
    outputs: { type: "object", additionalProperties: looseObject },
    variables: { type: "object", additionalProperties: looseObject },
  },
} as const;

export const stateModule = {
  $id: "state-module",
  type: "object",
  properties: {
    address: { type: "string" },
    resources: { type: "array", items: stateResource },
    child_modules: { type: "array", items: { $ref: "state-module" } },
  },
} as const;

export const planSchema = {
  type: "object",
  properties: {
    format_version: { type: "string" },
    terraform_version: { type: "string" },
    errored: { type: "boolean" },
    complete: { type: "boolean" },
    variables: { type: "object", additionalProperties: looseObject },
    resource_changes: { type: "array", items: resourceChange },
    planned_values: { type: "object", properties: { root_module: { $ref: "state-module" } } },
    prior_state: {
      type: "object",
      properties: { values: { type: "object", properties: { root_module: { $ref: "state-module" } } } },
    },
    configuration: {
      type: "object",
      properties: {
        root_module: { $ref: "config-module" },
        provider_config: {
          type: "object",
          additionalProperties: { type: "object", properties: { name: { type: "string" }, full_name: { type: "string" }, module_address: { type: "string" }, expressions: looseObject } },
        },
      },
    },
  },
} as const;

/** `terraform show -json` of a state: the resources that exist and the outputs. */
export const stateSchema = {
  type: "object",
  properties: {
    format_version: { type: "string" },
    terraform_version: { type: "string" },
    values: {
      type: "object",
      properties: {
        outputs: { type: "object", additionalProperties: looseObject },
        root_module: { $ref: "state-module" },
      },
    },
  },
} as const;

const blocksByName = { type: "object", additionalProperties: { type: "object", additionalProperties: looseObject } };

export const synthSchema = {
  type: "object",
  properties: {
    resource: blocksByName,
    data: blocksByName,
    variable: { type: "object", additionalProperties: looseObject },
    locals: looseObject,
    terraform: looseObject,
    module: looseObject,
    provider: looseObject,
    output: { type: "object", additionalProperties: looseObject },
  },
} as const;

export const manifestSchema = {
  type: "object",
  required: ["stacks"],
  properties: {
    version: { type: "string" },
    stacks: {
      type: "object",
      additionalProperties: {
        type: "object",
        required: ["synthesizedStackPath"],
        properties: { name: { type: "string" }, synthesizedStackPath: { type: "string" } },
      },
    },
  },
} as const;

/** The schemas the others refer to by `$id`. */
export const referencedSchemas = [configModule, stateModule];

/** The exported validator of each document kind, by its name in schema-validators.generated.ts. */
export const documentSchemas = {
  validatePlan: planSchema,
  validateState: stateSchema,
  validateSynth: synthSchema,
  validateManifest: manifestSchema,
};
