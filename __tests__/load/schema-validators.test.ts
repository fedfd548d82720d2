/**
 * The input validators are ajv standalone code committed in checker/load/schema-validators.generated.ts
 * (no ajv compile at start-up, issue #13); they must be what the schema definitions compile to.
 */
import * as fs from "node:fs";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { FILE, generatedText } = require("../../scripts/schema-validators.js") as { FILE: string; generatedText: () => string };

test("schema-validators.generated.ts is what scripts/schema-validators.js writes from schema-definitions.ts", () => {
  expect(fs.readFileSync(FILE, "utf8")).toBe(generatedText());
});
