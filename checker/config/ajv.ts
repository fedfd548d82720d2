/** The ajv instance for the user's files: strict schemas, first error only, and a UTC date format. */
import Ajv from "ajv";
import { isUtcDate } from "../waivers/waiver";

export function createAjv(): Ajv {
  // One error at a time: the message names one thing to fix, and the next run names the next.
  const ajv = new Ajv({ allErrors: false, strict: true });
  ajv.addFormat("utc-date", { type: "string", validate: isUtcDate });
  return ajv;
}
