/**
 * `npm run test:unit`: the inner loop — everything that needs neither terraform nor `npm pack` nor
 * the cdktf CLI. Tests that run terraform inside other files skip themselves (EKS_SG_POLICY_UNIT_ONLY).
 */
const base = require("./jest.config");

module.exports = {
  ...base,
  testPathIgnorePatterns: ["/node_modules/", "/__tests__/e2e/", "/__tests__/package/", "/__tests__/fixtures/regenerate\\.test\\.ts$", "/__tests__/gate/cdktf-synth\\.test\\.ts$"],
};
