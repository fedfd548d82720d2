/** 0: no failing finding; 1: a failing finding reaches --fail-on; 2: bad input or usage. */
export const EXIT = { clean: 0, failed: 1, badInput: 2 } as const;
