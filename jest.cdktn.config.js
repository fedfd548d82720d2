/**
 * `npm run test:cdktn`: the tests of the constructs, the gate and `Findings` once more, on CDK
 * Terrain. Every import of cdktf and @cdktf/provider-aws — the sources' and the tests' — loads
 * cdktn and @cdktn/provider-aws instead, as the CDK Terrain build (scripts/build-cdktn.js) does, so
 * the code eks-sg-policy/cdktn/* ships runs here against cdktn.
 *
 * Left out: tests that run the cdktf CLI (cdktn-cli needs Node 22) and tests that compare output
 * with committed CDKTF fixtures (their metadata names cdktf and its version). Without cdktn
 * installed (npm ci installs it) only __tests__/cdktn/ runs, and says it skipped.
 */
const base = require("./jest.config");
const { cdktnInstalled } = require("./scripts/build-cdktn");

module.exports = cdktnInstalled()
  ? {
      ...base,
      testMatch: ["**/__tests__/gate/gate.test.ts", "**/__tests__/gate/findings.test.ts", "**/__tests__/modules/!(example-app).test.ts"],
      moduleNameMapper: {
        ...base.moduleNameMapper,
        "^cdktf$": "cdktn",
        "^cdktf/(.*)$": "cdktn/$1",
        "^@cdktf/provider-aws/(.*)$": "@cdktn/provider-aws/$1",
      },
    }
  : { ...base, testMatch: ["**/__tests__/cdktn/*.test.ts"] };
