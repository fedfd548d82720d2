#!/usr/bin/env node
"use strict";
/**
 * Writes `schemas/config.schema.json`, the JSON Schema of `eks-sg-policy.config.json` that users put
 * in `$schema`, from the schema the checker validates with (checker/config/config-json-schema.ts,
 * over the built-in registry). `npm run docs` runs it; a test fails while the file is stale.
 *
 *   node scripts/config-schema.js           # rewrite (uses the build in dist/)
 *   node scripts/config-schema.js --check   # exit 1 when the committed file is stale
 */
const fs = require("node:fs");
const path = require("node:path");

const FILE = path.join("schemas", "config.schema.json");

/** The file's text for a schema object: two-space JSON and a final newline. */
function schemaText(schema) {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

module.exports = { FILE, schemaText };

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const { policies } = require(path.join(root, "dist", "policies"));
  const { configJsonSchema } = require(path.join(root, "dist", "checker", "config", "config-json-schema"));
  const text = schemaText(configJsonSchema(policies));
  const file = path.join(root, FILE);
  if (process.argv.includes("--check")) {
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) {
      process.stderr.write(`config-schema: ${FILE} is stale, run npm run docs\n`);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}
