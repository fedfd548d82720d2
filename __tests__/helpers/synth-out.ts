/** A `cdktf.out` written by hand: the manifest and each stack's `cdk.tf.json`, for `deploy`'s tests. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** A cdktf.out with these stacks (`dependencies`: the stacks each depends on, as manifest.json says). */
export function synthOut(stacks: Record<string, object>, dependencies: Record<string, string[]> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-sg-policy-deploy-"));
  const entry = (name: string) => ({ name, dependencies: dependencies[name] ?? [], workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` });
  const manifest = { version: "0.21.0", stacks: Object.fromEntries(Object.keys(stacks).map((name) => [name, entry(name)])) };
  fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  for (const [name, document] of Object.entries(stacks)) {
    fs.mkdirSync(path.join(dir, "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(document));
  }
  return dir;
}
