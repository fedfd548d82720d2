/**
 * Runs once before every test file: finds terraform and the provider mirror once per run (a `find /`
 * takes seconds) and hands the answer to the test workers through the environment. It also gives
 * the run its own temporary folder (see scratch-root.ts), which global-teardown.ts removes.
 */
import { startScratchRoot } from "./scratch-root";
import { findTerraform, TERRAFORM_ENV } from "./terraform";

export default function globalSetup(): void {
  process.env[TERRAFORM_ENV] = JSON.stringify(findTerraform());
  startScratchRoot();
}
