/**
 * `deploy`'s synth: the app's synth command, run so that a stop by the synth-time gate (a failing
 * check, exit 1) can be told from any other failure of the synth (exit 2). The gate writes each
 * stack it stops to a file named in the command's environment (run/gate-stops.ts); the file is in
 * a new private folder of this run, so nothing left by another synth is read as this one's.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../errors";
import { GATE_STOPS_ENV, readGateStops, type GateStop } from "../run/gate-stops";
import type { CommandRunner } from "./command-runner";

/** Runs the synth; returns the stacks the gate stopped, or none when the synth succeeded. Any other failure throws. */
export function synthesize(synthCommand: string, cwd: string, run: CommandRunner): readonly GateStop[] {
  const [command, ...args] = synthCommand.split(" ").filter(Boolean);
  if (command === undefined) throw new UsageError("--synth-command is empty; give the command that synthesizes the app, or pass --skip-synth");
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-synth-"));
  try {
    const stopsFile = path.join(folder, "gate-stops.jsonl");
    const result = run(command, args, { cwd, env: { [GATE_STOPS_ENV]: stopsFile } });
    if (result.status === 0) return [];
    const stops = readGateStops(stopsFile);
    if (stops.length === 0) throw new UsageError(`the synth command (${synthCommand}) failed with exit code ${result.status} in ${cwd}; nothing was planned or applied`);
    return stops;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** One line for the stops: which stacks, how many findings. */
export function gateStopMessage(stops: readonly GateStop[]): string {
  const stacks = stops.map((s) => `${s.stack} (${s.findings} finding${s.findings === 1 ? "" : "s"})`).join(", ");
  return `the synth-time gate (EksPolicyGate) stopped the synth on failing checks in stack${stops.length === 1 ? "" : "s"} ${stacks}; fix the resources in its ERROR lines above (or tune the gate: docs/gate.md); nothing was planned or applied`;
}
