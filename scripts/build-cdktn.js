#!/usr/bin/env node
"use strict";
/**
 * The CDK Terrain build of the constructs, the gate and `Findings`: `eks-sg-policy/cdktn/modules`
 * and `eks-sg-policy/cdktn/testing`, for apps on cdktn (the community fork of CDKTF), whose
 * classes cannot mix with cdktf's in one app (docs/cdk-terrain.md).
 *
 * It compiles the same files as `modules/` with one difference, made in memory: import specifiers
 * that name CDKTF name CDK Terrain instead (`cdktf` → `cdktn`, `cdktf/lib/…` → `cdktn/lib/…`,
 * `@cdktf/provider-aws/…` → `@cdktn/provider-aws/…`). The sources are type-checked against
 * cdktn's declarations, and written to dist/modules-cdktn/, beside dist/modules/, so that their
 * imports of the checker (`../checker`, `../../checker`) load the one in dist/checker/. Both names
 * have the same length, so positions do not move: the source maps point at the files in modules/.
 *
 *   node scripts/build-cdktn.js            # after tsc -p tsconfig.build.json (npm run build)
 *   node scripts/build-cdktn.js --verify   # in prepack: when publishing, refuse a package without it
 *
 * Without cdktn and @cdktn/provider-aws installed (npm ci installs both) it says so and builds
 * nothing; the package then has no cdktn entry points, which `--verify` refuses on `npm publish`.
 */
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const SOURCE = "modules";
const TARGET = "modules-cdktn";

/** A CDKTF module specifier as CDK Terrain names it; other specifiers unchanged. */
function cdktnSpecifier(specifier) {
  if (specifier === "cdktf" || specifier.startsWith("cdktf/")) return `cdktn${specifier.slice("cdktf".length)}`;
  if (specifier === "@cdktf/provider-aws" || specifier.startsWith("@cdktf/provider-aws/")) return `@cdktn${specifier.slice("@cdktf".length)}`;
  return specifier;
}

/** The specifier string literals of a file: imports, exports, `import("…")` types and `require("…")` calls. */
function specifierLiterals(ts, sourceFile) {
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) found.push(node.argument.literal);
    else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) found.push(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** The text of a file with its CDKTF specifiers swapped; every other character stays where it was. */
function swapSpecifiers(ts, fileName, text) {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  let out = text;
  for (const literal of specifierLiterals(ts, sourceFile)) {
    const swapped = cdktnSpecifier(literal.text);
    if (swapped === literal.text) continue;
    if (swapped.length !== literal.text.length) throw new Error(`build-cdktn: ${literal.text} → ${swapped} changes the length; source maps would drift`);
    const start = literal.getStart(sourceFile) + 1; // after the quote
    out = out.slice(0, start) + swapped + out.slice(start + swapped.length);
  }
  return out;
}

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Whether cdktn and its AWS provider can be loaded from the repository. */
function cdktnInstalled() {
  try {
    require.resolve("cdktn/package.json", { paths: [ROOT] });
    require.resolve("@cdktn/provider-aws/package.json", { paths: [ROOT] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles modules/ against cdktn into `<outDir>/modules-cdktn/` (outDir `dist` by default).
 * `emitChecker` also writes the checker and the policies there (for a test's own out folder).
 * Returns the files written; throws with tsc's diagnostics on a type error.
 */
function buildCdktn({ outDir = path.join(ROOT, "dist"), emitChecker = false } = {}) {
  const ts = require("typescript");
  const configFile = path.join(ROOT, "tsconfig.build.json");
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configFile, ts.sys.readFile).config, ts.sys, ROOT);
  const options = { ...parsed.options, outDir, rootDir: ROOT, noEmit: false };

  const sourceDir = path.join(ROOT, SOURCE);
  const targetDir = path.join(ROOT, TARGET);
  const virtual = new Map(filesUnder(sourceDir).map((file) => [path.join(targetDir, path.relative(sourceDir, file)), file]));
  const textOf = new Map();
  const read = (file) => {
    if (!textOf.has(file)) textOf.set(file, swapSpecifiers(ts, file, fs.readFileSync(virtual.get(file), "utf8")));
    return textOf.get(file);
  };

  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => (virtual.has(file) ? read(file) : readFile.call(host, file));
  host.directoryExists = (dir) => dir === targetDir || dir.startsWith(targetDir + path.sep) || (directoryExists ? directoryExists.call(host, dir) : ts.sys.directoryExists(dir));
  host.getSourceFile = (file, language, onError, create) =>
    virtual.has(file) ? ts.createSourceFile(file, read(file), language, true) : getSourceFile.call(host, file, language, onError, create);

  const program = ts.createProgram([...virtual.keys()], options, host);
  const own = program.getSourceFiles().filter((sf) => virtual.has(sf.fileName) || (emitChecker && !sf.isDeclarationFile && !sf.fileName.includes(`${path.sep}node_modules${path.sep}`)));
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...own.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])];
  const written = [];
  for (const sf of own) {
    const result = program.emit(sf, (file, text) => {
      // The maps name modules-cdktn/*.ts, which exists only in memory: the file with the same lines is in modules/.
      const out = file.endsWith(".map") ? text.replace(new RegExp(`(["/])${TARGET}/`, "g"), `$1${SOURCE}/`) : text;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, out);
      written.push(file);
    });
    diagnostics.push(...result.diagnostics);
  }
  if (diagnostics.length > 0) {
    const formatted = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" });
    throw new Error(`build-cdktn: the CDK Terrain build does not type-check:\n${formatted}`);
  }
  const leaked = written.filter((file) => /\.(js|d\.ts)$/.test(file) && file.includes(`${path.sep}${TARGET}${path.sep}`) && /(require\(|from )"(cdktf|@cdktf\/)/.test(fs.readFileSync(file, "utf8")));
  if (leaked.length > 0) throw new Error(`build-cdktn: these files still load CDKTF: ${leaked.join(", ")}`);
  return written;
}

module.exports = { buildCdktn, cdktnInstalled, cdktnSpecifier, swapSpecifiers };

if (require.main === module) {
  const built = fs.existsSync(path.join(ROOT, "dist", TARGET, "index.js"));
  if (process.argv.includes("--verify")) {
    if (built) process.exit(0);
    const message = "eks-sg-policy/cdktn/* is not built (dist/modules-cdktn/ is missing): cdktn or @cdktn/provider-aws was not installed when the package was built. Run npm ci, then pack again";
    // `npm pack` for a local try may do without it; `npm publish` may not.
    if (process.env.npm_command === "publish") {
      process.stderr.write(`build-cdktn: ${message}\n`);
      process.exit(1);
    }
    process.stderr.write(`build-cdktn: warning: ${message}\n`);
    process.exit(0);
  }
  if (!cdktnInstalled()) {
    process.stderr.write("build-cdktn: skipped: cdktn or @cdktn/provider-aws is not installed (npm ci installs both), so eks-sg-policy/cdktn/* is not built\n");
    process.exit(0);
  }
  try {
    buildCdktn();
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
