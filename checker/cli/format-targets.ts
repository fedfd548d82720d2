/** `--format F` and `--format F=path`, repeatable: where each format goes. */
import { UsageError } from "../errors";
import { FORMAT_NAMES } from "../report/formatters";

export interface FormatTarget {
  readonly format: string;
  /** A file to write; standard output when absent. */
  readonly path?: string;
}

/** `byDefault`: the format on stdout when no --format is given. */
export function parseFormatTargets(values: readonly string[], byDefault = "text"): FormatTarget[] {
  const targets = (values.length > 0 ? values : [byDefault]).map((value) => {
    const at = value.indexOf("=");
    const format = at < 0 ? value : value.slice(0, at);
    const path = at < 0 ? undefined : value.slice(at + 1);
    if (!FORMAT_NAMES.includes(format)) throw new UsageError(`unknown format "${format}"; use one of ${FORMAT_NAMES.join(", ")}`);
    if (path === "") throw new UsageError(`--format ${format}= needs a file name after "="`);
    return { format, path };
  });
  const toStdout = targets.filter((t) => t.path === undefined);
  if (toStdout.length > 1) throw new UsageError(`only one format can go to standard output (got ${toStdout.map((t) => t.format).join(", ")}); write the others to files with --format F=path`);
  return targets;
}
