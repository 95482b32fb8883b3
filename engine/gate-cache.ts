/**
 * Stacks that passed the policy gate, kept between processes (engine/persistent-cache.ts): a new
 * `govcloud synth` after one agency edit checks the stacks it rebuilt, not the 190 MB of
 * national tenant stacks that did not change.
 *
 * A verdict is a function of the policy code, the day (suppressions expire, approvals fall due),
 * the rules' inputs that are not resources and the stack's own content. The rules' inputs are
 * exactly what the gate's thread is given to make its settings (engine/policy-gate.ts takes them
 * from `ruleInputs` here): the environment's value and the agencies that carry suppressions, whole
 * (rules take them as configuration). The entry's key names all of these, so a change there checks
 * every stack again. A stack's content is named by its fingerprint (engine/stack-reuse.ts), which
 * names everything its bytes are built from, code included: each stack is recorded by its
 * fingerprint alone. Editing an agency without suppressions therefore re-checks only the stacks
 * whose fingerprint changed (its tenant stacks, and a platform or backup stack only when its
 * backup plan did). Only a gate that passed is recorded.
 */
import * as path from "node:path";
import type { EnvironmentConfig, LoadedAgency } from "../environments";
import { digest } from "./digest";
import { cacheDir, cacheFileName, readCacheEntry, writeCacheEntry } from "./persistent-cache";
import { cachedCodeFingerprint } from "./stack-reuse";

const KIND = "gate";

/**
 * The day in Vietnam (UTC+7, no daylight saving), which policies judge dates by
 * (policies/engine/suppressions.ts). Not imported from there, which would load the policy engine
 * on the main thread.
 */
function vietnamDay(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** What the last gate with the cache did: stacks it checked, and stacks left out as passed before. */
let lastUse = { checked: 0, passedBefore: 0 };

export function lastGateCacheUse(): { readonly checked: number; readonly passedBefore: number } {
  return lastUse;
}

export class GateCache {
  private constructor(
    private readonly file: string,
    private readonly key: string,
    /** Stack name -> what its verdict depends on besides the entry's key: its fingerprint. */
    private readonly stackKeys: ReadonlyMap<string, string>,
    /** Stack keys that passed under this key. */
    private readonly passed: ReadonlySet<string>,
  ) {}

  /** The record for `config` today, for stacks with these fingerprints; undefined when the cache is off. */
  public static open(repoRoot: string, config: EnvironmentConfig, fingerprints: ReadonlyMap<string, string>, now = new Date()): GateCache | undefined {
    const dir = cacheDir(repoRoot);
    if (dir === undefined) return undefined;
    // The code a verdict depends on besides the stacks' content (the rules, the policy engine, the
    // gate's thread) is covered by the synthesis code fingerprint: engine/stack-reuse.ts finds it
    // from engine/synth.ts, which starts that thread.
    const key = digest(cachedCodeFingerprint(repoRoot), verdictInputsKey(config, now));
    const file = path.join(dir, cacheFileName(KIND, path.resolve(config.environmentPath)));
    const stored = readCacheEntry<unknown>(file, KIND, key);
    const passed = Array.isArray(stored) && stored.every((f) => typeof f === "string") ? new Set(stored as string[]) : new Set<string>();
    return new GateCache(file, key, fingerprints, passed);
  }

  /** Whether stack `name` passed before, as it is now. */
  public hasPassed(name: string): boolean {
    const stackKey = this.stackKeys.get(name);
    return stackKey !== undefined && this.passed.has(stackKey);
  }

  /** Stacks that passed before, as they are now. */
  public passedCount(): number {
    return [...this.stackKeys.keys()].filter((name) => this.hasPassed(name)).length;
  }

  /** Notes how many stacks the gate checks and how many it leaves out (lastGateCacheUse). */
  public noteUse(checked: number, passedBefore: number): void {
    lastUse = { checked, passedBefore };
  }

  /** Records that every stack passed (after a gate that passed). */
  public recordAllPassed(): void {
    const all = [...new Set(this.stackKeys.values())].sort();
    if (all.length === this.passed.size && all.every((k) => this.passed.has(k))) return;
    writeCacheEntry(this.file, KIND, this.key, all);
  }
}

/**
 * What the rules are given besides resources: the environment's value and the agencies that carry
 * suppressions (their suppressions, and the whole agency as the rules' configuration). The policy
 * gate sends exactly these to its thread (engine/policy-gate.ts), so the gate cache's key and the
 * rules' configuration cannot drift apart.
 */
export function ruleInputs(config: EnvironmentConfig): { readonly environment: EnvironmentConfig["environment"]["value"]; readonly agencies: readonly LoadedAgency[] } {
  return { environment: config.environment.value, agencies: config.agencies.filter((a) => a.value.suppressions.length > 0) };
}

/**
 * A digest of what a verdict depends on besides the policy code and the stack: the day in Vietnam
 * and the rules' inputs. A watch session (whose policy code cannot change) keys its passed stacks
 * by it and their fingerprints.
 */
export function verdictInputsKey(config: EnvironmentConfig, now = new Date()): string {
  const inputs = ruleInputs(config);
  return digest(vietnamDay(now), inputs.environment, inputs.agencies.map((a) => a.value));
}
