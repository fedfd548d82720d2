// eslint-disable-next-line @typescript-eslint/no-require-imports
const SummaryReporter = require("./helpers/summary-reporter.js") as new () => { onRunComplete(contexts: unknown, results: unknown): void };

type TestStatus = "passed" | "failed" | "pending";

function fileResult(tests: [string, TestStatus][], extra: Record<string, unknown> = {}) {
  return { testResults: tests.map(([fullName, status]) => ({ fullName, status })), numFailingTests: tests.filter(([, s]) => s === "failed").length, ...extra };
}

function printed(files: ReturnType<typeof fileResult>[]): string {
  const all = files.flatMap((f) => f.testResults);
  const count = (status: TestStatus) => all.filter((t) => t.status === status).length;
  let out = "";
  const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  try {
    new SummaryReporter().onRunComplete([], { testResults: files, numPassedTests: count("passed"), numFailedTests: count("failed"), numPendingTests: count("pending") });
  } finally {
    write.mockRestore();
  }
  return out;
}

test.each([
  ["all passed", [fileResult([["a works", "passed"]])], "\ntests: 1 passed, 0 failed, 0 skipped\n"],
  [
    "skipped tests are named, with the reason their names give",
    [fileResult([["a works", "passed"], ["the shared corpus adds its plans (skipped: no ../shared)", "pending"]]), fileResult([["b (skipped: unit-only)", "pending"], ["c breaks", "failed"]])],
    "\ntests: 1 passed, 1 failed, 2 skipped\n  skipped: the shared corpus adds its plans (skipped: no ../shared)\n  skipped: b (skipped: unit-only)\n",
  ],
  ["a file that could not run counts as a failure", [fileResult([], { testExecError: { message: "SyntaxError" } })], "\ntests: 0 passed, 1 failed (1 test file could not run), 0 skipped\n"],
])("%s", (_name, files, expected) => {
  expect(printed(files)).toBe(expected);
});
