/**
 * The layers of the checker point one way: load → model → eks → policy → run → report → cli, with
 * findings, user-files, waivers and config beside run. Each layer may import only the layers before
 * it; the policy registry (policies/) is handed down from the top (cli, the library entry), and the
 * CDKTF half (modules/) uses the checker only through its public entry. `npm test` runs this
 * (`npm run lint:deps`), so a new back-arrow or cycle fails CI.
 */
const OURS = "^(checker|policies|modules)/|^main\\.ts$"; // npm packages and Node built-ins are not layers

/** A rule: files under `from` may import only their own folder and `allowed` (and packages). */
function layer(name, from, allowed) {
  return {
    name: `layer-${name}`,
    comment: `${from} may import only ${allowed.join(", ")}`,
    severity: "error",
    from: { path: from },
    to: { path: OURS, pathNot: [from, ...allowed] },
  };
}

const ERRORS = "^checker/(errors|printable)\\.ts$";
/** picomatch loaded on first use, for the layers that match globs. */
const GLOBS = "^checker/picomatch\\.ts$";

module.exports = {
  forbidden: [
    { name: "no-circular", comment: "no import cycles", severity: "error", from: {}, to: { circular: true } },
    // add-to-list.ts imports nothing: the lists' helpers, which the loader's walks use too.
    layer("load", "^checker/load/", [ERRORS, "^checker/model/add-to-list\\.ts$"]),
    layer("model", "^checker/model/", ["^checker/load/", ERRORS]),
    layer("eks", "^checker/eks/", ["^checker/model/", "^checker/load/", GLOBS]),
    layer("policy", "^checker/policy/", ["^checker/eks/", "^checker/model/", "^checker/load/", ERRORS]),
    layer("findings", "^checker/findings/", ["^checker/policy/contract\\.ts$"]),
    layer("user-files", "^checker/user-files/", ["^checker/load/(decode-bytes|bound-depth)\\.ts$", ERRORS]),
    layer("waivers", "^checker/waivers/", ["^checker/findings/", "^checker/policy/contract\\.ts$", "^checker/user-files/", ERRORS, GLOBS]),
    layer("config", "^checker/config/", ["^checker/findings/", "^checker/policy/", "^checker/user-files/", "^checker/waivers/", ERRORS]),
    layer("run", "^checker/run/", [
      "^checker/(load|model|eks|policy|findings|user-files|waivers|config)/",
      ERRORS,
    ]),
    layer("report", "^checker/report/", ["^checker/(load|model|eks|policy|findings|waivers|run)/", ERRORS]),
    layer("policies", "^policies/", ["^checker/policy/", "^checker/eks/", "^checker/model/"]),
    {
      name: "registry-from-the-top",
      comment: "only the command line and the library entry pick the built-in policies; everything else is given them",
      severity: "error",
      from: { path: "^checker/", pathNot: ["^checker/cli/main\\.ts$", "^checker/index\\.ts$"] },
      to: { path: "^policies/" },
    },
    {
      name: "modules-use-the-public-entry",
      comment: "the CDKTF constructs and gate use the checker through checker/index.ts only",
      severity: "error",
      from: { path: "^modules/" },
      to: { path: "^checker/", pathNot: "^checker/index\\.ts$" },
    },
    {
      name: "checker-without-cdktf",
      comment: "the checker serves plain Terraform users: no CDKTF, no constructs",
      severity: "error",
      from: { path: "^(checker|policies)/" },
      to: { path: ["^modules/", "node_modules/(cdktf|constructs|@cdktf)/"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.build.json" },
    exclude: { path: "^(dist|node_modules)/" },
  },
};
