/** Runs once after every test file: removes the run's temporary folder (scratch-root.ts). */
import { endScratchRoot } from "./scratch-root";

export default function globalTeardown(): void {
  endScratchRoot();
}
