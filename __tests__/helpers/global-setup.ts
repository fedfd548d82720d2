/**
 * Runs once before every test file: finds terraform and the provider mirror once per run (a `find /`
 * takes seconds) and hands the answer to the test workers through the environment.
 */
import { findTerraform, TERRAFORM_ENV } from "./terraform";

export default function globalSetup(): void {
  process.env[TERRAFORM_ENV] = JSON.stringify(findTerraform());
}
