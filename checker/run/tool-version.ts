import fs from "node:fs";
import path from "node:path";

/** This package's version, read from its package.json (found upwards from here, in source and in dist). */
export function toolVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const json = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (json.name === "eks-sg-policy" && json.version) return json.version;
    }
    dir = path.dirname(dir);
  }
  return "0.0.0";
}
