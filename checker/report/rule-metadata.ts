/**
 * What report formats say about a policy as a rule: its id, title, rationale, default severity and
 * help page (`docs/policies/<id>.md`, shipped in the package), gathered once from the registry.
 */
import fs from "node:fs";
import path from "node:path";
import type { Policy, Severity } from "../policy/contract";

export interface RuleMetadata {
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  readonly rationale: string;
  /** The policy's doc page (Markdown), when the package has it. */
  readonly helpMarkdown?: string;
  /** Where the doc page is, relative to the package root: `docs/policies/<id>.md`. */
  readonly docsPath: string;
}

/** The package's `docs/policies` folder, found upwards from here (in source and in dist). */
export function policyDocsDir(): string | undefined {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "docs", "policies");
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

const pages = new Map<string, string | undefined>();

function readPage(docsDir: string | undefined, id: string): string | undefined {
  if (docsDir === undefined) return undefined;
  const file = path.join(docsDir, `${id}.md`);
  if (!pages.has(file)) pages.set(file, fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);
  return pages.get(file);
}

export interface RuleMetadataOptions {
  /** Severity per policy id, replacing the policy's own (the configuration's `severities`). */
  readonly severities?: { readonly [policyId: string]: Severity };
  /** Where the doc pages are; the package's own by default. `null` reads none. */
  readonly docsDir?: string | null;
}

export function ruleMetadata(policies: readonly Policy[], options: RuleMetadataOptions = {}): RuleMetadata[] {
  const docsDir = options.docsDir === null ? undefined : (options.docsDir ?? policyDocsDir());
  return policies.map(({ meta }) => {
    const helpMarkdown = readPage(docsDir, meta.id);
    return {
      id: meta.id,
      severity: options.severities?.[meta.id] ?? meta.severity,
      title: meta.title,
      rationale: meta.rationale,
      ...(helpMarkdown ? { helpMarkdown } : {}),
      docsPath: `docs/policies/${meta.id}.md`,
    };
  });
}
