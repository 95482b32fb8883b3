/**
 * Stacks that passed the policy gate, kept between processes (cli/persistent-cache.ts): a new
 * `govcloud synth` after one agency edit checks the stacks it rebuilt, not the 190 MB of
 * national tenant stacks that did not change.
 *
 * A stack's fingerprint (cli/stack-reuse.ts) names everything its content is built from, code
 * included. Whether it passes depends besides only on the policy code and on the environment's
 * policy settings: its `policy:` section (inside the environment's value), the agencies'
 * suppressions, and the day (suppressions expire, approvals fall due). The entry's key names all
 * of them, so any change there checks every stack again. Only a gate that passed is recorded.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnvironmentConfig } from "../environments";
import { digest } from "../estate/digest";
import { vietnamDate } from "../policies/engine/suppressions";
import { cacheDir, cacheFileName, readCacheEntry, writeCacheEntry } from "./persistent-cache";
import { cachedCodeFingerprint } from "./stack-reuse";

const KIND = "gate";

/** Code besides the stacks' own that decides a verdict: the rules, the engine, the gate. */
const POLICY_CODE = ["policies", "cli/policy-gate.ts", "cli/policy-gate-worker.ts"];

let policyCode: string | undefined;

function policyFingerprint(repoRoot: string): string {
  if (policyCode !== undefined) return policyCode;
  const files: string[] = [];
  for (const entry of POLICY_CODE) {
    const full = path.join(repoRoot, entry);
    if (fs.statSync(full).isDirectory()) {
      for (const e of fs.readdirSync(full, { recursive: true, withFileTypes: true })) {
        if (e.isFile() && (e.name.endsWith(".ts") || e.name.endsWith(".json"))) files.push(path.join(e.parentPath, e.name));
      }
    } else {
      files.push(full);
    }
  }
  const h = createHash("sha256").update(cachedCodeFingerprint(repoRoot));
  for (const file of files.sort()) h.update(path.relative(repoRoot, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  policyCode = h.digest("hex");
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
    /** Fingerprints of stacks that passed under this key. */
    public readonly passed: ReadonlySet<string>,
  ) {}

  /** The record for `config` today; undefined when the cache is off. */
  public static open(repoRoot: string, config: EnvironmentConfig, now = new Date()): GateCache | undefined {
    const dir = cacheDir(repoRoot);
    if (dir === undefined) return undefined;
    const suppressions = config.agencies.filter((a) => a.value.suppressions.length > 0).map((a) => [a.value.id, a.value.suppressions]);
    const key = digest(policyFingerprint(repoRoot), vietnamDate(now), config.environment.value, suppressions);
    const file = path.join(dir, cacheFileName(KIND, path.resolve(config.environmentPath)));
    const stored = readCacheEntry<unknown>(file, KIND, key);
    const passed = Array.isArray(stored) && stored.every((f) => typeof f === "string") ? new Set(stored as string[]) : new Set<string>();
    return new GateCache(file, key, passed);
  }

  /** Notes how many stacks the gate checks and how many it leaves out (lastGateCacheUse). */
  public noteUse(checked: number, passedBefore: number): void {
    lastUse = { checked, passedBefore };
  }

  /** Records that the stacks of these fingerprints passed (all stacks of the output, after a gate that passed). */
  public record(fingerprints: Iterable<string>): void {
    const all = [...new Set(fingerprints)].sort();
    if (all.length === this.passed.size && all.every((f) => this.passed.has(f))) return;
    writeCacheEntry(this.file, KIND, this.key, all);
  }
}
