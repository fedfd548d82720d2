/**
 * SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer): one run, the policies as rules with
 * their doc pages as help, one result per finding.
 *
 * Where a result points: a plan has no source line, so every result points at line 1 of the input
 * it came from (the plan JSON or cdk.tf.json, relative to the repository root), or at the file
 * `source` names (`--sarif-source`, e.g. the Terraform root module's `main.tf`). The resource
 * address, and the CDKTF construct path when known, are logical locations and lead the message.
 * The alert's identity is the finding's fingerprint (policy, address, subject, stack), given as
 * `primaryLocationLineHash` so that it survives re-plans that change the plan file.
 */
import { configurationNotes } from "./configuration-lines";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Policy, Severity } from "../policy/contract";
import { waiverJustification } from "./finding-labels";
import { countsOf, type FailOn, type Finding, type Report } from "../findings/report";
import { ruleMetadata, type RuleMetadata } from "./rule-metadata";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export type SarifLevel = "error" | "warning" | "note";

export interface SarifOptions {
  /** The policies that ran: they become the rules. */
  readonly policies: readonly Policy[];
  /** `--fail-on`, for the counts of what fails the run. `error` by default. */
  readonly failOn?: FailOn;
  /** Severity per policy id, replacing the policy's own (as the configuration set it). */
  readonly severities?: { readonly [policyId: string]: Severity };
  /**
   * The file every result points at, relative to the repository root (`--sarif-source`); or a
   * function of the finding. By default, the finding's input.
   */
  readonly source?: string | ((finding: Finding) => string);
  /** The folder input paths are made relative to: the repository root. The working folder by default. */
  readonly repoRoot?: string;
  /** `tool.driver.informationUri`: the tool's home page; `homepage` of the package.json by default. */
  readonly informationUri?: string;
  /** `runAutomationDetails.id`, e.g. `eks-sg-policy/prod/` to upload several analyses per commit. */
  readonly category?: string;
  /** The level of `unknown` findings: `note` by default (the plan does not say; nothing is proven). */
  readonly unknownLevel?: SarifLevel;
  /**
   * Waived findings: `suppress` (default) keeps them with an external suppression and the waiver's
   * justification; `omit` leaves them out (for consumers that show suppressed results as open).
   */
  readonly waived?: "suppress" | "omit";
  /** Where the policy doc pages are (see `ruleMetadata`). */
  readonly docsDir?: string | null;
}

const LEVELS: Record<Severity, SarifLevel> = { error: "error", warning: "warning", info: "note" };

/** GitHub's scale: 9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. */
export const SECURITY_SEVERITY: Record<Severity, string> = { error: "8.0", warning: "5.0", info: "2.0" };

/** GitHub shows at most 1024 characters of a description. */
function clip(text: string, max = 1024): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** `node-to-apiserver` → `NodeToApiserver`: SARIF's rule name is an identifier for people. */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
}

/**
 * A relative URI (forward slashes, each segment percent-encoded) for a path inside the
 * repository root; a `file:` URI for one outside it; `stdin` for standard input.
 */
export function artifactUri(file: string, repoRoot: string = process.cwd()): { uri: string; uriBaseId?: string } {
  if (file === "<stdin>" || file === "-") return { uri: "stdin" };
  const absolute = path.resolve(repoRoot, file);
  const relative = path.relative(path.resolve(repoRoot), absolute);
  if (relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative)) {
    return { uri: relative.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
  }
  return { uri: pathToFileURL(absolute).href };
}

let homepage: string | null | undefined;

/** The package's `homepage` (or its repository's URL), found upwards from here in source and in dist. */
export function packageHomepage(): string | undefined {
  if (homepage !== undefined) return homepage ?? undefined;
  homepage = null;
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const json = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; homepage?: string; repository?: string | { url?: string } };
      if (json.name === "eks-sg-policy") {
        const repository = typeof json.repository === "string" ? json.repository : json.repository?.url;
        const url = json.homepage ?? repository?.replace(/^git\+/, "").replace(/\.git$/, "");
        homepage = url && /^https?:\/\//.test(url) ? url : null;
        break;
      }
    }
    dir = path.dirname(dir);
  }
  return homepage ?? undefined;
}

function ruleOf(rule: RuleMetadata) {
  const text = `${rule.title}\n\n${rule.rationale}\n\nSee ${rule.docsPath} in the eks-sg-policy package, or run: eks-sg-policy explain ${rule.id}`;
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: clip(rule.title) },
    fullDescription: { text: clip(rule.rationale) },
    help: { text: rule.helpMarkdown ?? text, markdown: rule.helpMarkdown ?? `**${rule.title}**\n\n${rule.rationale}\n\nRun \`eks-sg-policy explain ${rule.id}\` for the full page.` },
    defaultConfiguration: { level: LEVELS[rule.severity] },
    properties: {
      tags: ["security", "eks", "terraform", "security-group"],
      precision: "high",
      "security-severity": SECURITY_SEVERITY[rule.severity],
    },
  };
}

function messageOf(finding: Finding): string {
  const prefix = finding.status === "unknown" ? "Unknown: " : "";
  const input = finding.stack ? ` (stack ${finding.stack})` : "";
  return `${prefix}${finding.address}${input}: ${finding.message}`;
}

function locationOf(finding: Finding, options: SarifOptions) {
  const source = typeof options.source === "function" ? options.source(finding) : options.source;
  const artifact = artifactUri(source ?? finding.input, options.repoRoot);
  const logical = [
    { name: finding.address, fullyQualifiedName: finding.address, kind: "resource" },
    ...(finding.constructPath ? [{ fullyQualifiedName: finding.constructPath, kind: "declaration" }] : []),
  ];
  return { physicalLocation: { artifactLocation: artifact, region: { startLine: 1 } }, logicalLocations: logical };
}

function resultOf(finding: Finding, ruleIndex: Map<string, number>, options: SarifOptions) {
  const level = finding.status === "unknown" ? (options.unknownLevel ?? "note") : LEVELS[finding.severity];
  const index = ruleIndex.get(finding.policy);
  return {
    ruleId: finding.policy,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    level,
    message: { text: messageOf(finding) },
    locations: [locationOf(finding, options)],
    partialFingerprints: { primaryLocationLineHash: finding.fingerprint, "eksSgPolicyFinding/v1": finding.fingerprint },
    properties: {
      status: finding.status,
      severity: finding.severity,
      ...(finding.status === "unknown" ? { unknown: true } : {}),
      address: finding.address,
      input: finding.input,
      ...(finding.stack ? { stack: finding.stack } : {}),
      ...(finding.constructPath ? { constructPath: finding.constructPath } : {}),
      related: [...finding.related],
    },
    ...(finding.status === "waived" ? { suppressions: [{ kind: "external", status: "accepted", justification: waiverJustification(finding) }] } : {}),
  };
}

/** The SARIF log as an object (for callers that merge or post-process it). */
export function sarifLog(report: Report, options: SarifOptions) {
  const rules = ruleMetadata(options.policies, { severities: options.severities, docsDir: options.docsDir });
  // A finding of a policy that is not in the list still needs its rule (GitHub requires rules for results).
  for (const id of new Set(report.findings.map((f) => f.policy))) {
    if (!rules.some((r) => r.id === id)) {
      const severity = report.findings.find((f) => f.policy === id)!.severity;
      rules.push({ id, severity, title: id, rationale: id, docsPath: `docs/policies/${id}.md` });
    }
  }
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const informationUri = options.informationUri ?? packageHomepage();
  const findings = options.waived === "omit" ? report.findings.filter((f) => f.status !== "waived") : report.findings;
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0" as const,
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            ...(informationUri ? { informationUri } : {}),
            rules: rules.map(ruleOf),
          },
        },
        ...(options.category ? { automationDetails: { id: options.category } } : {}),
        // What the configuration switched off or a floor refused: SARIF's place for notes about the tool's set-up.
        invocations: [
          {
            executionSuccessful: true,
            toolConfigurationNotifications: configurationNotes(report.configuration).map((note) => ({
              level: note.kind === "in-force" ? "note" : "warning",
              message: { text: note.text },
              descriptor: { id: `configuration-${note.kind}` },
            })),
          },
        ],
        results: findings.map((finding) => resultOf(finding, ruleIndex, options)),
        columnKind: "utf16CodeUnits",
        properties: { summary: report.summary, counts: countsOf(report, options.failOn ?? "error"), inputs: report.inputs.map((i) => i.path), ...(report.configuration ? { configuration: report.configuration } : {}) },
      },
    ],
  };
}

export function formatSarif(report: Report, options: SarifOptions): string {
  return `${JSON.stringify(sarifLog(report, options), null, 2)}\n`;
}
