/**
 * The installed command runs one bundled file (scripts/bundle-cli.js) while a plugin imports the
 * library, a second copy of the same code: the values the bundle hands a plugin are still what the
 * library's helpers say they are.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildCli } from "../helpers/built-cli";
import { fixturePlan } from "../helpers/fixtures";
import { COMPILED_PREFIXES, LARGE_PLAN_BYTES, MERGE_COMPILED_BYTES } from "../../checker/cli/large-plan-v8";
import { MIN_PLAN_BYTES } from "../../checker/load/plan-pieces";

let bin: string;
let scratch: string;
beforeAll(() => {
  bin = buildCli();
  scratch = path.dirname(path.dirname(bin));
}, 60_000);
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

test("the command loads the bundle, not the checker's files one by one", () => {
  const hook = path.join(scratch, "list-loaded.js");
  fs.writeFileSync(hook, 'process.on("exit", () => console.error(Object.keys(require.cache).filter((f) => f.includes("/dist/")).map((f) => f.slice(f.indexOf("/dist/") + 1)).join(" ")));');
  const loaded = (...extra: string[]) => {
    const run = spawnSync(process.execPath, ["-r", hook, bin, "check", fixturePlan("heldout-a-child-module-nodegroups"), "--format", "json", ...extra], { encoding: "utf8" });
    expect(run.stdout).toContain('"findings"');
    return run.stderr.trim();
  };
  // The bin compiles the bundle itself (with the code cache), so no module of dist/ is required...
  expect(loaded()).toBe("");
  // ...but with --debug, which requires the bundle as a module for its source map.
  expect(loaded("--debug")).toBe("dist/cli.js");
});

test("a check does not load child_process: commander's copy in the bundle loads it on first use", () => {
  const hook = path.join(scratch, "list-builtins.js");
  fs.writeFileSync(hook, 'process.on("exit", () => console.error(process.moduleLoadList.includes("NativeModule child_process") ? "child_process loaded" : "child_process not loaded"));');
  const check = spawnSync(process.execPath, ["-r", hook, bin, "check", fixturePlan("heldout-a-child-module-nodegroups"), "--format", "json"], { encoding: "utf8" });
  expect(check.stdout).toContain('"findings"');
  expect(check.stderr.trim()).toBe("child_process not loaded");
});

/** A check with findings run under `hook`, its standard output and error each a pipe or a file. */
function checkWithOutputs(hook: string, stdoutTo: "pipe" | "file", stderrTo: "pipe" | "file") {
  const files = { stdout: path.join(scratch, "report.json"), stderr: path.join(scratch, "stderr.txt") };
  const fds = { stdout: fs.openSync(files.stdout, "w"), stderr: fs.openSync(files.stderr, "w") };
  try {
    const run = spawnSync(process.execPath, ["-r", hook, bin, "check", fixturePlan("blind-asg-launch-configuration"), "--format", "json"], {
      encoding: "utf8",
      stdio: ["ignore", stdoutTo === "pipe" ? "pipe" : fds.stdout, stderrTo === "pipe" ? "pipe" : fds.stderr],
    });
    return {
      status: run.status,
      stdout: stdoutTo === "pipe" ? run.stdout : fs.readFileSync(files.stdout, "utf8"),
      stderr: stderrTo === "pipe" ? run.stderr : fs.readFileSync(files.stderr, "utf8"),
    };
  } finally {
    fs.closeSync(fds.stdout);
    fs.closeSync(fds.stderr);
  }
}

// Node makes process.stdout or process.stderr on first use, loading its stream modules (issue #13).
test("a check written to files makes no stream for them", () => {
  const hook = path.join(scratch, "list-streams.js");
  fs.writeFileSync(hook, 'process.on("exit", () => require("node:fs").writeSync(2, String(process.moduleLoadList.includes("NativeModule internal/fs/sync_write_stream"))));');
  const run = checkWithOutputs(hook, "file", "file");
  expect(run.status).not.toBe(2);
  expect(JSON.parse(run.stdout).findings.length).toBeGreaterThan(0);
  expect(run.stderr).toBe("false");
});

// Node's own modules come compiled from a cache V8 takes only under the flags it was made with: one
// first loaded after the bin sets its flags is compiled from source (issue #13).
test("a check with findings loads no Node module after the bin sets V8's flags, written to files or to pipes", () => {
  const hook = path.join(scratch, "modules-after-flags.js");
  fs.writeFileSync(
    hook,
    [
      'const v8 = require("node:v8");',
      "const set = v8.setFlagsFromString;",
      "let flagsAt;",
      "v8.setFlagsFromString = (flags) => { set(flags); flagsAt ??= process.moduleLoadList.length; };",
      'process.on("exit", () => require("node:fs").writeSync(2, "\\n" + JSON.stringify(process.moduleLoadList.slice(flagsAt).filter((m) => m.startsWith("NativeModule ")))));',
    ].join("\n"),
  );
  const loadedAfterFlags = (stdoutTo: "pipe" | "file", stderrTo: "pipe" | "file") => {
    const run = checkWithOutputs(hook, stdoutTo, stderrTo);
    expect(JSON.parse(run.stdout).findings.length).toBeGreaterThan(0);
    return JSON.parse(run.stderr.trim().split("\n").pop()!) as string[];
  };
  // A pipe or a terminal loads node:net when its stream is made; either one alone does.
  expect(loadedAfterFlags("pipe", "pipe")).toEqual([]);
  expect(loadedAfterFlags("pipe", "file")).toEqual([]);
  expect(loadedAfterFlags("file", "pipe")).toEqual([]);
  expect(loadedAfterFlags("file", "file")).toEqual([]);
});

test("the command collects its start-up heap once before a plan of 5 MB or more, and never before a smaller one", () => {
  const plan = JSON.parse(fs.readFileSync(fixturePlan("blind-asg-launch-configuration"), "utf8")) as { variables?: Record<string, unknown> };
  const large = path.join(scratch, "large-plan.json");
  fs.writeFileSync(large, JSON.stringify({ ...plan, variables: { ...plan.variables, padding: { value: "x".repeat(LARGE_PLAN_BYTES) } } }));
  const small = path.join(scratch, "small-plan.json");
  fs.writeFileSync(small, JSON.stringify(plan));
  const checked = (file: string) => {
    const report = `${file}.report.json`;
    // --trace-gc writes to standard output; the report goes to a file.
    const run = spawnSync(process.execPath, ["--trace-gc", bin, "check", file, "--format", `json=${report}`, "--fail-on", "never"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const findings = (JSON.parse(fs.readFileSync(report, "utf8")) as { findings: { policy: string; address: string; status: string }[] }).findings;
    // gc() is a GC "testing" asks for; V8's own say why they ran.
    return { collected: run.stdout.split("\n").filter((line) => /Mark-Compact .* testing;/.test(line)).length, findings: findings.map((f) => `${f.policy} ${f.address} ${f.status}`) };
  };
  const [bigRun, smallRun] = [checked(large), checked(small)];
  expect(bigRun.collected).toBe(1);
  expect(smallRun.collected).toBe(0);
  expect(bigRun.findings.length).toBeGreaterThan(0);
  expect(bigRun.findings).toEqual(smallRun.findings);
});

describe("the code cache the build makes (scripts/code-cache.js)", () => {
  const cacheFile = () => path.join(scratch, "dist/cli.js.cache");
  const bundleFile = () => path.join(scratch, "dist/cli.js");
  /** What the command keys a cache on: the bundle's size and modification time in ns, 16 bytes. */
  const keyOf = (file: string) => {
    const stat = fs.statSync(file, { bigint: true });
    const key = Buffer.alloc(16);
    key.writeBigUInt64LE(stat.size, 0);
    key.writeBigInt64LE(stat.mtimeNs, 8);
    return key;
  };
  const message = (nodeFlags: string[] = []) => {
    const run = spawnSync(process.execPath, [...nodeFlags, bin, "check", fixturePlan("blind-asg-launch-configuration"), "--format", "json"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    return (JSON.parse(run.stdout) as { findings: { policy: string; message: string }[] }).findings.find((f) => f.policy === "control-plane-logging")!.message;
  };
  let original: Buffer;
  beforeAll(() => {
    original = fs.readFileSync(bundleFile());
    const made = spawnSync(process.execPath, [path.join(__dirname, "../../scripts/code-cache.js"), scratch], { encoding: "utf8" });
    expect(made.status).toBe(0);
  }, 60_000);
  afterAll(() => fs.writeFileSync(bundleFile(), original));

  test("it begins with the bundle's size and time, and the command gives the same report with it as without it", () => {
    const cache = fs.readFileSync(cacheFile());
    expect(cache.subarray(0, 16).equals(keyOf(bundleFile()))).toBe(true);
    expect(cache.length).toBeGreaterThan(100_000);
    const withCache = message();
    fs.renameSync(cacheFile(), `${cacheFile()}.aside`);
    try {
      expect(message()).toBe(withCache);
    } finally {
      fs.renameSync(`${cacheFile()}.aside`, cacheFile());
    }
    expect(withCache).toMatch(/^control-plane logging lacks /);
  });

  test("a damaged cache, or one cut short, is not an error: the bundle compiles as it runs", () => {
    const cache = fs.readFileSync(cacheFile());
    const expected = message();
    try {
      fs.writeFileSync(cacheFile(), Buffer.concat([cache.subarray(0, 16), Buffer.alloc(cache.length - 16, 0x5a)]));
      expect(message()).toBe(expected);
      fs.writeFileSync(cacheFile(), cache.subarray(0, 20));
      expect(message()).toBe(expected);
      fs.writeFileSync(cacheFile(), cache.subarray(0, 10));
      expect(message()).toBe(expected);
    } finally {
      fs.writeFileSync(cacheFile(), cache);
    }
  });

  // V8 checks a cache against the source's length only: a bundle changed in place, same length, would run the old code.
  // Any write gives the bundle a new time, so the cache no longer matches it.
  test("a bundle changed after the build runs as it now reads: the cache, made for the old one, is left alone", () => {
    const edited = Buffer.from(original.toString("utf8").replace('"control-plane logging lacks {{missing}}"', '"control-plane LOGGING lacks {{missing}}"'), "utf8");
    expect(edited.length).toBe(original.length);
    fs.writeFileSync(bundleFile(), edited);
    try {
      expect(message()).toMatch(/^control-plane LOGGING lacks /);
      // The same cache keyed to the edited bundle is taken by V8 under the command's flags: the old code runs.
      const cache = fs.readFileSync(cacheFile());
      fs.writeFileSync(cacheFile(), Buffer.concat([keyOf(bundleFile()), cache.subarray(16)]));
      expect(message()).toMatch(/^control-plane logging lacks /);
      fs.writeFileSync(cacheFile(), cache);
    } finally {
      fs.writeFileSync(bundleFile(), original);
    }
  });

  // The benchmark counts instructions with --no-concurrent-recompilation (bench/real/run.ts): V8 must still
  // take the build's cache under it, or the count would include compiling the bundle. A flag that changes
  // the code V8 makes (--no-sparkplug) must not take it.
  test("the benchmark's counting flag keeps the cache; a flag that changes the code does not", () => {
    const built = fs.readFileSync(cacheFile());
    const edited = Buffer.from(original.toString("utf8").replace('"control-plane logging lacks {{missing}}"', '"control-plane LOGGING lacks {{missing}}"'), "utf8");
    fs.writeFileSync(bundleFile(), edited);
    try {
      // Keyed to the edited bundle, the cache gives the old code where V8 takes it, the edited code where it does not.
      fs.writeFileSync(cacheFile(), Buffer.concat([keyOf(bundleFile()), built.subarray(16)]));
      expect(message(["--no-concurrent-recompilation"])).toMatch(/^control-plane logging lacks /);
      expect(message(["--no-sparkplug"])).toMatch(/^control-plane LOGGING lacks /);
    } finally {
      fs.writeFileSync(bundleFile(), original);
      fs.writeFileSync(cacheFile(), built);
    }
  });
});

test("TurboFan's prefixes name three functions of the bundle, and no other", () => {
  // V8 matches the filter against every function's name, the dependencies' included.
  const bundle = fs.readFileSync(path.join(scratch, "dist/cli.js"), "utf8");
  const named = (prefix: string) => [...bundle.matchAll(new RegExp(`\\b(?:function\\s+|(?:const|let|var)\\s+)(${prefix}[\\w$]*)`, "g"))].map((m) => m[1]).sort();
  expect(named(COMPILED_PREFIXES.fromPieces)).toEqual(["hotLoadCutBelow", "hotLoadEndOfValue"]);
  expect(named(COMPILED_PREFIXES.fromMergeSize)).toEqual(["hotLoadCutBelow", "hotLoadEndOfValue", "hotMergeUnknown"]);
});

describe("what TurboFan compiles, by the size of the plan (checker/cli/large-plan-v8.ts)", () => {
  type Plan = { resource_changes: { address: string; module_address?: string }[]; configuration: { root_module: unknown } };
  const base = JSON.parse(fs.readFileSync(fixturePlan("heldout-a-child-module-nodegroups"), "utf8")) as Plan;
  const changesText = JSON.stringify(base.resource_changes);
  /**
   * The plan as `module "copy"` with a `for_each` of `count` keys would make it: each copy in a
   * module instance of its own, with a cluster name of its own (node groups join the clusters of
   * their name), and the configuration it comes from, so that every reference resolves.
   */
  const copies = (count: number): Plan => {
    const within = (address: string | undefined, copy: number) => `module.copy["${copy}"]${address ? `.${address}` : ""}`;
    const changes = Array.from({ length: count }, (_, copy) =>
      (JSON.parse(changesText.replaceAll('"payments-prod"', `"payments-prod-${copy}"`)) as Plan["resource_changes"]).map((change) => ({ ...change, address: within(change.address, copy), module_address: within(change.module_address, copy) })),
    ).flat();
    const copyCall = { source: "./copy", for_each_expression: { references: ["var.copies"] }, module: base.configuration.root_module };
    return { ...base, resource_changes: changes, configuration: { ...base.configuration, root_module: { module_calls: { copy: copyCall } } } };
  };
  /** How many copies make a plan of about `bytes`. */
  const copiesFor = (bytes: number) => Math.round(bytes / changesText.length);
  /**
   * The functions V8 marked for TurboFan in one check of `plan` (marked on the main thread, so a
   * compile not finished at exit still counts), and how many findings it had.
   */
  const checked = (name: string, plan: Plan, size: (bytes: number) => void) => {
    const file = path.join(scratch, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify(plan));
    size(fs.statSync(file).size);
    const report = `${file}.report.json`;
    // --trace-opt writes to standard output; the report goes to a file.
    const run = spawnSync(process.execPath, ["--trace-opt", bin, "check", file, "--format", `json=${report}`, "--fail-on", "never"], { encoding: "utf8", maxBuffer: 2 ** 26 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    fs.rmSync(file);
    const findings = (JSON.parse(fs.readFileSync(report, "utf8")) as { findings: { policy: string }[] }).findings;
    return {
      marked: [...new Set([...run.stdout.matchAll(/^\[marking .*?<JSFunction (\S+).* to TURBOFAN/gm)].map((m) => m[1]))].sort(),
      findings: findings.length,
    };
  };
  // The single plan has 7 findings (one of them private-endpoint-dns: its VPC leaves DNS hostnames off);
  // each copy must have them all, or the copies are not what a user's for_each makes.
  const FINDINGS_PER_COPY = 7;

  test("none under 2 MB, where a plan is parsed whole (the walks there compiled with TurboFan always on)", () => {
    const count = copiesFor(0.9 * MIN_PLAN_BYTES);
    const run = checked("under-2-mb", copies(count), (bytes) => expect(bytes).toBeLessThan(MIN_PLAN_BYTES));
    expect(run.findings).toBe(FINDINGS_PER_COPY * count);
    expect(run.marked).toEqual([]);
  });

  test("the load stage's two loops from 2 MB, when a plan is read in pieces, and not the merge walk", () => {
    const count = copiesFor(1.4 * MIN_PLAN_BYTES);
    const run = checked("over-2-mb", copies(count), (bytes) => expect(bytes).toBeGreaterThanOrEqual(MIN_PLAN_BYTES));
    expect(run.findings).toBe(FINDINGS_PER_COPY * count);
    expect(run.marked).toEqual(["hotLoadCutBelow", "hotLoadEndOfValue"]);
  });

  test("the merge walk too from 16 MB", () => {
    const count = copiesFor(1.05 * MERGE_COMPILED_BYTES);
    const run = checked("over-16-mb", copies(count), (bytes) => expect(bytes).toBeGreaterThanOrEqual(MERGE_COMPILED_BYTES));
    expect(run.findings).toBe(FINDINGS_PER_COPY * count);
    expect(run.marked).toEqual(["hotLoadCutBelow", "hotLoadEndOfValue", "hotMergeUnknown"]);
  }, 60_000);
});

test("--debug traces name the TypeScript sources, not lines of the bundle", () => {
  const run = spawnSync(process.execPath, [bin, "check", path.join(scratch, "nothere.json"), "--debug"], { encoding: "utf8" });
  expect(run.status).toBe(2);
  const at = run.stderr.split("\n").filter((line) => line.trimStart().startsWith("at "));
  expect(at[0]).toMatch(/checker\/errors\.ts:\d+:\d+\)$/);
  expect(run.stderr).toMatch(/checker\/load\/load-inputs\.ts:\d+:\d+\)/);
  expect(run.stderr).not.toContain("cli.js");
});

test("a plugin's isUnknown, isObject and instanceof Unknown recognise the bundle's values", () => {
  const plugin = path.join(scratch, "copy-plugin.js");
  fs.writeFileSync(
    plugin,
    `const { definePolicy, isUnknown, isObject, Unknown } = require(${JSON.stringify(path.join(scratch, "dist/checker/index.js"))});
module.exports = { policies: [definePolicy({
  meta: { id: "copy-check", severity: "info", title: "t", rationale: "r", messages: { seen: "{{sg}} id: isUnknown {{unknown}}, instanceof {{instance}}, isObject {{object}}; tags: isObject {{tags}}" } },
  check({ world }) {
    return world.ofType("aws_security_group").map((sg) => {
      const id = world.read(sg, ["id"]);
      const tags = world.read(sg, ["tags_all"]);
      return { address: sg.address, status: "fail", messageId: "seen", data: { sg: sg.address, unknown: String(isUnknown(id)), instance: String(id instanceof Unknown), object: String(isObject(id)), tags: String(isObject(tags)) } };
    });
  },
})] };
`,
  );
  const run = spawnSync(process.execPath, [bin, "check", fixturePlan("heldout-a-child-module-nodegroups"), "--plugin", plugin, "--format", "json", "--fail-on", "never"], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  const messages = (JSON.parse(run.stdout) as { findings: { policy: string; message: string }[] }).findings.filter((f) => f.policy === "copy-check").map((f) => f.message);
  expect(messages).toEqual([
    "aws_security_group.alb id: isUnknown true, instanceof true, isObject false; tags: isObject false",
    "aws_security_group.apps id: isUnknown true, instanceof true, isObject false; tags: isObject true",
  ]);
});
