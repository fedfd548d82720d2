/**
 * Bytes to text. Terraform writes UTF-8; PowerShell's `>` writes UTF-16 with a byte-order mark,
 * and such plans are common in the wild.
 */

import { isAscii, isUtf8 } from "node:buffer";

export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be";

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export function looksLikeZip(bytes: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => bytes[i] === b);
}

export function detectEncoding(bytes: Uint8Array): { encoding: TextEncoding; bomLength: number } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: "utf-8", bomLength: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: "utf-16le", bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: "utf-16be", bomLength: 2 };
  // No mark: JSON starts with an ASCII character, so a zero byte beside it gives UTF-16 away.
  if (bytes.length >= 2 && bytes[0] !== 0 && bytes[1] === 0) return { encoding: "utf-16le", bomLength: 0 };
  if (bytes.length >= 2 && bytes[0] === 0 && bytes[1] !== 0) return { encoding: "utf-16be", bomLength: 0 };
  return { encoding: "utf-8", bomLength: 0 };
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * What `new TextDecoder("utf-8", { fatal: true }).decode(body)` returns, at a fraction of the cost
 * on large plans (issue #13). Plans are nearly always ASCII: `isAscii` tells in ~2 ms on 36 MB and
 * a Latin-1 copy is then the text. Otherwise `isUtf8` validates (~100 ms there) and
 * `Buffer#toString` decodes. Like TextDecoder (ignoreBOM false), a BOM at the start of `body` is
 * dropped; invalid bytes throw, as `fatal` does.
 */
function decodeUtf8(body: Uint8Array): string {
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (isAscii(buffer)) return buffer.toString("latin1");
  if (!isUtf8(buffer)) throw new TypeError("The encoded data was not valid for encoding utf-8");
  const start = UTF8_BOM.every((b, i) => body[i] === b) ? UTF8_BOM.length : 0;
  return buffer.toString("utf8", start);
}

/** Returns the text, or `undefined` when the bytes are not text in any encoding we accept. */
export function decodeText(bytes: Uint8Array): string | undefined {
  const { encoding, bomLength } = detectEncoding(bytes);
  const body = bytes.subarray(bomLength);
  try {
    if (encoding === "utf-16be") {
      const swapped = Buffer.from(body.subarray(0, body.length - (body.length % 2)));
      swapped.swap16();
      return new TextDecoder("utf-16le", { fatal: true }).decode(swapped);
    }
    if (encoding === "utf-8") return decodeUtf8(body);
    return new TextDecoder(encoding, { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}
