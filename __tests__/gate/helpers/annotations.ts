/** The CDKTF annotations (info, warn, error metadata) on a construct tree, as `cdktf synth` would print them. */
import { AnnotationMetadataEntryType } from "cdktf";
import type { IConstruct } from "constructs";

export interface PrintedAnnotation {
  readonly level: "ERROR" | "WARN" | "INFO";
  readonly path: string;
  readonly message: string;
}

const LEVELS: Record<string, PrintedAnnotation["level"]> = {
  [AnnotationMetadataEntryType.ERROR]: "ERROR",
  [AnnotationMetadataEntryType.WARN]: "WARN",
  [AnnotationMetadataEntryType.INFO]: "INFO",
};

export function annotationsOf(scope: IConstruct): PrintedAnnotation[] {
  return scope.node.findAll().flatMap((c) =>
    c.node.metadata.filter((m) => m.type in LEVELS).map((m) => ({ level: LEVELS[m.type], path: c.node.path, message: String(m.data) })),
  );
}

/** `ERROR broken/nodes node-imdsv2`: level, construct path and policy id of each gate annotation. */
export function gateLines(scope: IConstruct): string[] {
  return annotationsOf(scope)
    .map((a) => ({ ...a, policy: /^eks-sg-policy (\S+) \(/.exec(a.message)?.[1] }))
    .filter((a) => a.policy !== undefined)
    .map((a) => `${a.level} ${a.path} ${a.policy}`);
}
