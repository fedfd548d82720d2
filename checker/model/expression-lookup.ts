/**
 * Finds the configuration expression behind an attribute path of a resource. Nested blocks are
 * lists of argument maps; attribute-as-block arguments (an SG's `ingress`) are one expression for
 * the whole list, so a deeper path falls back to it.
 */
import type { ExpressionBlockJson, ExpressionJson } from "../load/plan-document";
import type { Path } from "./value";

export type ExpressionLookup =
  | { found: "expression"; expression: ExpressionJson }
  /** The enclosing block is configured but this argument is not: the provider computes it. */
  | { found: "unset" }
  /** The configuration does not show this part (a `dynamic` block, or a block index it lacks). */
  | { found: "not-shown" };

// Shared answers (read-only): a lookup is made for every unknown value of a plan (issue #13).
const NOT_SHOWN: ExpressionLookup = Object.freeze({ found: "not-shown" });
const UNSET: ExpressionLookup = Object.freeze({ found: "unset" });

export function lookupExpression(arguments_: ExpressionBlockJson | undefined, path: Path): ExpressionLookup {
  if (!arguments_) return NOT_SHOWN;
  let block: ExpressionBlockJson = arguments_;
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    if (typeof step !== "string") return NOT_SHOWN;
    const expression: ExpressionJson | undefined = block[step];
    // A missing nested block may be a `dynamic` block, which configuration does not render.
    if (expression === undefined) return typeof path[i + 1] === "number" ? NOT_SHOWN : UNSET;
    if (!Array.isArray(expression)) return { found: "expression", expression };
    const index = path[i + 1];
    if (index === undefined) return { found: "expression", expression };
    if (typeof index !== "number") return NOT_SHOWN;
    // Set-typed blocks are sorted in `after`, so only a single block can be matched safely.
    const next = expression.length === 1 ? expression[0] : expression[index];
    if (!next || (expression.length > 1 && expression.length <= index)) return NOT_SHOWN;
    block = next;
    i += 1;
    if (i === path.length - 1) return { found: "expression", expression: [block] };
  }
  return { found: "expression", expression: [block] };
}
