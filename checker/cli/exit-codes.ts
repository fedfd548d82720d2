/**
 * 0: no failing finding (deploy: every stack asked for was applied, or the question was answered no).
 * 1: a failing finding reaches --fail-on (deploy: at plan, or the synth-time gate stopped the synth).
 * 2: bad input or usage; for deploy also a step that failed before any apply of that stack began
 *    (synth, init, plan, show, a plan file changed after its check): nothing more was applied.
 * 3: deploy only: `terraform apply` started and failed, so resources may have changed; its own exit
 *    code is in the message. A different code from 2 because the next step differs: look, not retry.
 */
export const EXIT = { clean: 0, failed: 1, badInput: 2, applyFailed: 3 } as const;
