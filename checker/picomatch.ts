/**
 * picomatch, loaded on the first glob: most runs match none (no waivers, no Fargate or Karpenter
 * wildcards), and loading its six files cost ~10 ms of every start (issue #13).
 */
import type picomatchModule from "picomatch";

export type PicomatchOptions = picomatchModule.PicomatchOptions;

let loaded: typeof picomatchModule | undefined;

export function picomatch(): typeof picomatchModule {
  return (loaded ??= require("picomatch") as typeof picomatchModule);
}
