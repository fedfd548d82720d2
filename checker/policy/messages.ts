/**
 * Message templates: a policy result names one (`messageId`) and carries the facts it shows. The
 * text is made once, here, from the template of the policy's `meta.messages` or a shared one.
 */
import type { Fact, Facts, Policy, PolicyResult } from "./contract";

/** Templates every policy may use, for results made by the shared helpers of the context. */
export const SHARED_MESSAGES = {
  "flow-blocked": "{{what}} ({{route}}) is blocked on {{ports}}: {{egress}}; {{ingress}}. {{why}}",
  "flow-unknown": "cannot tell whether {{what}} ({{route}}) is open on {{ports}}: {{sides}}",
  "cluster-missing": "cannot check {{what}}: {{reason}}",
  "flows-more": "{{what}}: {{count}} more peers are {{state}} as well ({{peers}}); the findings above show how",
  "manifest-undecided": "cannot check {{what}}: {{reason}}; if this manifest defines a NodeClass, a SecurityGroupPolicy or an ENIConfig, its nodes or pods are not judged",
  "nodes-elsewhere": "cannot check {{what}} for nodes defined outside this plan: {{reason}}",
} as const;

export type SharedMessageId = keyof typeof SHARED_MESSAGES;

/** The fixes of the shared messages that have one. */
export const SHARED_FIXES: { readonly [id in SharedMessageId]?: string } = {
  "flow-blocked": "{{fix}}",
};

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g;

/** The fact names a template shows. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

function showFact(fact: Fact): string {
  return Array.isArray(fact) ? fact.join(", ") : String(fact);
}

export class MessageError extends Error {
  override readonly name = "MessageError";
}

/** The template a result names, from the policy's messages or the shared ones. */
export function templateOf(policy: Policy, messageId: string): string | undefined {
  const own = (policy.meta.messages as Record<string, string | undefined>)[messageId];
  return own ?? (SHARED_MESSAGES as Record<string, string | undefined>)[messageId];
}

/** Fills a template with facts; a fact the template needs and the result lacks is a `MessageError`. */
export function renderTemplate(template: string, data: Facts | undefined, where: string): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const fact = data?.[name];
    if (fact === undefined) throw new MessageError(`${where} shows {{${name}}}, but the result has no fact "${name}"`);
    return showFact(fact);
  });
}

/** The fix template of a message id, from the policy's `meta.fixes` or the shared ones; often none. */
export function fixTemplateOf(policy: Policy, messageId: string): string | undefined {
  const own = (policy.meta.fixes as Record<string, string | undefined> | undefined)?.[messageId];
  return own ?? (SHARED_FIXES as Record<string, string | undefined>)[messageId];
}

/** A message as one line: the fix follows the problem, after " Fix: " where the problem ends a sentence. */
export function joinFix(problem: string, fix: string | undefined): string {
  if (fix === undefined) return problem;
  const trimmed = problem.trimEnd();
  return trimmed.endsWith(".") ? `${trimmed} Fix: ${fix}` : `${trimmed}; ${fix}`;
}

/** The problem part of a one-line message that `joinFix` made (the whole message when it has no fix). */
export function problemOf(message: string, fix: string | undefined): string {
  if (fix === undefined) return message;
  for (const joiner of [" Fix: ", "; "]) if (message.endsWith(joiner + fix)) return message.slice(0, message.length - joiner.length - fix.length);
  return message;
}

export interface RenderedMessage {
  /** What is wrong, without the fix. */
  readonly problem: string;
  readonly fix?: string;
}

/** The message of a `fail` or `unknown` result: the problem and, where the policy gives one, the fix. */
export function renderedMessageOf(policy: Policy, result: PolicyResult): RenderedMessage {
  const id = policy.meta.id;
  if (result.messageId === undefined) throw new MessageError(`policy ${id} returned a ${result.status} result for ${result.address} without a messageId`);
  const template = templateOf(policy, result.messageId);
  if (template === undefined) {
    throw new MessageError(`policy ${id} returned messageId "${result.messageId}", which is neither in its meta.messages (${Object.keys(policy.meta.messages).join(", ") || "none"}) nor a shared message`);
  }
  const where = `message "${result.messageId}" of policy ${id}`;
  const problem = renderTemplate(template, result.data, where);
  const fixTemplate = fixTemplateOf(policy, result.messageId);
  return fixTemplate === undefined ? { problem } : { problem, fix: renderTemplate(fixTemplate, result.data, `fix of ${where}`) };
}

/** The one-line message of a `fail` or `unknown` result, fix included. */
export function messageOf(policy: Policy, result: PolicyResult): string {
  const { problem, fix } = renderedMessageOf(policy, result);
  return joinFix(problem, fix);
}
