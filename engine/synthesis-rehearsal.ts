/**
 * A rehearsal of synthesis for the policy gate's thread of a re-synthesis. That thread loads the
 * synthesis code and then waits for the main thread to say which tenant stacks changed; the
 * first stacks a new thread synthesizes are slow, because V8 compiles and warms up every function
 * on the way (measured on the 3,400-agency estate, one agency edited: the thread synthesized the
 * two changed stacks in 270-277 ms, and a copy of the same two right after in 73-95 ms). So it
 * rehearses meanwhile: it synthesizes a few tenants of the last synthesis into a scratch folder
 * and throws the output away.
 *
 * The few tenants are kept in the persistent cache (engine/persistent-cache.ts), one entry per
 * repository: the last synthesized environment's smallest tenant stack, cut down to tenants that
 * between them have every workload template and tenant role of that stack. A rehearsal is only
 * ever a warm-up: whatever it does, it writes nothing but its scratch folder (under the persistent
 * cache, where a later rehearsal removes one that a process ending mid-rehearsal left, say after
 * a configuration error on the main thread), and it fails silently (an entry made by other code,
 * or none, means no rehearsal).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Environment } from "../environments/schema";
import type { Estate, TenantStackShape } from "../estate/estate";
import type { TenantTask } from "../estate/tenant-task";
import { cacheDir, cacheFileName, readCacheEntry, writeCacheEntry } from "./persistent-cache";
import { stackShape } from "./tenant-keys";
import { synthesizeTenantStacks } from "./worker-synthesis";

const KIND = "synthesis-rehearsal";
/** Changed with the shape of what is stored. */
const KEY = "1";
/**
 * Tenants rehearsed: enough for V8 to optimize what runs for every instance, not only to compile
 * it (measured as above: with 8 tenants the changed stacks took 250-280 ms after the rehearsal,
 * with 30 tenants 180-195 ms; either rehearsal took about 0.1 s).
 */
const TENANTS = 30;

interface Rehearsal {
  readonly environment: Environment;
  readonly stateRoot?: string;
  readonly plan: TenantStackShape;
}

function rehearsalFile(repoRoot: string): string | undefined {
  const dir = cacheDir(repoRoot);
  return dir === undefined ? undefined : path.join(dir, cacheFileName(KIND, path.resolve(repoRoot)));
}

/** What a tenant adds to a rehearsal: its role and its workloads' templates. */
function features(task: TenantTask): string[] {
  const templates = task.workloads.map((name) => task.agency.workloads[name]?.template);
  return [`role:${task.role}`, ...templates.map((template) => `template:${String(template)}`)];
}

/**
 * The rehearsal of `estate`: its smallest tenant stack, cut down to {@link TENANTS} tenants, those
 * that bring a role or template not yet covered first; undefined when the estate has no tenant stack.
 */
export function rehearsalOf(estate: Pick<Estate, "environment" | "tenantStacks"> & { readonly stateRoot?: string }): Rehearsal | undefined {
  const smallest = [...estate.tenantStacks].sort((a, b) => a.resources - b.resources || (a.name < b.name ? -1 : 1))[0];
  if (smallest === undefined) return undefined;
  const covered = new Set<string>();
  const chosen = new Set<TenantTask>();
  for (const task of smallest.tenants) {
    const adds = features(task).filter((f) => !covered.has(f));
    if (adds.length === 0 || chosen.size >= TENANTS) continue;
    for (const f of adds) covered.add(f);
    chosen.add(task);
  }
  for (const task of smallest.tenants) if (chosen.size < TENANTS) chosen.add(task);
  // In the stack's order, as its blocks are merged.
  const tenants = smallest.tenants.filter((task) => chosen.has(task));
  const agencies = [...new Set(tenants.map((t) => t.agency.id))].sort();
  const shape = stackShape(smallest);
  const plan: TenantStackShape = { ...shape, agencies, tenants, renames: new Map([...shape.renames].filter(([id]) => agencies.includes(id))) };
  return { environment: estate.environment, ...(estate.stateRoot === undefined ? {} : { stateRoot: estate.stateRoot }), plan };
}

/** Keeps the rehearsal of `estate` for the next re-synthesis's gate thread. */
export function recordRehearsal(repoRoot: string, estate: Pick<Estate, "environment" | "tenantStacks"> & { readonly stateRoot?: string }): void {
  const file = rehearsalFile(repoRoot);
  const rehearsal = file === undefined ? undefined : rehearsalOf(estate);
  if (file !== undefined && rehearsal !== undefined) writeCacheEntry(file, KIND, KEY, rehearsal);
}

/** How old a rehearsal's scratch folder must be to be a leftover: a rehearsal takes about a tenth of a second. */
const LEFTOVER_MS = 60_000;

/**
 * A new scratch folder under `dir` (the persistent cache's `rehearsals/`), after removing those a
 * process left there when it ended while rehearsing.
 */
function scratchFolder(dir: string): string {
  const parent = path.join(dir, "rehearsals");
  fs.mkdirSync(parent, { recursive: true });
  for (const name of fs.readdirSync(parent)) {
    const folder = path.join(parent, name);
    const stat = fs.statSync(folder, { throwIfNoEntry: false });
    if (stat !== undefined && Date.now() - stat.mtimeMs > LEFTOVER_MS) fs.rmSync(folder, { recursive: true, force: true });
  }
  return fs.mkdtempSync(path.join(parent, "run-"));
}

/**
 * Synthesizes the kept rehearsal into a scratch folder, removed after; the stacks written (none
 * without a rehearsal, or when it failed).
 */
export function rehearseSynthesis(repoRoot: string): string[] {
  const dir = cacheDir(repoRoot);
  const file = rehearsalFile(repoRoot);
  const rehearsal = file === undefined ? undefined : readCacheEntry<Rehearsal>(file, KIND, KEY);
  if (dir === undefined || rehearsal === undefined) return [];
  let scratch: string | undefined;
  try {
    scratch = scratchFolder(dir);
    const job = { environment: rehearsal.environment, ...(rehearsal.stateRoot === undefined ? {} : { stateRoot: rehearsal.stateRoot }), plans: [rehearsal.plan], outdir: scratch };
    return synthesizeTenantStacks(job, [rehearsal.plan.name]);
  } catch {
    return [];
  } finally {
    if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
  }
}
