/**
 * The checker on REAL terraform plans: whole-process CPU (user+sys) and peak RSS of
 *   (a) checker  `node bin/eks-sg-policy.js check --format json <plan>`
 *   (b) floor    `node -e` that reads the file and JSON.parse's it (what any Node tool pays)
 *   (c) jq       `jq '[.resource_changes[] | select(.type=="aws_security_group")] | length'` (if on PATH)
 * for the plans bench/real/generate.sh makes (N copies of bench/real/module, planned offline) and for
 * the largest plan in /work/shared/plans. The three commands run interleaved (order rotated every
 * repetition), after one warm-up each; medians are reported.
 *
 * How a child is measured: GNU time (`/usr/bin/time -f '%e %U %S %M %R' -o <file>`) runs the
 * command and writes the rusage that wait4() returns for it: user and system CPU, the peak resident
 * set (ru_maxrss, KiB) and the minor page faults of that process — no sampling, nothing of this Node
 * process is counted. GNU time prints CPU with 10 ms resolution; `--timer python` uses a 10-line
 * python3 wrapper around os.wait4() instead (microsecond resolution, same kernel numbers); it is
 * also the fallback when /usr/bin/time is missing.
 *
 * The checker's stdout goes to a regular file (not /dev/null) so that every repetition's output can
 * be hashed and compared; writing it costs the child a few ms of system time at most (the output
 * size is printed). Its exit code must be 0 or 1 (findings), never 2.
 *
 *   bash bench/real/run.sh [--reps 5] [--sizes 200,1000] [--timer gnu|python]
 *                          [--no-shared] [--plan extra.json]... [--clean-node-env]
 *   bash bench/real/run.sh --instructions [--as-shipped] [--reps 3] [--sizes 200,1000] [--no-shared] [--plan extra.json]... [--clean-node-env]
 *
 * Every run also measures Node's own start, `node -e 0`, beside each plan (interleaved with its
 * other commands), because it is a fixed share of both Node commands that jq does not pay and
 * that the environment can change: with NODE_EXTRA_CA_CERTS set, Node reads and decodes that file at
 * every start, before any script runs. `--clean-node-env` runs every Node child without
 * NODE_EXTRA_CA_CERTS and NODE_OPTIONS, as on a default install or a CI runner that sets neither.
 *
 * `--instructions` counts the instructions each process runs in user space (valgrind's cachegrind,
 * `I refs`, all threads), `--reps` times per tool and plan, and reports medians: they move far less
 * than CPU time with the machine's load, and a page fault, which the kernel serves, costs none. The
 * ratios then compare the work the programs do, apart from what a machine charges for fresh memory
 * (see the README). A run takes about 50 times as long as the program alone. The Node children run
 * with `--no-concurrent-recompilation`, so that the checker's count does not depend on when
 * TurboFan's background compile lands (README.md); `--as-shipped` counts the commands as they are.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const HERE = path.resolve(__dirname, "..");                 // bench/real (this file runs from bench/real/.build)
const ROOT = path.resolve(HERE, "..", "..");                 // the project
const PLANS = path.join(HERE, ".plans");
const SHARED_PLANS = "/work/shared/plans";
const CLI = path.join(ROOT, "bin", "eks-sg-policy.js");
const JQ_FILTER = '[.resource_changes[] | select(.type=="aws_security_group")] | length';
const FLOOR_JS = "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))";
const TARGETS = { cpuVsFloor: 3.0, cpuVsJq: 1.0, memVsFloor: 2.0 };
/** The issue holds the real 756 KB plan of /work/shared/plans to a tighter CPU bound (start-up dominates there). */
const SHARED_CPU_VS_FLOOR = 2.0;

interface Options { reps: number; sizes: number[]; timer: "gnu" | "python"; shared: boolean; extra: string[]; instructions: boolean; asShipped: boolean; cleanNodeEnv: boolean }
interface Plan { label: string; file: string; resources: number; bytes: number; copies?: number; cpuVsFloor?: number }
interface Sample { wall: number; cpu: number; user: number; sys: number; rssKb: number; minorFaults: number; exit: number; othersBusy: number }
type Tool = "checker" | "floor" | "jq" | "start";
interface Result { plan: Plan; samples: Record<Tool, Sample[]>; outputBytes: number; outputHash: string; exits: number[]; jqOut?: string }

const PY_TIMER = [
  "import os, sys, time",
  "out, cmd = sys.argv[1], sys.argv[2:]",
  "t = time.monotonic(); pid = os.fork()",
  "if pid == 0:",
  "    os.execvp(cmd[0], cmd)",
  "_, status, ru = os.wait4(pid, 0); wall = time.monotonic() - t",
  "open(out, 'w').write('%.4f %.4f %.4f %d %d\\n' % (wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss, ru.ru_minflt))",
  "sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))",
].join("\n");

function parseArgs(argv: string[]): Options {
  const o: Options = { reps: 5, sizes: [200, 1000], timer: fs.existsSync("/usr/bin/time") ? "gnu" : "python", shared: true, extra: [], instructions: false, asShipped: false, cleanNodeEnv: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--reps") o.reps = Math.max(1, Number(value()));
    else if (a === "--sizes") o.sizes = value().split(",").filter(Boolean).map(Number);
    else if (a === "--timer") o.timer = value() === "python" ? "python" : "gnu";
    else if (a === "--no-shared") o.shared = false;
    else if (a === "--plan") o.extra.push(path.resolve(value()));
    else if (a === "--instructions") o.instructions = true;
    else if (a === "--as-shipped") o.asShipped = true;
    else if (a === "--clean-node-env") o.cleanNodeEnv = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (o.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error("--sizes takes positive integers, e.g. 200,1000");
  if (o.asShipped && !o.instructions) throw new Error("--as-shipped goes with --instructions");
  return o;
}

function onPath(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  return r.status === 0 ? (r.stdout.split("\n")[0] ?? "").trim() : "n/a";
}

/** Variables that change what Node does before any script runs (the checker and the floor alike). */
const NODE_START_VARIABLES = ["NODE_EXTRA_CA_CERTS", "NODE_OPTIONS"];

/** The environment of the Node children: this one's, or without NODE_START_VARIABLES. */
function nodeEnv(o: Options): NodeJS.ProcessEnv {
  if (!o.cleanNodeEnv) return process.env;
  const env = { ...process.env };
  for (const name of NODE_START_VARIABLES) delete env[name];
  return env;
}

function nodeEnvLine(o: Options): string {
  const set = NODE_START_VARIABLES.filter((name) => process.env[name] !== undefined);
  const what = set.length === 0 ? "neither is set" : `${set.map((name) => `${name}=${process.env[name]}`).join(", ")} set here`;
  return `node env   ${NODE_START_VARIABLES.join(", ")}: ${what}; ${o.cleanNodeEnv ? "removed for every Node child (--clean-node-env)" : "the Node children inherit this environment"}`;
}

function machine(): string[] {
  const cpuinfo = fs.existsSync("/proc/cpuinfo") ? fs.readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const mhz = /^cpu MHz\s*:\s*(.*)$/m.exec(cpuinfo)?.[1];
  const nproc = firstLine("nproc", []);
  return [
    `cpu        ${model}${mhz ? ` (${Math.round(Number(mhz))} MHz)` : ""}, ${os.cpus().length} logical cores online to Node, nproc ${nproc}`,
    `memory     ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, kernel ${os.release()}`,
    `node       ${process.version}`,
    `terraform  ${firstLine("terraform", ["version"]).replace(/^Terraform /, "")}`,
    `jq         ${onPath("jq") ? firstLine("jq", ["--version"]) : "not on PATH"}`,
  ];
}

/** Runs generate.sh (which reuses cached plans) and returns its plans. */
function generatedPlans(sizes: number[]): Plan[] {
  const r = spawnSync("bash", [path.join(HERE, "generate.sh"), ...sizes.map(String)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 24 });
  const plans: Plan[] = [];
  for (const line of r.stdout.split("\n")) {
    const m = /^PLAN (\d+) (\S+) (\S+) (\d+) (\d+)$/.exec(line);
    if (m) plans.push({ label: `${m[1]} copies`, copies: Number(m[1]), file: m[3], resources: Number(m[4]), bytes: Number(m[5]) });
    else if (line.trim()) console.log(line);
  }
  if (r.status !== 0) throw new Error(`generate.sh failed (exit ${r.status})`);
  return plans;
}

function planInfo(file: string, label: string): Plan {
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as { resource_changes?: unknown[] };
  return { label, file, resources: (json.resource_changes ?? []).length, bytes: fs.statSync(file).size };
}

function largestShared(): Plan | string {
  if (!fs.existsSync(SHARED_PLANS)) return `skipped: ${SHARED_PLANS} does not exist`;
  const files = fs.readdirSync(SHARED_PLANS).filter((f) => f.endsWith(".json")).map((f) => path.join(SHARED_PLANS, f));
  if (files.length === 0) return `skipped: no .json file in ${SHARED_PLANS}`;
  files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  return { ...planInfo(files[0], `shared largest (${path.basename(files[0]).slice(0, 24)}…)`), cpuVsFloor: SHARED_CPU_VS_FLOOR };
}

// One folder per run: two runs at once (a count beside a timing) would write over each other's
// outputs and valgrind logs. Removed when the run succeeds; kept, for its stderr.txt, when it fails.
const scratch = path.join(PLANS, `run-tmp-${process.pid}`);
const timeFile = path.join(scratch, "rusage.txt");
const stderrFile = path.join(scratch, "stderr.txt");

/** Busy (non-idle, non-iowait) CPU seconds of the whole machine so far, from /proc/stat (USER_HZ = 100). */
function machineBusySeconds(): number {
  if (!fs.existsSync("/proc/stat")) return NaN;
  const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - f[3] - f[4]) / 100;
}

/**
 * What this machine charges for a page of memory touched for the first time: a Node child that
 * fills 128 MiB against `node -e 0`, interleaved, 5 times each. It differs sevenfold between VMs of
 * one kind (docs/performance.md), and jq touches about twice the pages the checker does, so it
 * moves the ratio to jq from machine to machine while the work of both stays the same.
 */
function freshPageLine(o: Options): string {
  const fill: Sample[] = [], empty: Sample[] = [];
  const node = [process.execPath, "-e"];
  for (let i = 0; i < 5; i++) {
    fill.push(measure(o.timer, [...node, "Buffer.alloc(128 * 2 ** 20, 1)"], null, nodeEnv(o)));
    empty.push(measure(o.timer, [...node, "0"], null, nodeEnv(o)));
  }
  const med = (xs: Sample[], k: keyof Sample): number => median(xs.map((x) => x[k]));
  const faults = med(fill, "minorFaults") - med(empty, "minorFaults");
  const micros = ((med(fill, "cpu") - med(empty, "cpu")) / faults) * 1e6;
  return `fresh page ${micros.toFixed(1)} µs CPU per page fault (Node filling 128 MiB: ${faults.toFixed(0)} faults more than node -e 0; medians of 5)`;
}

/** Runs argv once under the timer; stdout to `stdoutFile` (or /dev/null). */
function measure(timer: Options["timer"], argv: string[], stdoutFile: string | null, env: NodeJS.ProcessEnv): Sample {
  const wrapped = timer === "gnu"
    ? ["/usr/bin/time", "-f", "%e %U %S %M %R", "-o", timeFile, ...argv]
    : ["python3", "-c", PY_TIMER, timeFile, ...argv];
  return withOutputFiles(stdoutFile, (stdio) => {
    fs.rmSync(timeFile, { force: true });
    const busy0 = machineBusySeconds();
    const r = spawnSync(wrapped[0], wrapped.slice(1), { cwd: ROOT, env, stdio });
    const busy = machineBusySeconds() - busy0;
    const lines = fs.existsSync(timeFile) ? fs.readFileSync(timeFile, "utf8").trim().split("\n") : [];
    // GNU time writes "Command exited with non-zero status N" before the format line.
    const m = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+) (\d+)$/.exec(lines[lines.length - 1] ?? "");
    if (r.error || !m) throw new Error(`could not measure ${argv.join(" ")}: ${r.error?.message ?? lines.join(" / ")}\n${fs.readFileSync(stderrFile, "utf8").slice(0, 2000)}`);
    const [wall, user, sys, rss, minorFaults] = m.slice(1).map(Number);
    // What the rest of the machine (other processes, this one, the timer) kept busy while the child ran,
    // as a share of all cores: high values mean the figures were taken on a loaded machine.
    // /proc/stat counts in 10 ms ticks, so runs shorter than half a second give no usable figure (NaN).
    const othersBusy = wall < 0.5 ? NaN : Math.min(1, Math.max(0, busy - (user + sys)) / (wall * os.cpus().length));
    return { wall, user, sys, cpu: user + sys, rssKb: rss, minorFaults, exit: r.status ?? -1, othersBusy };
  });
}

/**
 * Runs `run` with a child's stdio: stdout to `stdoutFile` (or /dev/null), stderr to the scratch
 * folder's stderr.txt. Files, as a user's `> report.json` is: the checker writes to a file
 * differently than to a pipe.
 */
function withOutputFiles<T>(stdoutFile: string | null, run: (stdio: ["ignore", number, number]) => T): T {
  const out = fs.openSync(stdoutFile ?? "/dev/null", "w");
  const err = fs.openSync(stderrFile, "w");
  try {
    return run(["ignore", out, err]);
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
  }
}

// A fingerprint of the compiled checker (every .js under dist/), to notice a rebuild during the run.
function distFingerprint(): string {
  const h = createHash("sha256");
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) h.update(p).update(fs.readFileSync(p));
    }
  };
  walk(path.join(ROOT, "dist"));
  return h.digest("hex").slice(0, 16);
}

const loadavg = (): string => os.loadavg().map((x) => x.toFixed(2)).join(" ");

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The commands measured on `plan`, `node` with `flags`. */
function commandsFor(plan: Plan, flags: readonly string[] = []): Record<Tool, string[]> {
  const node = [process.execPath, ...flags];
  return {
    checker: [...node, CLI, "check", "--format", "json", plan.file],
    floor: [...node, "-e", FLOOR_JS, plan.file],
    jq: ["jq", JQ_FILTER, plan.file],
    start: [...node, "-e", "0"],
  };
}

/** The commands measured for every plan; `start` (Node alone) shows the fixed share of the two Node ones. */
function toolsOf(jq: boolean): Tool[] {
  return jq ? ["checker", "floor", "jq", "start"] : ["checker", "floor", "start"];
}

function bench(plan: Plan, o: Options, jq: boolean): Result {
  const out = path.join(scratch, "checker-stdout.json");
  const commands = commandsFor(plan);
  const tools = toolsOf(jq);
  const samples: Record<Tool, Sample[]> = { checker: [], floor: [], jq: [], start: [] };
  const hashes: string[] = [];
  const exits: number[] = [];
  let outputBytes = 0;
  let jqOut: string | undefined;

  const run = (tool: Tool, record: boolean): void => {
    const stdoutFile = tool === "floor" || tool === "start" ? null : out;
    const s = measure(o.timer, commands[tool], stdoutFile, nodeEnv(o));
    if (tool === "checker") {
      if (s.exit !== 0 && s.exit !== 1) throw new Error(`checker exited ${s.exit} on ${plan.file} (expected 0 or 1); stderr in ${stderrFile}`);
      hashes.push(sha256(out));
      exits.push(s.exit);
      outputBytes = fs.statSync(out).size;
    } else if (s.exit !== 0) {
      throw new Error(`${tool} exited ${s.exit} on ${plan.file}`);
    } else if (tool === "jq") {
      jqOut = fs.readFileSync(out, "utf8").trim();
    }
    if (record) samples[tool].push(s);
  };

  process.stderr.write(`  ${plan.label}: warm-up`);
  for (const t of tools) run(t, false);
  for (let r = 0; r < o.reps; r++) {
    process.stderr.write(` ${r + 1}`);
    const order = tools.map((_, i) => tools[(i + r) % tools.length]);
    for (const t of order) run(t, true);
  }
  process.stderr.write("\n");
  if (new Set(hashes).size !== 1) throw new Error(`checker output differs between repetitions on ${plan.file}: ${[...new Set(hashes)].map((h) => h.slice(0, 12)).join(", ")}`);
  if (new Set(exits).size !== 1) throw new Error(`checker exit code differs between repetitions on ${plan.file}: ${exits.join(",")}`);
  return { plan, samples, outputBytes, outputHash: hashes[0], exits, jqOut };
}

// ------------------------------------------------------------------------------------------ report

const pad = (s: string, n: number): string => (s.length >= n ? s : s + " ".repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : " ".repeat(n - s.length) + s);
const sec = (x: number): string => x.toFixed(x < 10 ? 2 : 1);
const mib = (kb: number): string => (kb / 1024).toFixed(0);
const ratio = (x: number): string => `${x.toFixed(2)}×`;
const verdict = (x: number, max: number): string => `${ratio(x)} ${x <= max ? "ok " : "OVER"}`;

function table(rows: string[][], right: boolean[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r, i) => r.map((cell, c) => (right[c] && i > 0 ? lpad(cell, widths[c]) : pad(cell, widths[c]))).join("  ").trimEnd());
}

function report(results: Result[], o: Options, jq: boolean): void {
  const med = (r: Result, t: Tool, k: keyof Sample): number => median(r.samples[t].map((s) => s[k]));
  console.log(`\nMedians of ${o.reps} interleaved repetitions (after 1 warm-up each); timer: ${o.timer === "gnu" ? "GNU time (wait4 rusage, 10 ms CPU resolution)" : "python os.wait4 (µs resolution)"}.`);
  console.log("cpu = user+sys seconds of the whole process; rss = peak resident set (MiB).\n");

  const head = ["plan", "resources", "MB", "checker cpu", "rss", "floor cpu", "rss", "jq cpu", "rss", "node -e 0", "chk/floor cpu", "chk/floor mem", "chk/jq cpu"];
  const rows = [head];
  for (const r of results) {
    const c = med(r, "checker", "cpu"), f = med(r, "floor", "cpu"), cm = med(r, "checker", "rssKb"), fm = med(r, "floor", "rssKb");
    const j = jq ? med(r, "jq", "cpu") : NaN;
    rows.push([
      r.plan.label, String(r.plan.resources), (r.plan.bytes / 1e6).toFixed(1),
      sec(c), mib(cm), sec(f), mib(fm), jq ? sec(j) : "n/a", jq ? mib(med(r, "jq", "rssKb")) : "n/a", sec(med(r, "start", "cpu")),
      verdict(c / f, r.plan.cpuVsFloor ?? TARGETS.cpuVsFloor), verdict(cm / fm, TARGETS.memVsFloor), jq ? verdict(c / j, TARGETS.cpuVsJq) : "n/a",
    ]);
  }
  table(rows, head.map((_, i) => i > 0)).forEach((l) => console.log(l));
  console.log("node -e 0 = Node's own start (cpu), part of both the checker's and the floor's figures; jq has no such share.");
  console.log("page faults (details) each cost about what \"fresh page\" above says: where they are dear, jq, which touches more pages, loses most.");
  console.log(`targets: checker cpu ≤ ${TARGETS.cpuVsFloor}× floor (the shared plan: ≤ ${SHARED_CPU_VS_FLOOR}×) and ≤ ${TARGETS.cpuVsJq}× jq; checker memory ≤ ${TARGETS.memVsFloor}× floor ("OVER" = misses it)`);

  console.log("\nDetails (median [min–max]; wall = elapsed seconds; others busy = share of all cores that other processes (incl. this runner) kept busy during the run; n/a under 0.5 s):");
  for (const r of results) {
    console.log(`  ${r.plan.label} — ${r.plan.file}`);
    for (const t of toolsOf(jq)) {
      const xs = r.samples[t];
      const span = (k: keyof Sample, f: (x: number) => string): string => {
        const v = xs.map((s) => s[k]).filter((x) => !Number.isNaN(x));
        return v.length ? `${f(median(v))} [${f(Math.min(...v))}–${f(Math.max(...v))}]` : "n/a";
      };
      const others = (x: number): string => (Number.isNaN(x) ? "n/a" : `${(100 * x).toFixed(0)}%`);
      console.log(`    ${pad(t, 8)} cpu ${span("cpu", sec)} (user ${sec(median(xs.map((s) => s.user)))}, sys ${sec(median(xs.map((s) => s.sys)))})  wall ${span("wall", sec)}  rss MiB ${span("rssKb", mib)}  page faults ${median(xs.map((s) => s.minorFaults)).toFixed(0)}  others busy ${span("othersBusy", others)}`);
    }
    console.log(`    checker: exit ${r.exits[0]} in all ${r.exits.length} runs, stdout ${r.outputBytes} bytes, sha256 ${r.outputHash.slice(0, 16)}… identical in every run` + (r.jqOut !== undefined ? `; jq says ${r.jqOut} aws_security_group` : ""));
  }

  const series = results.filter((r) => r.plan.copies !== undefined).sort((a, b) => a.plan.resources - b.plan.resources);
  if (series.length > 1) {
    console.log("\nGrowth between generated sizes (exponent = log(cpu ratio) / log(resource ratio); 1.0 = linear;");
    console.log("checker−floor = the checker's CPU beyond reading + JSON.parse, which removes Node's start-up from both):");
    const gHead = ["from → to", "resources ×", "checker cpu ×", "exponent", "(checker−floor) cpu ×", "exponent", "checker rss ×", "floor cpu ×", "floor rss ×"];
    const gRows = [gHead];
    for (let i = 1; i < series.length; i++) {
      const a = series[i - 1], b = series[i];
      const res = b.plan.resources / a.plan.resources;
      const cc = med(b, "checker", "cpu") / med(a, "checker", "cpu");
      const own = (med(b, "checker", "cpu") - med(b, "floor", "cpu")) / (med(a, "checker", "cpu") - med(a, "floor", "cpu"));
      gRows.push([
        `${a.plan.resources} → ${b.plan.resources}`, res.toFixed(2), cc.toFixed(2), (Math.log(cc) / Math.log(res)).toFixed(2),
        own.toFixed(2), (Math.log(own) / Math.log(res)).toFixed(2),
        (med(b, "checker", "rssKb") / med(a, "checker", "rssKb")).toFixed(2),
        (med(b, "floor", "cpu") / med(a, "floor", "cpu")).toFixed(2),
        (med(b, "floor", "rssKb") / med(a, "floor", "rssKb")).toFixed(2),
      ]);
    }
    table(gRows, gHead.map((_, i) => i > 0)).forEach((l) => console.log(`  ${l}`));
  }
}

/**
 * The instructions `argv` runs in user space, all its threads, as cachegrind counts them. The
 * child's stdout and stderr go to files, as in the CPU runs (valgrind reports to a file of its own).
 */
function instructionsOf(argv: string[], env: NodeJS.ProcessEnv, stdoutFile: string): number {
  const log = path.join(scratch, "valgrind.txt");
  return withOutputFiles(stdoutFile, (stdio) => {
    fs.rmSync(log, { force: true });
    const r = spawnSync("valgrind", ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", "--smc-check=all-non-file", `--log-file=${log}`, ...argv], { cwd: ROOT, env, stdio });
    const report = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    const refs = /I\s+refs:\s+([\d,]+)/.exec(report)?.[1];
    if (r.error || refs === undefined || (r.status !== 0 && r.status !== 1)) throw new Error(`could not count the instructions of ${argv.join(" ")}: ${r.error?.message ?? report.slice(-2000)}`);
    return Number(refs.replace(/,/g, ""));
  });
}

/** See the header; V8 still takes the build's code cache under it (__tests__/cli/bundled-cli.test.ts). */
const COUNTING_FLAGS = ["--no-concurrent-recompilation"];

function countInstructions(plans: Plan[], jq: boolean, o: Options): void {
  const reps = o.reps;
  if (!onPath("valgrind")) throw new Error("valgrind is not on PATH (needed by --instructions)");
  const tools = toolsOf(jq);
  const flags = o.asShipped ? [] : COUNTING_FLAGS;
  const out = path.join(scratch, "stdout.txt");
  const giga = (n: number): string => (n / 1e9).toFixed(3);
  const rows = [["plan", "resources", "MB", ...tools.map((t) => `${t} G instr [range]`), "chk/floor", ...(jq ? ["chk/jq"] : [])]];
  for (const plan of plans) {
    process.stderr.write(`  ${plan.label}:`);
    const counts: Record<Tool, number[]> = { checker: [], floor: [], jq: [], start: [] };
    // Counted, the checker must print what the command prints run as shipped, without valgrind.
    const alone = measure(o.timer, commandsFor(plan).checker, out, nodeEnv(o));
    if (alone.exit !== 0 && alone.exit !== 1) throw new Error(`checker exited ${alone.exit} on ${plan.file} (expected 0 or 1); stderr in ${stderrFile}`);
    const expected = sha256(out);
    for (let r = 0; r < reps; r++) {
      for (const t of tools) {
        process.stderr.write(` ${t}`);
        counts[t].push(instructionsOf(commandsFor(plan, flags)[t], nodeEnv(o), out));
        if (t === "checker" && sha256(out) !== expected) throw new Error(`counted, the checker printed other bytes than run as shipped on ${plan.file}`);
      }
    }
    process.stderr.write("\n");
    const mid = (t: Tool): number => median(counts[t]);
    const cell = (t: Tool): string => `${giga(mid(t))} [${giga(Math.min(...counts[t]))}–${giga(Math.max(...counts[t]))}]`;
    rows.push([plan.label, String(plan.resources), (plan.bytes / 1e6).toFixed(1), ...tools.map(cell), ratio(mid("checker") / mid("floor")), ...(jq ? [ratio(mid("checker") / mid("jq"))] : [])]);
  }
  table(rows, rows[0].map((_, i) => i > 0)).forEach((l) => console.log(l));
  console.log(`G instr = instructions run in user space (valgrind cachegrind, I refs), median of ${reps} run(s) each, ratios of the medians; start = node -e 0`);
  console.log(o.asShipped
    ? "counted as shipped (--as-shipped): the checker's count moves with when TurboFan's background compile lands"
    : `Node children counted with ${COUNTING_FLAGS.join(" ")}; the checker printed the same bytes as run as shipped`);
}

function main(): void {
  const o = parseArgs(process.argv.slice(2));
  if (o.timer === "gnu" && !fs.existsSync("/usr/bin/time")) throw new Error("/usr/bin/time is missing; use --timer python");
  if (o.timer === "python" && !onPath("python3")) throw new Error("python3 is not on PATH (needed by --timer python)");
  if (!fs.existsSync(path.join(ROOT, "dist", "checker", "cli", "main.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  fs.mkdirSync(scratch, { recursive: true });
  const jq = onPath("jq");

  const dist = distFingerprint();
  const distTime = fs.statSync(path.join(ROOT, "dist", "checker", "cli", "main.js")).mtime.toISOString();
  console.log("Machine:");
  machine().forEach((l) => console.log(`  ${l}`));
  console.log(nodeEnvLine(o));
  console.log(`checker    dist/ built ${distTime}, fingerprint ${dist} (sha256 of every .js under dist/)`);
  console.log("");

  const plans = o.sizes.length ? generatedPlans(o.sizes) : [];
  if (o.shared) {
    const shared = largestShared();
    if (typeof shared === "string") console.log(`shared plan ${shared}`);
    else plans.push(shared);
  }
  for (const file of o.extra) plans.push(planInfo(file, path.basename(file)));
  if (!jq) console.log("jq is not on PATH: the jq column is skipped");

  if (o.instructions) {
    console.error(`\nCounting instructions on ${plans.length} plan(s), ${o.reps} run(s) each:`);
    countInstructions(plans, jq, o);
    return;
  }
  console.log(freshPageLine(o));
  console.error(`\nMeasuring ${plans.length} plan(s), ${o.reps} repetitions:`);
  const loadBefore = loadavg();
  const results = plans.map((p) => bench(p, o, jq));
  report(results, o, jq);
  console.log(`\nload average before ${loadBefore}, after ${loadavg()} (1/5/15 min; other work on the machine inflates wall time more than CPU time)`);
  const distAfter = distFingerprint();
  if (distAfter !== dist) console.log(`WARNING: dist/ changed during the run (${dist} → ${distAfter}): the figures mix two builds`);

  const record = path.join(PLANS, `results-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(record, JSON.stringify({ machine: machine(), nodeEnv: nodeEnvLine(o), dist, options: o, results }, null, 2));
  console.log(`\nRaw samples: ${path.relative(ROOT, record)}`);
}

try {
  main();
  fs.rmSync(scratch, { recursive: true, force: true });
} catch (error) {
  console.error(`bench/real: ${(error as Error).message}`);
  process.exit(2);
}
