/**
 * The inputs of one run as one world: several plans, the stacks of a `cdktf.out`, states given as
 * context. Each input's addresses are prefixed with its label (`nodes::aws_eks_node_group.x`), so
 * nothing of one input is taken for another's; the inputs meet only where there is evidence:
 *
 * - a `terraform_remote_state` read whose writer is another input → that input's output, followed
 *   there (CDKTF cross-stack references; split root modules sharing a local backend);
 * - a known id or name (a variable's literal value, a remote state read at plan time) → the
 *   resource with that id or name in another input, found by the same lookups as in one plan.
 *
 * One input alone is modelled exactly as before: no labels.
 */
import path from "node:path";
import type { JsonValue, LoadedInput } from "../load/plan-document";
import type { JoinHooks, ModelOptions, PreparedInput, RemoteStateConfig } from "./from-plan";
import type { Resolution } from "./reference-resolver";
import { buildGraphWith, infoOf, LABEL_SEPARATOR, prepareInput, ResourceGraph, type InputInfo } from "./resource-graph";
import type { Path } from "./value";

/** The name CDKTF gives the remote state through which one stack reads another's outputs. */
const CROSS_STACK_INPUT = "cross-stack-reference-input-";

function unresolved(text: string): Resolution {
  return { refs: [], unresolved: [text], constants: [], oneOf: [] };
}

function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The last `n` segments of a path (`cluster/plan.json` of `/work/infra/cluster/plan.json`). */
function tail(file: string, n: number): string {
  return file.split(/[\\/]+/).filter(Boolean).slice(-n).join("/");
}

/**
 * Labels for the inputs, short enough to read in a message: the stack name, else the end of the
 * path that tells it from the other inputs (at least its folder and file); made unique, never
 * holding the separator.
 */
function labelsOf(inputs: readonly LoadedInput[]): string[] {
  const paths = inputs.filter((input) => input.stack === undefined).map((input) => input.path);
  const depth = (file: string) => {
    for (let n = 2; n < file.split(/[\\/]+/).length; n++) if (paths.every((other) => other === file || tail(other, n) !== tail(file, n))) return n;
    return Number.POSITIVE_INFINITY;
  };
  const wanted = inputs.map((input) => (input.stack ?? (depth(input.path) === Number.POSITIVE_INFINITY ? input.path : tail(input.path, depth(input.path)))).split(LABEL_SEPARATOR).join(":"));
  const seen = new Map<string, number>();
  return wanted.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? label : `${label}#${count}`;
  });
}

/** The backend an input writes its state to, as `cdk.tf.json` declares it (plans and states do not say). */
function declaredBackend(input: LoadedInput): RemoteStateConfig | undefined {
  if (input.kind !== "synth") return undefined;
  const backend = input.document.terraform?.backend;
  if (!backend || typeof backend !== "object" || Array.isArray(backend)) return undefined;
  const [type, ...more] = Object.keys(backend);
  if (type === undefined || more.length > 0) return undefined;
  return { backend: type, config: backend[type] };
}

function localPath(config: RemoteStateConfig, from: string): string | undefined {
  if (config.backend !== "local") return undefined;
  const file = (config.config as { path?: JsonValue } | null | undefined)?.path;
  return typeof file === "string" ? path.resolve(path.dirname(from), file) : undefined;
}

/**
 * Does `producer` write the state that `consumer`'s data source `dataAddress` reads? Evidence only:
 * the same backend and configuration; a local state file in the folder the producer's plan or
 * state was written in; or CDKTF's cross-stack naming between stacks of one app.
 */
function writes(producer: LoadedInput, consumer: LoadedInput, dataAddress: string, read: RemoteStateConfig | undefined): boolean {
  const name = /^data\.terraform_remote_state\.([^.[]+)/.exec(dataAddress)?.[1] ?? "";
  if (producer.stack !== undefined && consumer.kind === "synth" && name === `${CROSS_STACK_INPUT}${producer.stack}`) return true;
  if (!read) return false;
  const declared = declaredBackend(producer);
  if (declared) {
    if (declared.backend !== read.backend) return false;
    const file = localPath(read, consumer.path);
    return file !== undefined ? file === localPath(declared, producer.path) : sameJson(declared.config, read.config);
  }
  const file = localPath(read, consumer.path);
  return file !== undefined && producer.kind !== "synth" && path.dirname(file) === path.resolve(path.dirname(producer.path));
}

/**
 * Models the inputs of a run as one world. `contexts` take part in the topology but get no
 * findings (`--context`); a state may only be a context. `options.consume`: see ModelOptions.
 */
export function modelInputs(subjects: readonly LoadedInput[], contexts: readonly LoadedInput[] = [], options?: ModelOptions): ResourceGraph {
  if (subjects.length === 1 && contexts.length === 0) return buildGraphWith(subjects[0], options ?? {});
  if (subjects.length === 0 && contexts.length === 0) return new ResourceGraph([], []);
  const all = [...subjects, ...contexts];
  const labels = labelsOf(all);
  const prepared: PreparedInput[] = [];
  const following = new Set<string>();

  const remoteState = (consumer: number, dataAddress: string, output: string, rest: Path): Resolution | undefined => {
    const read = prepared[consumer].remoteStateConfig(dataAddress);
    const producers = all.map((_, i) => i).filter((i) => i !== consumer && writes(all[i], all[consumer], dataAddress, read));
    if (producers.length === 0) return undefined;
    const text = `${dataAddress}.outputs.${output}`;
    if (producers.length > 1) return unresolved(`${text} (written by several inputs: ${producers.map((i) => labels[i]).join(", ")})`);
    const [producer] = producers;
    // Two inputs that read each other's outputs would otherwise follow each other for ever.
    const key = `${producer}|${output}`;
    if (following.has(key)) return unresolved(`${text} (outputs that depend on each other)`);
    following.add(key);
    try {
      return prepared[producer].output(output, rest) ?? unresolved(`${text} (${labels[producer]} has no output ${output})`);
    } finally {
      following.delete(key);
    }
  };

  all.forEach((input, i) => {
    const join: JoinHooks = {
      qualify: (address) => `${labels[i]}${LABEL_SEPARATOR}${address}`,
      remoteState: (dataAddress, output, rest) => remoteState(i, dataAddress, output, rest),
    };
    prepared.push(prepareInput(input, join, options));
  });
  const infos: InputInfo[] = all.map((input, i) => ({ ...infoOf(input, prepared[i]), label: labels[i], ...(i >= subjects.length ? { context: true } : {}) }));
  return new ResourceGraph(infos, prepared.flatMap((p) => p.instances()), {
    secrets: prepared.flatMap((p) => [...p.secrets()]),
    remoteStates: prepared.flatMap((p, i) => p.remoteStates().map((address) => `${labels[i]}${LABEL_SEPARATOR}${address}`)),
  });
}
