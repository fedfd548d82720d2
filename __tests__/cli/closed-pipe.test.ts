/**
 * A reader that closes standard output early (`check big.json | head -c 100`): the output ends
 * quietly, with no stack trace, and the exit code stays the check's verdict.
 */
import { spawnSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { endQuietlyOnClosedPipes } from "../../checker/cli/closed-pipe";
import { builtBin } from "../helpers/built-cli";
import { cli, fixturePlan } from "../helpers/fixtures";

interface EarlyClose {
  /** The CLI's own exit code (not head's). */
  readonly code: number;
  readonly stderr: string;
  readonly bytesRead: number;
}

/**
 * Runs the built CLI into `head -c 100` through a real pipe (Node's own 'pipe' stdio is a socket
 * pair whose buffer would take the whole report): head exits after 100 bytes, the CLI writes on.
 */
function intoHead(args: readonly string[]): EarlyClose {
  const quoted = [process.execPath, builtBin(), ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const run = spawnSync("bash", ["-c", `${quoted} | head -c 100; exit "\${PIPESTATUS[0]}"`], { encoding: "utf8" });
  return { code: run.status ?? -1, stderr: run.stderr, bytesRead: Buffer.byteLength(run.stdout) };
}

// SARIF carries every policy's page: ~160 kB, more than a pipe holds (64 kB on Linux).
for (const [name, fixture, code] of [
  ["a failing plan: no stack trace, exit 1 as without the pipe", "p-cluster-endpoint-variants", 1],
  ["a clean plan: no stack trace, exit 0 as without the pipe", "p-cluster-hardened", 0],
] as const) {
  test(`check … | head -c 100, ${name}`, () => {
    const args = ["check", fixturePlan(fixture), "--format", "sarif"];
    const whole = cli(args);
    expect(whole.code).toBe(code);
    expect(Buffer.byteLength(whole.stdout)).toBeGreaterThan(128 * 1024);
    const run = intoHead(args);
    expect(run.bytesRead).toBe(100);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(code);
  });
}

describe("endQuietlyOnClosedPipes", () => {
  function streams() {
    const written: string[] = [];
    const stdout = new EventEmitter();
    const stderr = Object.assign(new EventEmitter(), { write: (text: string) => written.push(text) });
    const codes: number[] = [];
    endQuietlyOnClosedPipes({ stdout, stderr }, (code) => codes.push(code));
    return { stdout, stderr, written, codes };
  }
  const errno = (code: string) => Object.assign(new Error(`write ${code}`), { code, syscall: "write" });

  test("EPIPE on stdout or stderr: nothing said, the exit code untouched", () => {
    const s = streams();
    s.stdout.emit("error", errno("EPIPE"));
    s.stderr.emit("error", errno("EPIPE"));
    expect(s.written).toEqual([]);
    expect(s.codes).toEqual([]);
  });

  test("another error on stdout: one line on stderr and exit 2", () => {
    const s = streams();
    s.stdout.emit("error", errno("EIO"));
    expect(s.written).toEqual(["eks-sg-policy: cannot write to standard output: an input/output error (EIO)\n"]);
    expect(s.codes).toEqual([2]);
  });

  test("another error on stderr: exit 2, and nothing more written there", () => {
    const s = streams();
    s.stderr.emit("error", errno("EIO"));
    expect(s.written).toEqual([]);
    expect(s.codes).toEqual([2]);
  });
});
