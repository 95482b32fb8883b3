/**
 * Stacks that passed the policy gate, kept between processes (engine/persistent-cache.ts): a new
 * `govcloud synth` after one agency edit checks the stacks it rebuilt, not the 190 MB of
 * national tenant stacks that did not change.
 *
 * A stack's fingerprint (engine/stack-reuse.ts) names everything its content is built from, code
 * included. Whether it passes depends besides on the policy code, on the environment's policy
 * settings (its `policy:` section, inside the environment's value; the agencies' suppressions),
 * on the day (suppressions expire, approvals fall due), and on the agencies that rules take as
 * configuration. The entry's key names the first three, so any change there checks every stack
 * again; each stack is recorded with its fingerprint and its agencies. Only a gate that passed is
 * recorded.
 */
import * as path from "node:path";
import type { EnvironmentConfig } from "../environments";
import type { Estate } from "../estate/estate";
import { digest } from "./digest";
import { cacheDir, cacheFileName, readCacheEntry, writeCacheEntry } from "./persistent-cache";
import { cachedCodeFingerprint } from "./stack-reuse";
import { fingerprintFiles, importedCodeFiles } from "./code-fingerprint";

const KIND = "gate";

/**
 * The day in Vietnam (UTC+7, no daylight saving), which policies judge dates by
 * (policies/engine/suppressions.ts). Not imported from there: this module is loaded with the
 * synthesis code, whose fingerprint covers no policy code.
 */
function vietnamDay(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** The gate thread's entry: what it loads (rules, policy engine, gate) decides a verdict besides the stacks' own code. */
const GATE_ENTRY = path.join(__dirname, "policy-gate-worker.cjs");

let policyCode: string | undefined;

function policyFingerprint(repoRoot: string): string {
  policyCode ??= digest(cachedCodeFingerprint(repoRoot), fingerprintFiles(repoRoot, importedCodeFiles(repoRoot, [GATE_ENTRY])));
  return policyCode;
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
    /** Stack name -> what its verdict depends on besides the entry's key. */
    private readonly stackKeys: ReadonlyMap<string, string>,
    /** Stack keys that passed under this key. */
    private readonly passed: ReadonlySet<string>,
  ) {}

  /**
   * The record for `config` today; undefined when the cache is off. A stack's verdict depends on
   * its fingerprint and on the agencies that rules are given as configuration (a placeholder left
   * in a contact's name changes no resource): a tenant stack's own agencies, or every agency for
   * the other stacks.
   */
  public static open(repoRoot: string, config: EnvironmentConfig, estate: Estate, fingerprints: ReadonlyMap<string, string>, now = new Date()): GateCache | undefined {
    const dir = cacheDir(repoRoot);
    if (dir === undefined) return undefined;
    const suppressions = config.agencies.filter((a) => a.value.suppressions.length > 0).map((a) => [a.value.id, a.value.suppressions]);
    const key = digest(policyFingerprint(repoRoot), vietnamDay(now), config.environment.value, suppressions);
    const file = path.join(dir, cacheFileName(KIND, path.resolve(config.environmentPath)));
    const byId = new Map(config.agencies.map((a) => [a.value.id, a.value]));
    const tenantAgencies = new Map(estate.tenantStacks.map((plan) => [plan.name, plan.agencies]));
    let everyAgency: string | undefined;
    const stackKeys = new Map<string, string>();
    for (const [name, fingerprint] of fingerprints) {
      const ids = tenantAgencies.get(name);
      if (ids === undefined) everyAgency ??= digest(...config.agencies.map((a) => a.value));
      stackKeys.set(name, ids === undefined ? digest(fingerprint, everyAgency as string) : digest(fingerprint, ...ids.map((id) => byId.get(id) ?? id)));
    }
    const stored = readCacheEntry<unknown>(file, KIND, key);
    const passed = Array.isArray(stored) && stored.every((f) => typeof f === "string") ? new Set(stored as string[]) : new Set<string>();
    return new GateCache(file, key, stackKeys, passed);
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
