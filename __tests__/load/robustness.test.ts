/**
 * Plans in the wild are hand-edited, truncated by tools, or made by versions we have not seen.
 * Mutations of real plans — keys dropped, values nulled or retyped — must end in a report or a
 * one-line input error, never in an internal error.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cli, corpusPlans, fixturePlan } from "../helpers/fixtures";

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const REPLACEMENTS: Json[] = [null, true, 0, -1, "", "x", [], {}, [null], { "": null }];

function mutate(value: Json, rand: () => number, rate: number): Json {
  if (Array.isArray(value)) return value.filter(() => rand() > rate / 2).map((v) => mutate(v, rand, rate));
  if (value && typeof value === "object") {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) {
      const r = rand();
      if (r < rate / 2) continue;
      out[k] = r < rate ? REPLACEMENTS[Math.floor(rand() * REPLACEMENTS.length)] : mutate(v, rand, rate);
    }
    return out;
  }
  return value;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-fuzz-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sources = [
  ...corpusPlans().filter((p) => /eks|launch|sg/.test(path.basename(p)) && !/plan-error/.test(p)),
  fixturePlan("topo-mixed-fargate-ec2"),
  fixturePlan("topo-state-delete-rule"),
  fixturePlan("p-modules-count-foreach"),
  path.join(path.dirname(fixturePlan("cdktf-broken")), "cdk.tf.json"),
];

function readJson(file: string): Json {
  const bytes = fs.readFileSync(file);
  const text = bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2).toString("utf16le") : bytes.toString("utf8").replace(/^\uFEFF/, "");
  return JSON.parse(text);
}

describe.each(sources.map((s) => [path.basename(path.dirname(s)) === "plans" ? path.basename(s) : path.relative(path.dirname(path.dirname(s)), s), s]))("%s", (_name, source) => {
  const original = readJson(source);
  test.each([1, 2, 3, 4, 5, 6])("mutation seed %i: a report or a one-line input error", (seed) => {
    const file = path.join(dir, `${seed}-${path.basename(source)}`);
    fs.writeFileSync(file, JSON.stringify(mutate(original, random(seed * 7919 + source.length), 0.08)));
    const run = cli(["check", file, "--format", "json"]);
    expect(run.stderr).not.toMatch(/internal error/);
    if (run.code === 2) {
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    } else {
      expect([0, 1]).toContain(run.code);
      expect(JSON.parse(run.stdout).schemaVersion).toBe(1);
    }
  });
});
