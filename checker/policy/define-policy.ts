/**
 * `definePolicy()`: writes a policy with its options' type and message ids checked by TypeScript.
 *
 *   export default definePolicy({
 *     meta: { id: "my-rule", severity: "error", title: "…", rationale: "…", messages: { open: "{{sg}} is open" } },
 *     check: (ctx) => ctx.world.ofType("aws_security_group").map((sg) => …),
 *   });
 */
import type { Policy, PolicyContext, PolicyMeta, PolicyResult } from "./contract";
import type { SharedMessageId } from "./messages";

export interface PolicyDefinition<Options, MessageId extends string> {
  readonly meta: PolicyMeta<Options, MessageId>;
  check(context: PolicyContext<Options>): readonly PolicyResult<MessageId | SharedMessageId>[];
}

export function definePolicy<Options = Record<string, never>, MessageId extends string = string>(definition: PolicyDefinition<Options, MessageId>): Policy<Options> {
  return definition as unknown as Policy<Options>;
}
