import * as fs from "node:fs";

/** Asks on the terminal; without one (CI, a pipe) the answer is no — use --auto-approve there. */
export function askOnTerminal(question: string): boolean {
  if (!process.stdin.isTTY) {
    process.stderr.write(`${question}no terminal to answer on (use --auto-approve)\n`);
    return false;
  }
  process.stderr.write(question);
  const buffer = Buffer.alloc(256);
  const read = fs.readSync(0, buffer, 0, buffer.length, null);
  return buffer.subarray(0, read).toString("utf8").trim() === "yes";
}
