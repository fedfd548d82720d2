/**
 * The context a policy runs in: the model and the topology of one input, built once and shared by
 * every policy, plus the helpers every node-class policy needs.
 */
import { topologiesOf, type EniClass, type Topology } from "../eks/topology";
import type { ResourceGraph } from "../model/resource-graph";
import type { NodeVisitor, PolicyContext, PolicyResult, VisitOptions } from "./contract";
import type { FlowQuery } from "./contract";
import { flowQuery } from "./flow-query";
import { showValue } from "./show-value";

/** What every policy reads about one input; the topology is built on first use. */
export class Analysis {
  private built?: { before: Topology; after: Topology };
  private query?: FlowQuery;

  constructor(readonly graph: ResourceGraph) {}

  get topology(): Topology {
    return (this.built ??= topologiesOf(this.graph)).after;
  }

  get topologyBefore(): Topology {
    return (this.built ??= topologiesOf(this.graph)).before;
  }

  get flows(): FlowQuery {
    return (this.query ??= flowQuery(this.topology));
  }
}

/** Findings one node class gets of one status about its peers, before the rest are summed up in one. */
export const PEER_FINDINGS_PER_CLASS = 10;
const PEERS_NAMED = 10;

/**
 * A class's results about many peers (DNS to every CoreDNS host, traffic to every class): past
 * `PEER_FINDINGS_PER_CLASS` of one status, the rest become one finding that counts and names them,
 * so findings grow with the number of classes, not with its square.
 */
function capPeerResults(results: readonly PolicyResult[], what: string): readonly PolicyResult[] {
  const over = (status: string) => results.filter((r) => r.status === status).length > PEER_FINDINGS_PER_CLASS;
  if (!over("fail") && !over("unknown")) return results;
  const out: PolicyResult[] = [];
  for (const status of ["pass", "fail", "unknown"] as const) {
    const same = results.filter((r) => r.status === status);
    if (status === "pass" || same.length <= PEER_FINDINGS_PER_CLASS) {
      out.push(...same);
      continue;
    }
    const kept = same.slice(0, PEER_FINDINGS_PER_CLASS - 1);
    const rest = same.slice(PEER_FINDINGS_PER_CLASS - 1);
    const peers = rest.map((r) => String(r.data?.to ?? r.key ?? r.address));
    const named = peers.slice(0, PEERS_NAMED).join(", ") + (peers.length > PEERS_NAMED ? `, and ${peers.length - PEERS_NAMED} more` : "");
    out.push(...kept, {
      address: rest[0].address,
      status,
      key: `${rest[0].key ?? rest[0].address}+${rest.length}`,
      related: [...new Set(rest.flatMap((r) => r.related ?? []))],
      messageId: "flows-more",
      data: { what, count: rest.length, state: status === "fail" ? "blocked" : "undecided", peers: named, allPeers: peers },
    });
  }
  return out;
}

function forEachNodeClass(topology: Topology, what: string, visit: NodeVisitor, options: VisitOptions | undefined): PolicyResult[] {
  const results: PolicyResult[] = [];
  const visited = (pod: EniClass) => options?.pods === true || (options?.podNetworks === true && pod.kind === "pod-network");
  for (const cluster of topology.clusters) {
    for (const node of cluster.pods.length === 0 ? cluster.nodes : [...cluster.nodes, ...cluster.pods.filter(visited)]) {
      const out = visit(node);
      if (out === undefined) continue;
      if (Array.isArray(out)) results.push(...capPeerResults(out as readonly PolicyResult[], what));
      else results.push(out as PolicyResult);
    }
  }
  // Without its cluster a node class has no control plane, no CoreDNS hosts and no peers to judge.
  for (const orphan of topology.orphans) {
    results.push({ address: orphan.address, status: "unknown", messageId: "cluster-missing", data: { what, reason: orphan.reason } });
  }
  for (const manifest of topology.undecidedManifests) {
    results.push({ address: manifest.address, status: "unknown", messageId: "manifest-undecided", data: { what, reason: manifest.reason } });
  }
  for (const capacity of topology.capacityElsewhere) {
    results.push({ address: capacity.address, status: "unknown", messageId: "nodes-elsewhere", data: { what, reason: capacity.reason } });
  }
  return results;
}

export function policyContext<Options>(analysis: Analysis, options: Options): PolicyContext<Options> {
  const { graph } = analysis;
  return {
    options,
    graph,
    world: graph.after,
    before: graph.before,
    get topology() {
      return analysis.topology;
    },
    get topologyBefore() {
      return analysis.topologyBefore;
    },
    get flows() {
      return analysis.flows;
    },
    show: (instance, path, value) => showValue(instance, path, value),
    forEachNodeClass: (what, visit, options) => forEachNodeClass(analysis.topology, what, visit, options),
  };
}
