/**
 * Errors the constructs throw when their props would build a cluster whose security groups are
 * broken or unsafe. Every message names the construct, says what is wrong and ends with what to do.
 */
import type { IConstruct } from "constructs";

export class EksSgConfigError extends Error {
  constructor(
    /** The construct path, e.g. `prod/cluster`. */
    readonly constructPath: string,
    /** What is wrong, in one sentence. */
    readonly problem: string,
    /** What to do instead. */
    readonly fix: string,
  ) {
    super(`[${constructPath}] ${problem}. Fix: ${fix}`);
    this.name = "EksSgConfigError";
  }
}

export function configError(scope: IConstruct, problem: string, fix: string): EksSgConfigError {
  return new EksSgConfigError(scope.node.path, problem, fix);
}
