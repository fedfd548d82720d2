#!/usr/bin/env node
"use strict";
/**
 * The package.json that goes into the tarball has no `scripts`.
 *
 * The repository needs `prepare`: npm runs it after `npm ci` and when someone installs the package
 * from git (it clones, installs the dev dependencies and builds). In a tarball it is useless —
 * npm never runs `prepare` for a tarball dependency — yet npm 11 lists it among the "install scripts
 * not yet covered by allowScripts" and warns on every install. So `npm pack` and `npm publish`
 * pack a copy without scripts:
 *
 *   prepack:  node scripts/pack-manifest.js strip     # keeps package.json aside, writes it without scripts
 *   postpack: node scripts/pack-manifest.js restore   # puts the original back, byte for byte
 *
 * A pack that dies between the two leaves the copy aside; the next `strip` or `restore` puts it back
 * first, so the repository never keeps the stripped file.
 */
const fs = require("node:fs");
const path = require("node:path");

const MANIFEST = "package.json";
const ASIDE = "package.json.packing";

/** The manifest as packed: everything but the scripts. */
function packedManifest(text) {
  const manifest = JSON.parse(text);
  delete manifest.scripts;
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function restore(dir) {
  const aside = path.join(dir, ASIDE);
  if (!fs.existsSync(aside)) return false;
  fs.renameSync(aside, path.join(dir, MANIFEST));
  return true;
}

function strip(dir) {
  restore(dir);
  const file = path.join(dir, MANIFEST);
  const original = fs.readFileSync(file, "utf8");
  fs.writeFileSync(path.join(dir, ASIDE), original);
  fs.writeFileSync(file, packedManifest(original));
}

module.exports = { packedManifest, strip, restore, ASIDE };

if (require.main === module) {
  const dir = process.cwd();
  const command = process.argv[2];
  if (command === "strip") strip(dir);
  else if (command === "restore") restore(dir);
  else {
    process.stderr.write("usage: node scripts/pack-manifest.js strip|restore (run by npm's prepack and postpack)\n");
    process.exit(2);
  }
}
