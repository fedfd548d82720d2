/**
 * Nodes a cluster will get whose SGs the plan does not say: Karpenter's controller set up for a
 * cluster whose EC2NodeClasses are not in the plan (applied by Argo CD or Flux, by `kubectl`, or by
 * another root module). Karpenter launches nodes with the SGs its EC2NodeClasses select, so
 * without them no flow of those nodes can be judged; saying nothing would read as "all clear".
 *
 * The sign read is an EKS Pod Identity association for the service account `karpenter`, which the
 * controller's credentials come from when it runs with Pod Identity: terraform-aws-eks's karpenter
 * module makes one (`service_account` default "karpenter"), and Karpenter's chart names its service
 * account after the release (`serviceAccount.name` empty: the chart's fullname), "karpenter" in
 * Karpenter's own guide. A controller on IRSA, or installed under another name, is not seen
 * (docs/node-classes.md).
 */
import type { ResourceInstance } from "../model/resource-instance";
import type { World } from "../model/resource-graph";
import type { Cluster } from "./eni-class";

/** Where capacity the plan does not describe comes from, and why its nodes are not judged. */
export interface CapacityElsewhere {
  /** The resource that shows it (the Pod Identity association). */
  readonly address: string;
  readonly cluster: Cluster;
  readonly reason: string;
}

/** The service account Karpenter's controller runs as, by the chart's and terraform-aws-eks's defaults. */
const KARPENTER_SERVICE_ACCOUNT = "karpenter";

/**
 * Karpenter controllers of the plan's clusters that have no EC2NodeClass in the plan. When the plan
 * holds a NodeClass it cannot place, or a manifest decided at apply time, those findings already say
 * that nodes are not judged, and nothing is added.
 */
export function karpenterWithoutNodeClasses(
  world: World,
  clusterOf: (association: ResourceInstance) => Cluster | undefined,
  nodeClassesElsewhereInPlan: boolean,
): CapacityElsewhere[] {
  if (nodeClassesElsewhereInPlan) return [];
  const found: CapacityElsewhere[] = [];
  for (const association of world.ofType("aws_eks_pod_identity_association")) {
    if (world.read(association, ["service_account"]) !== KARPENTER_SERVICE_ACCOUNT) continue;
    const cluster = clusterOf(association);
    if (!cluster || cluster.nodes.some((node) => node.kind === "karpenter")) continue;
    const namespace = world.read(association, ["namespace"]);
    found.push({
      address: association.address,
      cluster,
      reason: `Karpenter runs in ${cluster.address} (service account ${typeof namespace === "string" ? `${namespace}/` : ""}${KARPENTER_SERVICE_ACCOUNT} has this Pod Identity association) and no EC2NodeClass for it is in this plan, so the SGs of the nodes it launches are chosen outside it`,
    });
  }
  return found;
}
