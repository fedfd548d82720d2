// Prints one closing line in the plain form CI systems read: "N passed, N failed, N skipped". A test
// file that could not run at all (it failed to load, or threw outside its tests) counts as a failure
// of its own, so the line never reads clean while tests were lost. Each skipped test is named below
// it: their names say why they skipped (no shared corpus beside the clone, the unit-only loop), which
// Jest's default output shows only with --verbose.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const broken = results.testResults.filter((file) => file.testExecError !== undefined || (file.failureMessage && file.numFailingTests === 0)).length;
    const failed = results.numFailedTests + broken;
    const lost = broken > 0 ? ` (${broken} test file${broken === 1 ? "" : "s"} could not run)` : "";
    const skipped = results.testResults.flatMap((file) => file.testResults.filter((test) => test.status === "pending").map((test) => `  skipped: ${test.fullName}\n`));
    process.stdout.write(`\ntests: ${results.numPassedTests} passed, ${failed} failed${lost}, ${results.numPendingTests} skipped\n${skipped.join("")}`);
  }
}
module.exports = SummaryReporter;
