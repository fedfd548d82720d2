/**
 * The region of each instance: its provider configuration's `region`, resolved like any expression,
 * or its own `region` argument (AWS provider 6). The real multi-region plan is the fixture
 * topo-same-name-two-regions (topology.test.ts); these cases cover what the offline provider
 * mirror (hashicorp/aws 5.100.0 only) cannot plan: provider 6's per-resource `region`, OpenTofu's
 * `provider_config_keys`, and a provider block inside a module.
 */
import type { ConfigModuleJson, ConfigResourceJson, JsonValue, PlanDocument, ProviderConfigJson, SynthDocument } from "../../checker/load/plan-document";
import { instancesFromPlan } from "../../checker/model/from-plan";
import { instancesFromSynth } from "../../checker/model/from-synth";
import { formatRef, isUnknown } from "../../checker/model/value";

const PROVIDERS: { [key: string]: ProviderConfigJson } = {
  aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } },
  "aws.eu": { name: "aws", alias: "eu", expressions: { region: { references: ["var.eu_region"] } } },
  "aws.env": { name: "aws", alias: "env" },
  "aws.other": { name: "aws", alias: "other", expressions: { region: { constant_value: "eu-west-1" } } },
  "module.legacy:aws": { name: "aws", module_address: "module.legacy", expressions: { region: { references: ["var.region"] } } },
  kubernetes: { name: "kubernetes" },
};

interface Case {
  readonly name: string;
  readonly type?: string;
  /** Configuration of the resource: its provider key(s) and arguments. */
  readonly config: Pick<ConfigResourceJson, "provider_config_key" | "provider_config_keys" | "expressions">;
  readonly after: { [key: string]: JsonValue };
  readonly afterUnknown?: { [key: string]: JsonValue };
  readonly inModule?: boolean;
  readonly region: string | undefined;
}

const cases: Case[] = [
  { name: "the default provider's constant region", config: { provider_config_key: "aws" }, after: { name: "a" }, region: "us-east-1" },
  { name: "an alias whose region is a root variable", config: { provider_config_key: "aws.eu" }, after: { name: "a" }, region: "eu-west-1" },
  { name: "a provider without region (from the environment or a profile)", config: { provider_config_key: "aws.env" }, after: { name: "a" }, region: undefined },
  { name: "a provider block in a module, its region a module input", config: { provider_config_key: "module.legacy:aws" }, after: { name: "a" }, inModule: true, region: "ap-south-1" },
  { name: "a key the plan does not list", config: { provider_config_key: "aws.gone" }, after: { name: "a" }, region: undefined },
  { name: "not an AWS resource type", type: "kubernetes_manifest", config: { provider_config_key: "kubernetes" }, after: { manifest: {} }, region: undefined },
  { name: "provider 6: the resource's own region", config: { provider_config_key: "aws", expressions: { region: { constant_value: "sa-east-1" } } }, after: { name: "a", region: "sa-east-1" }, region: "sa-east-1" },
  {
    name: "provider 6: its own region set from a value decided at apply time",
    config: { provider_config_key: "aws", expressions: { region: { references: ["aws_s3_bucket.b.region"] } } },
    after: { name: "a" },
    afterUnknown: { region: true },
    region: undefined,
  },
  { name: "provider 6: its region not set, filled in at apply time: the provider's", config: { provider_config_key: "aws" }, after: { name: "a" }, afterUnknown: { region: true }, region: "us-east-1" },
  { name: "OpenTofu: several provider configurations, different regions", config: { provider_config_keys: ["aws", "aws.eu"] }, after: { name: "a" }, region: undefined },
  { name: "OpenTofu: several provider configurations of one region", config: { provider_config_keys: ["aws.eu", "aws.other"] }, after: { name: "a" }, region: "eu-west-1" },
];

function planOf(c: Case): PlanDocument {
  const type = c.type ?? "aws_eks_cluster";
  const resource = { address: `${type}.this`, mode: "managed" as const, type, name: "this", ...c.config };
  const root: ConfigModuleJson = c.inModule
    ? { module_calls: { legacy: { expressions: { region: { constant_value: "ap-south-1" } }, module: { resources: [resource] } } } }
    : { resources: [resource] };
  return {
    format_version: "1.2",
    variables: { eu_region: { value: "eu-west-1" } },
    resource_changes: [
      {
        address: `${c.inModule ? "module.legacy." : ""}${type}.this`,
        ...(c.inModule ? { module_address: "module.legacy" } : {}),
        mode: "managed",
        type,
        name: "this",
        change: { actions: ["create"], before: null, after: c.after, after_unknown: c.afterUnknown ?? {} },
      },
    ],
    configuration: { provider_config: PROVIDERS, root_module: root },
  };
}

test.each(cases.map((c) => [c.name, c] as const))("plan: %s", (_name, c) => {
  expect(instancesFromPlan(planOf(c))[0].region).toBe(c.region);
});

test("a deleted instance keeps the region it is in", () => {
  const plan = planOf(cases[0]);
  plan.resource_changes![0].change = { actions: ["delete"], before: { name: "a" }, after: null };
  expect(instancesFromPlan(plan)[0].region).toBe("us-east-1");
});

test("cdk.tf.json: the provider block a resource names, the default one, a token, provider 6's own region", () => {
  const document: SynthDocument = {
    provider: {
      aws: [{ region: "us-east-1" }, { alias: "eu", region: "eu-west-1" }, { alias: "tokens", region: "${var.region}" }],
    },
    resource: {
      aws_eks_cluster: {
        default: { name: "prod" },
        eu: { name: "prod", provider: "aws.eu" },
        // Terraform JSON's older form of the same reference.
        tokens: { name: "prod", provider: "${aws.tokens}" },
        own: { name: "prod", provider: "aws.eu", region: "ca-central-1" },
        ownToken: { name: "prod", region: "${var.region}" },
      },
    },
  };
  const regions = Object.fromEntries(instancesFromSynth(document).map((i) => [i.name, i.region]));
  expect(regions).toEqual({ default: "us-east-1", eu: "eu-west-1", tokens: undefined, own: "ca-central-1", ownToken: undefined });
});

describe("the host of a manifest's Kubernetes provider", () => {
  const plan = (host: object): PlanDocument => ({
    format_version: "1.2",
    resource_changes: [
      {
        address: "kubernetes_manifest.policy",
        mode: "managed",
        type: "kubernetes_manifest",
        name: "policy",
        change: { actions: ["create"], before: null, after: { manifest: { kind: "SecurityGroupPolicy" } }, after_unknown: {} },
      },
    ],
    configuration: {
      provider_config: {
        "kubernetes.green": { name: "kubernetes", full_name: "registry.terraform.io/hashicorp/kubernetes", alias: "green", expressions: { host } },
        aws: { name: "aws", full_name: "registry.terraform.io/hashicorp/aws", expressions: { host } },
      },
      root_module: { resources: [{ address: "kubernetes_manifest.policy", type: "kubernetes_manifest", name: "policy", provider_config_key: "kubernetes.green" }] },
    },
  });

  test("a reference to a cluster's endpoint: where the value comes from", () => {
    const host = instancesFromPlan(plan({ references: ["aws_eks_cluster.green.endpoint", "aws_eks_cluster.green"] }))[0].providerHost;
    expect(isUnknown(host) && host.refs.map(formatRef)).toEqual(["aws_eks_cluster.green.endpoint"]);
  });

  test("an endpoint known at plan time (a data source of an existing cluster): the text", () => {
    expect(instancesFromPlan(plan({ constant_value: "https://0A1B2C.gr7.eu-west-1.eks.amazonaws.com" }))[0].providerHost).toBe("https://0A1B2C.gr7.eu-west-1.eks.amazonaws.com");
  });
});

test("cdk.tf.json: a Helm provider's host is in its kubernetes block, a list or one object", () => {
  const document: SynthDocument = {
    provider: {
      helm: [
        { alias: "list", kubernetes: [{ host: "${aws_eks_cluster.blue.endpoint}" }] },
        { alias: "object", kubernetes: { host: "https://0A1B2C.gr7.eu-west-1.eks.amazonaws.com" } },
      ],
    },
    resource: {
      helm_release: {
        list: { name: "karpenter", chart: "karpenter", provider: "helm.list" },
        object: { name: "karpenter", chart: "karpenter", provider: "helm.object" },
        environment: { name: "karpenter", chart: "karpenter" },
      },
    },
  };
  const hosts = Object.fromEntries(instancesFromSynth(document).map((i) => [i.name, isUnknown(i.providerHost) ? i.providerHost.refs.map(formatRef) : i.providerHost]));
  expect(hosts).toEqual({ list: ["aws_eks_cluster.blue.endpoint"], object: "https://0A1B2C.gr7.eu-west-1.eks.amazonaws.com", environment: undefined });
});
