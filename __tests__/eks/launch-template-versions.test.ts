/** Which launch-template version a group launches, and whether the plan shows its values. */
import { launchedVersion } from "../../checker/eks/launch-template-versions";
import { World, type Side } from "../../checker/model/resource-graph";
import type { Action, ResourceInstance } from "../../checker/model/resource-instance";
import { Unknown, type Value, type ValueObject } from "../../checker/model/value";

const ADDRESS = "aws_launch_template.node";
const OLD_SGS = ["sg-0000000000000old"];
const NEW_SGS = ["sg-0000000000000new"];

function template(action: Action, before: ValueObject | null, after: ValueObject | null, type = "aws_launch_template"): ResourceInstance {
  return { address: ADDRESS, moduleAddress: "", mode: "managed", type, name: "node", action, before, after, beforeSensitive: false, afterSensitive: false };
}

const computed = new Unknown("computed", "known after apply");
const ref = (attribute: string, address = ADDRESS) => new Unknown("expression", "known after apply", [{ address, path: [attribute] }]);

/** An existing template at version 1 (its default), which the plan changes so as to make version 2. */
const changed = (after: ValueObject = {}) =>
  template("update", { latest_version: 1, default_version: 1, vpc_security_group_ids: OLD_SGS }, { latest_version: computed, default_version: 1, vpc_security_group_ids: NEW_SGS, ...after });
/** An existing template the plan leaves as it is. */
const unchanged = (values: ValueObject) => template("no-op", values, { ...values });

type Outcome = "planned" | "before" | "unknown";

interface Case {
  readonly name: string;
  readonly template: ResourceInstance;
  readonly version: Value | undefined;
  readonly side?: Side;
  readonly outcome: Outcome;
  readonly says?: RegExp;
}

const cases: Case[] = [
  { name: "a template the plan makes: its first version", template: template("create", null, { latest_version: computed, vpc_security_group_ids: NEW_SGS }), version: "1", outcome: "planned" },
  {
    name: "a template the plan replaces: the new template's first version",
    template: template("replace", { latest_version: 1, default_version: 1, vpc_security_group_ids: OLD_SGS }, { latest_version: computed, default_version: computed, vpc_security_group_ids: NEW_SGS }),
    version: "1",
    outcome: "planned",
  },
  { name: "a launch configuration has no versions", template: template("update", { security_groups: OLD_SGS }, { security_groups: NEW_SGS }, "aws_launch_configuration"), version: undefined, outcome: "planned" },
  { name: "$Latest of a template the plan changes", template: changed(), version: "$Latest", outcome: "planned" },
  { name: "the template's latest_version, decided at apply time", template: changed(), version: ref("latest_version"), outcome: "planned" },
  { name: "its default_version, with update_default_version", template: changed({ update_default_version: true, default_version: computed }), version: ref("default_version"), outcome: "planned" },
  { name: "a number above the version before the plan: the new one", template: changed(), version: "2", outcome: "planned" },
  {
    name: "the version before the plan, by number",
    template: changed(),
    version: "1",
    outcome: "before",
    says: /^the nodes launch version 1 of aws_launch_template\.node, the one from before this plan, not the version the plan makes$/,
  },
  { name: "the version before the plan, as a number value", template: changed(), version: 1, outcome: "before" },
  {
    name: "no version (an ASG's $Default) without update_default_version",
    template: changed({ update_default_version: false }),
    version: undefined,
    outcome: "before",
    says: /default version of aws_launch_template\.node, still version 1 from before this plan, since update_default_version is not true/,
  },
  { name: "an ASG's version the provider computes: $Default", template: changed(), version: computed, outcome: "before" },
  { name: "an empty version, as state keeps an unset one: $Default", template: changed(), version: "", outcome: "before" },
  { name: "$Default with update_default_version: the new version", template: changed({ update_default_version: true }), version: "$Default", outcome: "planned" },
  {
    name: "a version older than the one before the plan",
    template: template("update", { latest_version: 3, default_version: 3, vpc_security_group_ids: OLD_SGS }, { latest_version: computed, default_version: 3, vpc_security_group_ids: NEW_SGS }),
    version: "2",
    outcome: "unknown",
    says: /version 2 of aws_launch_template\.node, older than the latest before this plan \(3\), whose values the plan does not show/,
  },
  { name: "a default version decided at apply time", template: changed({ default_version: ref("default_version", "var.x") }), version: "$Default", outcome: "unknown", says: /default version of aws_launch_template\.node is decided at apply time/ },
  { name: "a version from elsewhere, with a new version made", template: changed(), version: ref("id", "aws_ssm_parameter.version"), outcome: "unknown", says: /launch template version is decided at apply time/ },
  { name: "a version from elsewhere, with no new version", template: unchanged({ latest_version: 1, default_version: 1, vpc_security_group_ids: OLD_SGS }), version: ref("id", "aws_ssm_parameter.version"), outcome: "planned" },
  { name: "an unchanged template at the version shown", template: unchanged({ latest_version: 3, default_version: 3, vpc_security_group_ids: OLD_SGS }), version: "3", outcome: "planned" },
  {
    name: "an unchanged template at another version than the one shown",
    template: unchanged({ latest_version: 3, default_version: 3, vpc_security_group_ids: OLD_SGS }),
    version: "2",
    outcome: "unknown",
    says: /version 2 of aws_launch_template\.node, and the plan shows only version 3/,
  },
  { name: "an unchanged template whose default is not its latest", template: unchanged({ latest_version: 3, default_version: 1, vpc_security_group_ids: OLD_SGS }), version: "$Default", outcome: "unknown", says: /version 1 .* only version 3/ },
  { name: "not a version", template: changed(), version: "$Newest", outcome: "unknown", says: /"\$Newest" is not a version number, \$Latest or \$Default/ },
  { name: "before the plan: the latest version then", template: changed(), version: "$Latest", side: "before", outcome: "planned" },
  {
    name: "before the plan: a default that was not the latest",
    template: template("update", { latest_version: 2, default_version: 1, vpc_security_group_ids: OLD_SGS }, { latest_version: computed, default_version: 1, vpc_security_group_ids: NEW_SGS }),
    version: "$Default",
    side: "before",
    outcome: "unknown",
    says: /version 1 .* only version 2/,
  },
];

describe("launchedVersion", () => {
  test.each(cases)("$name", ({ template: t, version, side = "after", outcome, says }) => {
    const world = new World(side, [t]);
    const launched = launchedVersion(world, t, version);
    const got: Outcome = launched.unknown ? "unknown" : launched.values === t.before && side === "after" ? "before" : "planned";
    expect(got).toBe(outcome);
    if (outcome === "planned") expect(launched.values).toBe(world.values(t));
    if (outcome === "before") expect(launched.kept).toBeDefined();
    else expect(launched.kept).toBeUndefined();
    if (says) expect(launched.unknown ?? launched.kept).toMatch(says);
  });
});
