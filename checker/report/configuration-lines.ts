/**
 * What every format says about the configuration a run read: which file (and floor), what in it
 * weakens the check, and what a floor refused. A repository's configuration is written by the
 * pull request it checks; a reader must see what it switched off.
 */
import type { ConfigurationAudit, Report } from "../findings/report";

export interface ConfigurationNote {
  /** `weakens` and `refused` are warnings; `in-force` only says which file was read. */
  readonly kind: "in-force" | "weakens" | "refused";
  readonly text: string;
}

const list = (changes: readonly { change: string }[]) => changes.map((c) => c.change).join("; ");

/** One sentence per fact about the configuration, or none when the run read no file. */
export function configurationNotes(audit: ConfigurationAudit | undefined): ConfigurationNote[] {
  if (!audit || (audit.file === undefined && audit.floor === undefined)) return [];
  const source = audit.floor !== undefined ? `the floor ${audit.floor}${audit.file !== undefined ? ` tightened by ${audit.file}` : ""}` : `the configuration ${audit.file}`;
  const weakening = audit.changes.filter((c) => c.weakens);
  const other = audit.changes.filter((c) => !c.weakens);
  const notes: ConfigurationNote[] = [
    weakening.length > 0
      ? { kind: "weakens", text: `${source} weakens the check: ${list(weakening)}${other.length > 0 ? `; it also ${list(other)}` : ""}` }
      : { kind: "in-force", text: `${source} is in force${other.length > 0 ? `: it ${list(other)}` : ", changing nothing that weakens the check"}` },
  ];
  if (audit.refused.length > 0) notes.push({ kind: "refused", text: `${audit.file} asked for what the floor ${audit.floor} does not allow, so it was not applied: ${list(audit.refused)}` });
  return notes;
}

const LABELS: Record<ConfigurationNote["kind"], string> = { "in-force": "CONFIG", weakens: "CONFIG WEAKENS", refused: "CONFIG REFUSED" };

/** Text lines (`CONFIG WEAKENS - …`), printed before the summary line; they start with neither FAIL nor WARN. */
export function configurationLines(report: Report): string[] {
  return configurationNotes(report.configuration).map((note) => `${LABELS[note.kind]} - ${note.text}`);
}
