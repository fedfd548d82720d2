/**
 * The contract between the checker and a policy, built-in or a user's plugin. A policy exports
 * `meta` and a pure `check`: it reads the model and the topology through its context and returns
 * results that carry a message id and the facts behind the verdict, never printed text.
 *
 * This file is part of the stable plugin surface (docs/writing-policies.md): within a major
 * version, fields are only added.
 */
import type { FlowFamily, FlowProtocol, FlowResult, PortRange } from "../eks/reachability";
import type { EniClass, Topology } from "../eks/topology";
import type { ResourceGraph, World } from "../model/resource-graph";
import type { ResourceInstance } from "../model/resource-instance";
import type { Path, Value } from "../model/value";

export type Severity = "error" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

/** A fact a message shows: text, a number, a yes/no, or a list (shown joined with ", "). */
export type Fact = string | number | boolean | readonly string[];
export type Facts = { readonly [name: string]: Fact | undefined };

export interface PolicyMeta<Options = Record<string, never>, MessageId extends string = string> {
  /** Stable kebab-case id: it appears in waivers, configuration and Atlantis approvals. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what a compliant configuration looks like. */
  readonly title: string;
  /** Why it matters, in a sentence or two. */
  readonly rationale: string;
  /**
   * Message templates by message id. `{{name}}` shows the fact `name` of the result; a result
   * names its template with `messageId` (or one of the shared ones, see `SHARED_MESSAGES`).
   */
  readonly messages: { readonly [id in MessageId]: string };
  /**
   * What to change, by message id, as templates like `messages`. The one-line message is the
   * message, then the fix (after "; ", or after " Fix: " when the message ends a sentence); the
   * terminal format shows the fix on a line of its own.
   */
  readonly fixes?: { readonly [id in MessageId]?: string };
  /** JSON Schema of the options (validated with ajv) and their defaults. */
  readonly optionsSchema?: object;
  readonly defaultOptions?: Options;
  /** A page that explains the policy (plugins); built-in policies have `docs/policies/<id>.md`. */
  readonly docsUrl?: string;
}

export type ResultStatus = "pass" | "fail" | "unknown";

/**
 * The verdict on one subject. `pass` is counted but not reported; `fail` means evidence that the
 * rule is broken; `unknown` means the plan does not decide, and the facts say what is unknown.
 */
export interface PolicyResult<MessageId extends string = string> {
  /** The resource the verdict is about (for node traffic: the node group, ASG, Fargate profile or node class). */
  readonly address: string;
  readonly status: ResultStatus;
  /** The template that words the verdict; required for `fail` and `unknown`. */
  readonly messageId?: MessageId;
  /** The facts the template shows, and that tests and JSON consumers read. */
  readonly data?: Facts;
  /** Other resources involved (SGs, rules, node groups). */
  readonly related?: readonly string[];
  /** Tells apart several results of one policy on one address (e.g. one per peer). */
  readonly key?: string;
  /** For policies whose severity depends on what was found (e.g. which port is open to the world). */
  readonly severity?: Severity;
}

export interface PolicyContext<Options = Record<string, never>> {
  readonly options: Options;
  /** The world after the plan: what policies judge. `ofType`, `get`, `read`, `values`. */
  readonly world: World;
  /** The world before the plan (existing resources), for policies about changes. */
  readonly before: World;
  /** Every instance with its planned action, whatever the side. */
  readonly graph: ResourceGraph;
  /** Clusters, their ENI classes with the SGs on them, and rules indexed by SG — after the plan. */
  readonly topology: Topology;
  /** The same before the plan. */
  readonly topologyBefore: Topology;
  /** Whether traffic passes between two ENI classes, and the results that word it. */
  readonly flows: FlowQuery;
  /** A value for a message, or `(sensitive value)` when its path is marked sensitive. */
  show(instance: ResourceInstance, path: Path, value: Value | undefined): string;
  /**
   * Calls `visit` for every node class of every cluster (and the pod classes `options` asks for),
   * and adds one `unknown` result for each node group, ASG, Fargate profile or manifest whose
   * cluster is not in the plan, and for each manifest decided at apply time that may define nodes
   * or pods: `what` names the check ("TCP 443 to the API server") in its message.
   */
  forEachNodeClass(what: string, visit: NodeVisitor, options?: VisitOptions): PolicyResult[];
}

export interface VisitOptions {
  /** Every pod class too: SecurityGroupPolicies' pods and custom networking's pod ENIs. */
  readonly pods?: boolean;
  /** Custom networking's pod ENIs too (kind `pod-network`), where the pods of EC2 nodes run then. */
  readonly podNetworks?: boolean;
}

export type NodeVisitor = (node: EniClass) => PolicyResult | readonly PolicyResult[] | undefined;

/** How one flow result is named for a person and what breaks without it. */
export interface FlowWording {
  /** The flow, e.g. "nodes → API server", "DNS to CoreDNS hosts in aws_eks_node_group.apps". */
  readonly what: string;
  /** What breaks when it is blocked, one sentence. */
  readonly why: string;
  /** Tells apart several results on one address. */
  readonly key?: string;
}

/**
 * What a policy asks of reachability: whether traffic passes between two ENI classes, the flows
 * every cluster needs, and the result that words them.
 */
export interface FlowQuery {
  /**
   * Traffic from one class to another on a protocol and a port or inclusive range. `family` is the
   * cluster's address family by default; `"any"` takes rules of either.
   */
  between(from: EniClass, to: EniClass, protocol: FlowProtocol, ports: number | PortRange, family?: FlowFamily): FlowResult;
  /** Nodes → API server TCP 443, on the path the endpoint settings give, or why the plan cannot tell. */
  toApiServer(node: EniClass): FlowResult | { readonly unknown: string };
  /** Control plane → kubelet TCP 10250. */
  toKubelet(node: EniClass): FlowResult;
  /** The node classes of the node's cluster where CoreDNS can run. */
  coreDnsHosts(node: EniClass): readonly EniClass[];
  /** UDP and TCP 53 from a node class to a CoreDNS host. */
  dns(node: EniClass, host: EniClass): FlowResult[];
  /** `pass`, `fail` (message `flow-blocked`) or `unknown` (`flow-unknown`) for flows of one subject. */
  result(address: string, flows: readonly FlowResult[], wording: FlowWording): PolicyResult;
}


export interface Policy<Options = unknown> {
  readonly meta: PolicyMeta<Options>;
  check(context: PolicyContext<Options>): readonly PolicyResult[];
}
