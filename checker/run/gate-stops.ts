/**
 * How the synth-time gate tells `eks-sg-policy deploy` that it stopped a synth. A synth fails for
 * many reasons — the app's code, cdktf, a typo — and only the gate's is a failing check (exit 1);
 * the rest are exit 2. The synth's output cannot tell them apart reliably (it is the app's to
 * print, `cdktf synth` reformats it, and a resource name can hold any text), so deploy names a new
 * file in EKS_SG_POLICY_GATE_STOPS for the synth command, and the gate writes a line there for
 * each stack it stops. The file belongs to one run: nothing left by an earlier synth is read.
 */
import fs from "node:fs";

export const GATE_STOPS_ENV = "EKS_SG_POLICY_GATE_STOPS";

/** A stack whose synth the gate stopped, and how many findings stopped it. */
export interface GateStop {
  readonly stack: string;
  readonly findings: number;
}

/** Called by the gate when it stops a stack; writes nothing unless deploy named a file. */
export function recordGateStop(stop: GateStop, env: NodeJS.ProcessEnv = process.env): void {
  const file = env[GATE_STOPS_ENV];
  if (file) fs.appendFileSync(file, `${JSON.stringify(stop)}\n`);
}

/** The stacks the gate stopped, once each (validations can run twice on one tree). */
export function readGateStops(file: string): GateStop[] {
  if (!fs.existsSync(file)) return [];
  const stops = new Map<string, GateStop>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    try {
      const stop = JSON.parse(line) as Partial<GateStop>;
      if (typeof stop.stack === "string" && typeof stop.findings === "number") stops.set(stop.stack, { stack: stop.stack, findings: stop.findings });
    } catch {
      // An empty last line, or a line cut short by a synth that died while writing: skip it.
    }
  }
  return [...stops.values()].sort((a, b) => a.stack.localeCompare(b.stack));
}
