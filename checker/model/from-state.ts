/**
 * `terraform show -json` of a state → resource instances that exist and stay as they are (a
 * context input: what is already applied). Its outputs answer the remote-state reads of others.
 */
import type { PlanDocument, StateDocument } from "../load/plan-document";
import { preparePlan, type JoinHooks, type PreparedInput } from "./from-plan";

export function prepareState(state: StateDocument, join?: JoinHooks): PreparedInput {
  // A state reads like a plan that changes nothing: every resource a no-op, its data sources read.
  const root_module = state.values?.root_module;
  const plan: PlanDocument = {
    format_version: state.format_version,
    terraform_version: state.terraform_version,
    planned_values: { root_module, outputs: state.values?.outputs },
    prior_state: { values: { root_module } },
  };
  return preparePlan(plan, join);
}
