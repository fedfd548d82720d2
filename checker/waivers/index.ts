export { applyWaivers, expiredNote, type ApplyWaiversResult } from "./apply-waivers";
export { addressGlobProblem, compileAddressGlob, compileInputGlob } from "./address-glob";
export { loadWaiversFile, parseWaiversFile, type LoadWaiversOptions } from "./load-waivers";
export * from "./waiver";
