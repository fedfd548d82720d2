/** Text to a JSON object, with errors that say where and why parsing stopped. */
import { inputErrors } from "../errors";

const HCL_START = /^\s*(?:(?:#|\/\/)[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(?:terraform|provider|resource|data|variable|output|module|locals|moved|import|removed|check)\b[\s\S]*?[{=]/;

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

export function parseJsonObject(text: string, input: string): Record<string, unknown> {
  if (text.trim() === "") throw inputErrors.empty(input);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (HCL_START.test(text)) throw inputErrors.hcl(input);
    const message = error instanceof Error ? error.message : String(error);
    const match = /position (\d+)/.exec(message);
    const end = text.trimEnd().length;
    // Without a position, V8 names the first bad token (`"hello" is not valid JSON`): it starts the text.
    const position = match ? Number(match[1]) : text.length - text.trimStart().length;
    if (/end of (JSON )?input/i.test(message) || (match !== null && position >= end)) {
      throw inputErrors.truncated(input, `at ${lineAndColumn(text, end)}`);
    }
    throw inputErrors.invalidJson(input, `at ${lineAndColumn(text, position)}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    const what = Array.isArray(parsed) ? "list" : parsed === null ? "null" : typeof parsed;
    throw inputErrors.notObject(input, what);
  }
  return parsed as Record<string, unknown>;
}
