/**
 * Where a stack's local state path starts, as plain data with no cdktf in it: the engine reads
 * it to place state for a deployable output without loading the synthesis code.
 */

/** From `<root>/cdktf.out/stacks/<stack>/` back to `<root>`. */
export const DEFAULT_STATE_ROOT = "../../..";
