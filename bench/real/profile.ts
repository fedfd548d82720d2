/**
 * Profiles the checker once with `node --cpu-prof` and prints the functions with the most self time.
 *
 *   bash bench/real/run.sh --profile [plan.json] [--top 15]
 *   node bench/real/.build/profile.js [plan.json] [--top 15]
 *   node bench/real/.build/profile.js --summarise existing.cpuprofile [--top 15]
 *
 * Without a plan it takes the largest bench/real/.plans/plan-<n>.json. The profile is written to
 * bench/real/.plans/checker-<plan name>.cpuprofile (open it in Chrome DevTools or speedscope).
 * Self time of a function = its samples × the mean sampling interval ((endTime - startTime) /
 * samples), aggregated over every profile node with the same function name and script URL.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const HERE = path.resolve(__dirname, "..");
const ROOT = path.resolve(HERE, "..", "..");
const PLANS = path.join(HERE, ".plans");

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

function largestPlan(): string {
  const files = fs.existsSync(PLANS) ? fs.readdirSync(PLANS).filter((f) => /^plan-\d+\.json$/.test(f)) : [];
  if (files.length === 0) throw new Error("no bench/real/.plans/plan-<n>.json: run bash bench/real/generate.sh first");
  files.sort((a, b) => Number(/\d+/.exec(b)?.[0]) - Number(/\d+/.exec(a)?.[0]));
  return path.join(PLANS, files[0]);
}

function shortUrl(url: string): string {
  if (!url) return "";
  const file = url.replace(/^file:\/\//, "");
  return file.startsWith(ROOT + "/") ? path.relative(ROOT, file) : file;
}

export function summarise(profileFile: string, top: number): string[] {
  const p = JSON.parse(fs.readFileSync(profileFile, "utf8")) as CpuProfile;
  const intervalUs = (p.endTime - p.startTime) / p.samples.length;
  const count = new Map<number, number>();
  for (const id of p.samples) count.set(id, (count.get(id) ?? 0) + 1);
  const byFunction = new Map<string, { name: string; url: string; line: number; samples: number }>();
  const byFile = new Map<string, number>();
  for (const n of p.nodes) {
    const samples = count.get(n.id) ?? 0;
    if (samples === 0) continue;
    const name = n.callFrame.functionName || "(anonymous)";
    const url = shortUrl(n.callFrame.url);
    const key = `${name}\u0000${url}`;
    const e = byFunction.get(key) ?? { name, url, line: n.callFrame.lineNumber + 1, samples: 0 };
    e.samples += samples;
    byFunction.set(key, e);
    const fileKey = url || name;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + samples);
  }
  const total = p.samples.length;
  const ms = (samples: number): string => ((samples * intervalUs) / 1000).toFixed(0);
  const pct = (samples: number): string => ((100 * samples) / total).toFixed(1);
  const lines = [
    `${profileFile}: ${total} samples, mean interval ${intervalUs.toFixed(0)} µs, ${((p.endTime - p.startTime) / 1e6).toFixed(2)} s profiled`,
    `Top ${top} functions by self time (name — script:line of the first node seen):`,
    `   self ms      %  function`,
  ];
  [...byFunction.values()].sort((a, b) => b.samples - a.samples).slice(0, top).forEach((e) => {
    lines.push(`${ms(e.samples).padStart(7)} ${pct(e.samples).padStart(6)}  ${e.name}${e.url ? `  ${e.url}:${e.line}` : ""}`);
  });
  lines.push("Self time by script:");
  [...byFile.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).forEach(([file, samples]) => {
    lines.push(`${ms(samples).padStart(7)} ${pct(samples).padStart(6)}  ${file}`);
  });
  return lines;
}

function main(): void {
  const args = process.argv.slice(2);
  let top = 15;
  let existing: string | undefined;
  let plan: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--top") top = Number(args[++i]);
    else if (args[i] === "--summarise") existing = args[++i];
    else plan = path.resolve(args[i]);
  }
  if (existing) {
    summarise(existing, top).forEach((l) => console.log(l));
    return;
  }
  plan ??= largestPlan();
  const name = `checker-${path.basename(plan, ".json")}.cpuprofile`;
  fs.mkdirSync(PLANS, { recursive: true });
  fs.rmSync(path.join(PLANS, name), { force: true });
  const r = spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${PLANS}`, `--cpu-prof-name=${name}`, path.join(ROOT, "bin", "eks-sg-policy.js"), "check", "--format", "json", plan], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`checker exited ${r.status ?? r.signal} on ${plan}`);
  console.log(`checker exit ${r.status} on ${path.relative(ROOT, plan)}`);
  summarise(path.join(PLANS, name), top).forEach((l) => console.log(l));
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`bench/real/profile: ${(error as Error).message}`);
    process.exit(2);
  }
}
