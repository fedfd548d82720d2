/**
 * V8's heap set up for a large plan, by the command alone (bin/eks-sg-policy.js hands `commandIo`
 * to the CLI; a program that imports the checker keeps its own heap).
 *
 * Why (issue #13, V8 11.3's heap.cc): until its first full GC, V8 lowers the old generation's
 * limit after every scavenge, and then keeps it a few MB above what has been promoted. A check
 * promotes its whole model, so from a plan of about 5 MB the limit is passed and V8 marks the
 * whole model once, at about 20 MB. Measured on the benchmark's plans (instructions, valgrind,
 * without NODE_EXTRA_CA_CERTS): 4.2 MB has no full GC, 5.5 MB has one (1.25 G), 7.3 MB one (1.57 G).
 *
 * One full GC of the start-up heap (about 5 MB live) just before such a plan is read ends that
 * phase, and a growing factor of 21 for that one GC sets the limit near 100 MB; then the factor is
 * V8's own again. The 36.5 MB plan then has no other full GC either (it had one at 36 MB of heap),
 * and the higher limit costs little memory there: 157 -> 162 MiB peak RSS (the floor's: 151).
 * The early GC costs about 40 M instructions, a late one 90 M or more: 5.5 MB 1.25 -> 1.20 G,
 * 7.3 MB 1.57 -> 1.49 G, 9.1 MB 1.82 -> 1.75 G, 36.5 MB 6.29 -> 6.02 G. Below the threshold it
 * would only cost: 4.2 MB 0.98 -> 1.02 G.
 */
import v8 from "node:v8";
import vm from "node:vm";

/** Input bytes from which a check has its first full GC with the model alive (see above). */
export const LARGE_PLAN_BYTES = 5 * 2 ** 20;

/**
 * Called with the size of each input before it is parsed: once the inputs read so far reach
 * `threshold` bytes, `collect` runs, once.
 */
export function heapForLargePlans(threshold = LARGE_PLAN_BYTES, collect: () => void = collectWithRoomToGrow): (bytes: number) => void {
  let total = 0;
  return (bytes) => {
    const before = total;
    total += bytes;
    if (before < threshold && total >= threshold) collect();
  };
}

/**
 * A full GC with a growing factor of 21; both flags are back at V8's defaults afterwards.
 * `gc` is there only in a context made while `--expose-gc` is on.
 */
function collectWithRoomToGrow(): void {
  v8.setFlagsFromString("--expose-gc --heap-growing-percent=2000");
  try {
    (vm.runInNewContext("gc") as () => void)();
  } finally {
    v8.setFlagsFromString("--no-expose-gc --heap-growing-percent=0");
  }
}
