/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type checking is done once by `tsc --noEmit` in `npm test`; ts-jest only transpiles, which
  // keeps the suite fast on a 2-core machine.
  transform: { "^.+\\.ts$": ["ts-jest", { isolatedModules: true }] },
  testTimeout: 120000,
  reporters: ["default", "<rootDir>/__tests__/helpers/summary-reporter.js"],
};
