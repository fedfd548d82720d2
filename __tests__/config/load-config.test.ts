/**
 * eks-sg-policy.config.json: discovery, validation with exact one-line errors, and the CheckOptions
 * it turns into.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../../checker/errors";
import { CONFIG_FILE_NAME } from "../../checker/config/config-schema";
import { findConfigFile, loadConfig as loadWith, resolveFailOn, type FindConfigOptions } from "../../checker/config/load-config";
import { checkGraphs } from "../../checker/run/pipeline";
import { resolveSettings } from "../../checker/run/settings";
import { fixturePlan, graphOf } from "../helpers/fixtures";
import { policies } from "../../policies";

let root: string;
let n = 0;
beforeAll(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-config-"))));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A fresh folder holding eks-sg-policy.config.json with `content` (a string is written as is). */
function folderWith(content: unknown): string {
  const dir = path.join(root, `case-${n++}`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, CONFIG_FILE_NAME), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return dir;
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

const ALL_IDS = policies.map((p) => p.meta.id);
const loadConfig = (options: FindConfigOptions) => loadWith(policies, options);
/** The ids a configuration leaves on. */
const enabledIds = (config: { choices: { disabled: readonly string[] } }) => ALL_IDS.filter((id) => !config.choices.disabled.includes(id));

const WAIVER = {
  policy: "public-endpoint",
  address: "module.eks.aws_eks_cluster.this",
  reason: "Public endpoint limited by the corporate proxy until the VPN lands",
  owner: "@platform-sec",
  expires: "2027-03-31",
};

const FULL = {
  $schema: "https://example.com/eks-sg-policy.config.schema.json",
  failOn: "warning",
  policies: {
    "remote-access": { enabled: false },
    "control-plane-logging": { severity: "error", options: { required: ["api", "audit", "authenticator"] } },
    "node-imdsv2": { options: { maxHopLimit: 1 } },
    "world-ingress": { severity: "warning" },
  },
  waivers: [WAIVER, { ...WAIVER, policy: "node-imdsv2", address: "module.eks.aws_launch_template.this[*]", input: "plans/*.json", ticket: "SEC-7" }],
};

describe("a valid configuration", () => {
  test("is found in the working folder and becomes policy choices, waivers and failOn", () => {
    const dir = folderWith(FULL);
    const config = loadConfig({ cwd: dir })!;
    expect(config.file).toBe(path.relative(process.cwd(), path.join(dir, CONFIG_FILE_NAME)));
    expect(enabledIds(config)).toEqual(ALL_IDS.filter((id) => id !== "remote-access"));
    expect(config.choices.severities).toEqual({ "control-plane-logging": "error", "world-ingress": "warning" });
    expect(config.choices.options).toEqual({
      "control-plane-logging": { required: ["api", "audit", "authenticator"] },
      "node-imdsv2": { maxHopLimit: 1 },
    });
    expect(config.failOn).toBe("warning");
    expect(config.waivers).toEqual([
      { ...WAIVER, source: { file: config.file, path: "waivers[0]" } },
      { ...FULL.waivers[1], source: { file: config.file, path: "waivers[1]" } },
    ]);
  });

  test("an explicit path, or a folder holding the file, is read as named", () => {
    const dir = folderWith(FULL);
    const file = path.join(dir, CONFIG_FILE_NAME);
    expect(loadConfig({ file })!.file).toBe(file);
    expect(loadConfig({ file: dir })!.file).toBe(file);
    expect(loadConfig({ file, cwd: root })!.choices).toEqual(loadConfig({ cwd: dir })!.choices);
  });

  test("an empty object changes nothing", () => {
    const config = loadConfig({ cwd: folderWith({}) })!;
    expect(config.choices).toEqual({ disabled: [], enabled: [], severities: {}, options: {} });
    expect(config.plugins).toEqual([]);
    expect(config.waivers).toEqual([]);
    expect(config.failOn).toBeUndefined();
  });

  test('"*" sets every policy; a policy\'s own entry wins over it', () => {
    const config = loadConfig({
      cwd: folderWith({ policies: { "*": { enabled: false, severity: "warning" }, "node-dns": { enabled: true }, "public-endpoint": { enabled: true, severity: "info" } } }),
    })!;
    expect(enabledIds(config)).toEqual(["node-dns", "public-endpoint"]);
    expect(Object.keys(config.choices.severities)).toHaveLength(ALL_IDS.length);
    expect(config.choices.severities).toMatchObject({ "node-dns": "warning", "public-endpoint": "info", "world-ingress": "warning" });
  });

  test("no file in the working folder: no configuration", () => {
    const empty = path.join(root, "empty");
    fs.mkdirSync(empty);
    expect(findConfigFile(empty)).toBeUndefined();
    expect(loadConfig({ cwd: empty })).toBeUndefined();
  });

  test("the choices drive the check: disabled policies do not run, severities and options apply", () => {
    const dir = folderWith(FULL);
    const graph = graphOf(fixturePlan("topo-lt-node-sg-no-rules"));
    const before = checkGraphs([graph], resolveSettings({ registry: policies }));
    const after = checkGraphs([graph], resolveSettings({ registry: policies, cwd: dir, discoverConfig: true }));
    expect(after.summary.policies).toBe(before.summary.policies - 1);
    expect(after.findings.some((f) => f.policy === "remote-access")).toBe(false);
    const logging = after.findings.find((f) => f.policy === "control-plane-logging")!;
    expect(logging.severity).toBe("error");
    expect(logging.message).toContain("authenticator");
    expect(before.findings.find((f) => f.policy === "control-plane-logging")!.message).not.toContain("authenticator");
  });
});

describe("an invalid configuration is rejected with one line: file, JSON path, problem, remedy", () => {
  const F = CONFIG_FILE_NAME;
  const VALID_IDS = ALL_IDS.join(", ");
  const cases: [string, unknown, string][] = [
    [
      "bad JSON",
      '{\n  "policies": {\n    "node-dns": {"enabled": false},\n  }\n}',
      `${F}: is not valid JSON (Expected double-quoted property name at line 4, column 3). Fix the syntax there; JSON allows no comments and no trailing commas`,
    ],
    ["not an object", "[]", `${F}: holds a list, not a JSON object. Write the configuration file as a JSON object, e.g. {"policies": {"remote-access": {"enabled": false}}}`],
    ["unknown key", { polices: {} }, `${F}: the top level has an unknown key "polices". Did you mean "policies"? Allowed keys: $schema, failOn, plugins, policies, waivers`],
    ["unknown policy id", { policies: { "node-imds": { enabled: false } } }, `${F}: policies["node-imds"] names no policy. Did you mean "node-imdsv2"? Valid ids: ${VALID_IDS} (or "*" for all)`],
    ["unknown key in a policy entry", { policies: { "node-dns": { enable: false } } }, `${F}: policies["node-dns"] has an unknown key "enable". Did you mean "enabled"? Allowed keys: enabled, severity`],
    ["enabled not a boolean", { policies: { "node-dns": { enabled: "no" } } }, `${F}: policies["node-dns"].enabled is a string, but must be true or false. Write true to run the policy or false to skip it`],
    [
      "wrong severity",
      { policies: { "public-endpoint": { severity: "high" } } },
      `${F}: policies["public-endpoint"].severity is "high", which is not one of the allowed values. Use one of error, warning, info`,
    ],
    ["wrong failOn", { failOn: "errors" }, `${F}: failOn is "errors", which is not one of the allowed values. Did you mean "error"? Use one of error, warning, info, never`],
    ["options for a policy without options", { policies: { "public-endpoint": { options: {} } } }, `${F}: policies["public-endpoint"].options is given, but public-endpoint takes no options. Remove "options"`],
    ["options under *", { policies: { "*": { options: {} } } }, `${F}: policies["*"] cannot hold options. Options belong to one policy: give them under that policy's id`],
    [
      "policy option out of range (per the policy's schema)",
      { policies: { "node-imdsv2": { options: { maxHopLimit: 100 } } } },
      `${F}: policies["node-imdsv2"].options.maxHopLimit is 100: must be <= 64. See docs/policies/node-imdsv2.md for the options of node-imdsv2`,
    ],
    [
      "unknown policy option",
      { policies: { "node-imdsv2": { options: { maxHops: 1 } } } },
      `${F}: policies["node-imdsv2"].options has an unknown key "maxHops". Allowed keys: maxHopLimit`,
    ],
    [
      "policy option not in its enum",
      { policies: { "control-plane-logging": { options: { required: ["api", "audits"] } } } },
      `${F}: policies["control-plane-logging"].options.required[1] is "audits", which is not one of the allowed values. Did you mean "audit"? Use one of api, audit, authenticator, controllerManager, scheduler`,
    ],
    [
      "policy option of the wrong type",
      { policies: { "apiserver-to-webhooks": { options: { ports: "443" } } } },
      `${F}: policies["apiserver-to-webhooks"].options.ports is a string, but must be a list. See docs/policies/apiserver-to-webhooks.md for the options of apiserver-to-webhooks`,
    ],
    ["every policy disabled", { policies: { "*": { enabled: false } } }, `${F}: policies disables every policy, so nothing would be checked. Enable at least one policy, e.g. {"public-endpoint": {"enabled": true}}`],
    [
      "short reason",
      { waivers: [WAIVER, WAIVER, { ...WAIVER, reason: "  n/a  " }] },
      `${F}: waivers[2].reason has 3 characters, and a reason needs at least 10. Say why the finding is acceptable and what limits the risk, e.g. "Bastion reachable from the corporate VPN only"`,
    ],
    [
      "bad date",
      { waivers: [{ ...WAIVER, expires: "2027-02-29" }] },
      `${F}: waivers[0].expires is "2027-02-29", which is not a date written YYYY-MM-DD. Write the last day (UTC) on which the waiver holds, e.g. "2027-01-31"`,
    ],
    [
      "date with a time",
      { waivers: [{ ...WAIVER, expires: "2027-01-31T00:00:00Z" }] },
      `${F}: waivers[0].expires is "2027-01-31T00:00:00Z", which is not a date written YYYY-MM-DD. Write the last day (UTC) on which the waiver holds, e.g. "2027-01-31"`,
    ],
    [
      "missing owner",
      { waivers: [{ ...WAIVER, owner: undefined }] },
      `${F}: waivers[0] has no "owner". Name who accepted the risk and answers for it, e.g. "@platform-security" or an email address`,
    ],
    [
      "blank owner",
      { waivers: [{ ...WAIVER, owner: "  " }] },
      `${F}: waivers[0].owner is empty. Name who accepted the risk and answers for it, e.g. "@platform-security" or an email address`,
    ],
    [
      "unknown policy in a waiver",
      { waivers: [{ ...WAIVER, policy: "public-endpoints" }] },
      `${F}: waivers[0].policy is "public-endpoints", which is not a policy id. Did you mean "public-endpoint"? Valid ids: ${VALID_IDS}`,
    ],
    [
      "misspelt waiver key",
      { waivers: [{ ...WAIVER, address: undefined, adress: "x" }] },
      `${F}: waivers[0] has an unknown key "adress". Did you mean "address"? Allowed keys: policy, address, input, reason, owner, expires, ticket`,
    ],
    [
      "waiver glob with one alternative",
      { waivers: [{ ...WAIVER, address: "aws_eks_node_group.this[{0}]" }] },
      `${F}: waivers[0].address "aws_eks_node_group.this[{0}]" has "{0}", alternatives with only one choice. Separate two or more choices with commas, e.g. {general,batch}, or write a literal brace with a backslash before it (in JSON: "\\\\{")`,
    ],
    [
      "waivers not a list",
      { waivers: WAIVER },
      `${F}: waivers is an object, but must be a list. Write waivers as a list of objects: [{"policy": ..., "address": ..., ...}]`,
    ],
  ];

  test.each(cases)("%s", (_, content, message) => {
    const dir = folderWith(content);
    // Options are checked against each policy's schema when the run is set up, with the same one line.
    const got = messageOf(() => resolveSettings({ registry: policies, config: path.join(dir, CONFIG_FILE_NAME) }));
    expect(got.replace(path.join(dir, CONFIG_FILE_NAME), CONFIG_FILE_NAME)).toBe(message);
    expect(got).not.toContain("\n");
  });

  test("an explicit file that does not exist is an error; so is a folder without the file", () => {
    const missing = path.join(root, "nowhere.json");
    expect(messageOf(() => loadConfig({ file: missing }))).toBe(`${missing}: no such file (given as the configuration file). Check the path`);
    const empty = path.join(root, "empty-folder");
    fs.mkdirSync(empty);
    expect(messageOf(() => loadConfig({ file: empty }))).toBe(
      `${empty}: is a folder without ${CONFIG_FILE_NAME}. Pass the configuration file itself, or create ${path.join(empty, CONFIG_FILE_NAME)}`,
    );
  });

  test("a discovered file is named relative to the current folder", () => {
    const dir = folderWith({ polices: {} });
    const shown = path.relative(process.cwd(), path.join(dir, CONFIG_FILE_NAME));
    expect(messageOf(() => loadConfig({ cwd: dir }))).toMatch(new RegExp(`^${shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: the top level has an unknown key`));
  });
});

describe("resolveSettings: configuration, waivers files and --fail-on together", () => {
  test("waivers files come after the configuration's waivers; --fail-on on the command line wins", () => {
    const dir = folderWith(FULL);
    const waiversFile = path.join(dir, "extra-waivers.json");
    fs.writeFileSync(waiversFile, JSON.stringify({ waivers: [{ ...WAIVER, policy: "node-dns", address: "aws_eks_node_group.*" }] }));
    const settingsOf = (extra: object) => resolveSettings({ registry: policies, cwd: dir, discoverConfig: true, ...extra });
    const settings = settingsOf({ waiverFiles: [waiversFile] });
    expect(settings.waivers.map((w) => `${w.source?.path} ${w.policy}`)).toEqual(["waivers[0] public-endpoint", "waivers[1] node-imdsv2", "waivers[0] node-dns"]);
    expect(settings.waivers[2].source?.file).toBe(waiversFile);
    expect(settings.failOn).toBe("warning");
    expect(settings.configFile).toBe(path.relative(process.cwd(), path.join(dir, CONFIG_FILE_NAME)));
    expect(settingsOf({ failOn: "error" }).failOn).toBe("error");
    const none = settingsOf({ config: false });
    expect([none.configFile, none.waivers, none.failOn, none.policies.length]).toEqual([undefined, [], "error", ALL_IDS.length]);
  });

  test("resolveFailOn: command line, then configuration, then error", () => {
    expect(resolveFailOn(undefined, undefined)).toBe("error");
    const config = loadConfig({ cwd: folderWith({ failOn: "never" }) });
    expect(resolveFailOn(undefined, config)).toBe("never");
    expect(resolveFailOn("info", config)).toBe("info");
  });
});
