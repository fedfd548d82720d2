/**
 * A require hook that lets plain `node` (and so `cdktf synth`) run this repo's TypeScript without a
 * build: each .ts file is transpiled on load with the repo's own typescript (no type check; `npm test`
 * runs tsc for that). Used with `node -r <this file> app.ts`.
 */
"use strict";
const fs = require("node:fs");
const ts = require("typescript");

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  inlineSourceMap: true,
};

require.extensions[".ts"] = function transpile(module, filename) {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};
