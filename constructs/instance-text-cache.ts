/**
 * Written instance texts kept by a long-running process between syntheses (no cdktf here: the
 * CLI creates the cache before it loads the synthesis code).
 */
import type { InstanceValues } from "../estate/tenant-model";
import type { StableJsonText } from "../core/stable-json";

/**
 * The written text of instances from earlier syntheses, for long-running processes
 * (`govcloud synth --watch`): when an edit rebuilds a stack, the instances of the agencies that
 * did not change are copied as text instead of escaped, transformed and written again. An
 * instance is the same while its values are the same object (the estate keeps unchanged
 * agencies' instances, engine/estate-memo.ts) in the same resource of the same stack, whose
 * transforms come from the same code and environment. Holds the stacks rebuilt last, at most
 * `maxStacks` of them.
 */
export class InstanceTextCache {
  private environment: unknown;
  private readonly stacks = new Map<string, Map<string, Map<InstanceValues, StableJsonText>>>();

  constructor(private readonly maxStacks = 8) {}

  /** @internal The texts of one stack's resources (`environment`: what its transforms derive from). */
  public forStack(environment: unknown, stack: string): Map<string, Map<InstanceValues, StableJsonText>> {
    if (environment !== this.environment) {
      this.environment = environment;
      this.stacks.clear();
    }
    const texts = this.stacks.get(stack) ?? new Map<string, Map<InstanceValues, StableJsonText>>();
    // Most recently used last; the oldest goes first.
    this.stacks.delete(stack);
    this.stacks.set(stack, texts);
    for (const oldest of this.stacks.keys()) {
      if (this.stacks.size <= this.maxStacks) break;
      this.stacks.delete(oldest);
    }
    return texts;
  }
}
