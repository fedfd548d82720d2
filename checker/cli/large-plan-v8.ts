/**
 * V8 set up for the size of what a check reads, by the command alone (bin/eks-sg-policy.js hands
 * `commandIo` to the CLI; a program that imports the checker keeps its own settings). The bin
 * starts with TurboFan off; the steps below run as the inputs read so far reach their sizes.
 *
 * TurboFan (issue #13). A check runs each function over the plan once, so compiling pays only
 * where a loop runs over many bytes or values, and only when there are enough of them. The command
 * lets TurboFan compile three functions, named for it, at the size from which each paid, whole
 * process CPU on the benchmark's plans (medians of 9-31 interleaved runs, paired ratios against
 * all three compiled from the start):
 * - none below 2 MB, where a plan is parsed whole (plan-pieces.ts): the 756 KB plan 0.93-0.95x;
 * - `hotLoad*` (the byte scan and the depth walk, about 3 ms each to compile) from 2 MB: they run
 *   over every byte that is not parsed in batches, such as a `prior_state`; a 10 MB plan with a
 *   3 MB `prior_state` took 1.09x without them and 0.99x with them;
 * - `hot*` (the merge walk too, 18-33 ms to compile) from 16 MB: 1,900 resources (3.7 MB)
 *   0.90x without it, 3,800 (7.3 MB) 0.90-0.98x, 7,600 (14.6 MB) 0.95x; 11,400 (21.9 MB)
 *   1.04-1.10x and 19,000 (36.5 MB) 1.02-1.13x.
 * Counted in instructions the merge walk pays from smaller plans (3,800 resources: 1.48 G compiled,
 * 1.54 G not): its compile costs more CPU than its instructions say.
 *
 * The heap (V8 11.3's heap.cc). Until its first full GC, V8 lowers the old generation's limit
 * after every scavenge, and then keeps it a few MB above what has been promoted. A check promotes
 * its whole model, so from a plan of about 5 MB the limit is passed and V8 marks the whole model
 * once, at about 20 MB. One full GC of the start-up heap (about 5 MB live) just before such a plan
 * is read ends that phase, and a growing factor of 21 for that one GC sets the limit near 100 MB;
 * then the factor is V8's own again. The 36.5 MB plan then has no other full GC either (it had one
 * at 36 MB of heap), and the higher limit costs little memory there: 157 -> 162 MiB peak RSS (the
 * floor's: 151). Instructions (valgrind, without NODE_EXTRA_CA_CERTS): the early GC costs about
 * 40 M, a late one 90 M or more: 5.5 MB 1.25 -> 1.20 G, 7.3 MB 1.57 -> 1.49 G, 9.1 MB 1.82 ->
 * 1.75 G, 36.5 MB 6.29 -> 6.02 G. Below 5 MB it would only cost: 4.2 MB 0.98 -> 1.02 G.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { MIN_PLAN_BYTES } from "../load/plan-pieces";

/** Input bytes from which a check has its first full GC with the model alive (see above). */
export const LARGE_PLAN_BYTES = 5 * 2 ** 20;

/** Input bytes from which the merge walk's compile pays for itself (see above). */
export const MERGE_COMPILED_BYTES = 16 * 2 ** 20;

/** The functions TurboFan compiles from each size, by the prefix of their names. */
export const COMPILED_PREFIXES = { fromPieces: "hotLoad", fromMergeSize: "hot" } as const;

/** Something the command does once the inputs read so far reach `bytes`. */
export interface SizeStep {
  readonly bytes: number;
  readonly run: () => void;
}

export const COMMAND_STEPS: readonly SizeStep[] = [
  { bytes: MIN_PLAN_BYTES, run: () => v8.setFlagsFromString(`--turbofan --turbo-filter=${COMPILED_PREFIXES.fromPieces}*`) },
  { bytes: LARGE_PLAN_BYTES, run: collectWithRoomToGrow },
  { bytes: MERGE_COMPILED_BYTES, run: () => v8.setFlagsFromString(`--turbo-filter=${COMPILED_PREFIXES.fromMergeSize}*`) },
];

/**
 * Called with the size of each input before it is parsed: each step runs once, in order, when
 * the inputs read so far first reach its size.
 */
export function stepsBySize(steps: readonly SizeStep[] = COMMAND_STEPS): (bytes: number) => void {
  let total = 0;
  return (bytes) => {
    const before = total;
    total += bytes;
    for (const step of steps) if (before < step.bytes && total >= step.bytes) step.run();
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
