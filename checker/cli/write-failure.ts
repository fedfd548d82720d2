/** Why a write failed, in words a user can act on; the errno code stays for searching. */
const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
  EFBIG: "the file would pass the file-size limit (ulimit -f)",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EROFS: "the file system is read-only",
  // mkdir -p says EEXIST, open says ENOTDIR, when a folder on the way is a file.
  EEXIST: "a folder on its path is a file",
  ENOTDIR: "a folder on its path is a file",
  EISDIR: "it is a folder",
  ENAMETOOLONG: "the name is too long",
  ELOOP: "too many symbolic links on its path",
  EIO: "an input/output error",
};

export function whyNotWritten(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) return REASONS[code] ? `${REASONS[code]} (${code})` : code;
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
