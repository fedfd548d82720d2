/** Code blocks of the docs, named by their `title=` (```js title=org-policies.js), so tests run them as written. */
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./fixtures";

export function docBlock(doc: string, title: string): string {
  const text = fs.readFileSync(path.join(ROOT, doc), "utf8");
  const match = new RegExp("```\\w+ title=" + title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "\\n([\\s\\S]*?)\\n```").exec(text);
  if (!match) throw new Error(`${doc} has no code block titled ${title}`);
  return `${match[1]}\n`;
}
