/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type checking is done once by `tsc --noEmit` in `npm test`; with isolatedModules (tsconfig)
  // ts-jest only transpiles, which keeps the suite fast on a 2-core machine.
  transform: { "^.+\\.ts$": "ts-jest" },
  // Plugins written as users write them require the package by name: the source stands in for it.
  moduleNameMapper: { "^eks-sg-policy$": "<rootDir>/checker/index.ts" },
  globalSetup: "<rootDir>/__tests__/helpers/global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/helpers/global-teardown.ts",
  testTimeout: 120000,
  reporters: ["default", "<rootDir>/__tests__/helpers/summary-reporter.js"],
};
