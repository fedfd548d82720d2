/** The policy API: what a policy (built-in or a plugin) is, the context it gets, and its helpers. */
export type { Fact, Facts, FlowQuery, FlowWording, NodeVisitor, Policy, PolicyContext, PolicyMeta, PolicyResult, ResultStatus, Severity, VisitOptions } from "./contract";
export { SEVERITIES } from "./contract";
export { definePolicy, type PolicyDefinition } from "./define-policy";
export { Analysis, policyContext } from "./context";
export { describeClass, relatedOf } from "./flow-results";
export { fixTemplateOf, MessageError, messageOf, placeholdersOf, renderTemplate, SHARED_FIXES, SHARED_MESSAGES, templateOf, type SharedMessageId } from "./messages";
export { REDACTED, showValue } from "./show-value";
