/** Node labels in user data (user-data-labels.ts), in the forms the EKS AMIs and Bottlerocket take. */
import { gzipSync } from "node:zlib";
import { labelsInUserData, userDataOf } from "../../checker/eks/user-data-labels";
import { loadText } from "../../checker/load/load-inputs";
import { buildGraph } from "../../checker/model/resource-graph";

const KEY = "k8s.amazonaws.com/eniConfig";

test.each<[string, string, Record<string, string>]>([
  ["AL2 bootstrap.sh --kubelet-extra-args", `#!/bin/bash\n/etc/eks/bootstrap.sh c --kubelet-extra-args '--node-labels=${KEY}=a,team=x --max-pods=20'\n`, { [KEY]: "a", team: "x" }],
  ["AL2 with a space and double quotes", `/etc/eks/bootstrap.sh c --kubelet-extra-args "--node-labels ${KEY}=a"\n`, { [KEY]: "a" }],
  ["AL2023 NodeConfig kubelet flags", `kind: NodeConfig\nspec:\n  kubelet:\n    flags:\n      - --node-labels=${KEY}=b\n`, { [KEY]: "b" }],
  ["a later flag wins", `--node-labels=${KEY}=a\n--node-labels=${KEY}=b\n`, { [KEY]: "b" }],
  ["Bottlerocket's node-labels table", `[settings.kubernetes]\ncluster-name = "c"\n[settings.kubernetes.node-labels]\n"${KEY}" = "c"\nteam = "x"\n[settings.host-containers.admin]\nenabled = "true"\n`, { [KEY]: "c", team: "x" }],
  ["no labels", "#!/bin/bash\n/etc/eks/bootstrap.sh c\n", {}],
])("%s", (_name, text, expected) => {
  expect(Object.fromEntries(labelsInUserData(text))).toEqual(expected);
});

/** A plan with launch templates (user data base64) and a launch configuration (user data as text). */
const worldWith = (templates: Record<string, string | null>, unknown: string[] = []) => {
  const change = (name: string, type: string, userData: string | null) => ({
    address: `${type}.${name}`,
    mode: "managed",
    type,
    name,
    change: { actions: ["create"], before: null, after: userData === null ? {} : { user_data: userData }, after_unknown: unknown.includes(name) ? { user_data: true } : {} },
  });
  const changes = Object.entries(templates).map(([name, data]) => (name.startsWith("lc") ? change(name, "aws_launch_configuration", data) : change(name, "aws_launch_template", data)));
  const [input] = loadText(JSON.stringify({ format_version: "1.2", resource_changes: changes }), "lt.json");
  return buildGraph(input).after;
};
const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");

test("launch templates' base64 (gzip'd or not), a launch configuration's text; the same value, or different ones", () => {
  const world = worldWith({ plain: b64(`--node-labels=${KEY}=a`), zipped: b64(gzipSync(`--node-labels=${KEY}=a`)), lc: `--node-labels=${KEY}=a`, other: b64(`--node-labels=${KEY}=b`) });
  expect(userDataOf(world, ["aws_launch_template.plain", "aws_launch_template.zipped", "aws_launch_configuration.lc"]).label(KEY)).toEqual({ value: "a", source: "the user data of aws_launch_template.plain" });
  expect(userDataOf(world, ["aws_launch_template.zipped"]).label(KEY)).toEqual({ value: "a", source: "the user data of aws_launch_template.zipped" });
  expect(userDataOf(world, ["aws_launch_configuration.lc"]).label(KEY)).toEqual({ value: "a", source: "the user data of aws_launch_configuration.lc" });
  expect(userDataOf(world, ["aws_launch_template.plain", "aws_launch_template.other"]).label(KEY)).toEqual({ unknown: expect.stringContaining("sets the label k8s.amazonaws.com/eniConfig to a, b") });
  expect(userDataOf(world, ["aws_launch_template.plain"]).label("team")).toEqual({ none: true });
});

test("the user data of the version the nodes launch: the one before the plan when they keep it", () => {
  const version = (text: string, latest?: number) => ({ user_data: b64(`--node-labels=${KEY}=${text}`), default_version: 1, ...(latest ? { latest_version: latest } : {}) });
  const changed = { address: "aws_launch_template.node", mode: "managed", type: "aws_launch_template", name: "node", change: { actions: ["update"], before: version("old", 1), after: version("new"), after_unknown: { latest_version: true } } };
  const [input] = loadText(JSON.stringify({ format_version: "1.2", resource_changes: [changed] }), "lt.json");
  const world = buildGraph(input).after;
  const of = (asked: string | undefined) => userDataOf(world, ["aws_launch_template.node"], new Map([["aws_launch_template.node", asked]])).label(KEY);
  expect(of("$Latest")).toEqual({ value: "new", source: "the user data of aws_launch_template.node" });
  expect(of("1")).toEqual({ value: "old", source: "the user data of the version aws_launch_template.node had before this plan" });
  expect(of(undefined)).toEqual({ value: "old", source: "the user data of the version aws_launch_template.node had before this plan" });
  const older = userDataOf(world, ["aws_launch_template.node"], new Map([["aws_launch_template.node", "0"]]));
  expect(older.undecided).toMatch(/launch template version "0" is not a version number/);
  const unknownVersion = userDataOf(buildGraph(loadText(JSON.stringify({ format_version: "1.2", resource_changes: [{ ...changed, change: { ...changed.change, before: version("old", 3) } }] }), "lt.json")[0]).after, ["aws_launch_template.node"], new Map([["aws_launch_template.node", "2"]]));
  expect(unknownVersion.undecided).toMatch(/^the user data of aws_launch_template\.node is not known: the nodes launch version 2 of aws_launch_template\.node, older than the latest before this plan \(3\)/);
  expect(unknownVersion.label(KEY)).toEqual({ none: true });
});
