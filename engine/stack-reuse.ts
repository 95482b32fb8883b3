/**
 * Re-synthesis rebuilds only the stacks whose inputs changed. Each stack gets a fingerprint of
 * everything it is built from: the code that builds stacks, the environment, and its own part
 * of the estate (a tenant stack's agencies and what their tenants are built from, a platform
 * or backup stack's backup plan). Stacks whose
 * fingerprint matches the previous output's are linked from it instead of synthesized again.
 * Editing one agency therefore rebuilds its home and disaster-recovery tenant stacks and the
 * platform stacks whose backup plans it touches, nothing else. A stack's fingerprint depends on
 * what is built, not on which files changed, so a change that reaches another agency's tenant
 * (a dependency, a placement) rebuilds that tenant's stack too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stableJson } from "../core/stable-json";
import { backupStackInputs } from "../estate/backup";
import type { Estate } from "../estate/estate";
import { digest } from "./digest";
import { backupStackName, MANAGEMENT_STACK, platformStackName } from "../stacks/stack-plan";
import { importedCodeFiles, stampedFingerprint } from "./code-fingerprint";
import { stackShape, tenantDigest } from "./tenant-keys";
import { STACK_FILES } from "./working-files";
import { FINGERPRINTS_FILE } from "./thread-setting";

/**
 * The modules that decide what synthesis writes: the command's synthesis (reading and validating
 * the environment, building the estate, the caches of a watch session, the output folder, the
 * threads it starts, which synthesize too) and the synthesis code it loads lazily (stacks and
 * constructs).
 */
const SYNTHESIS_ENTRIES = ["synth.ts", path.join("..", "stacks", "govcloud-app.ts")];

/**
 * The repository's source files that the synthesis entries can load, directly or not, found in
 * their source text (engine/code-fingerprint.ts: everything they import or start as a thread,
 * not a list of folders), without loading them: a re-synthesis that changed nothing, or only
 * stacks that the gate's thread synthesizes, never loads cdktf here. Dependencies under
 * node_modules are covered by package-lock.json.
 */
export function synthesisCodeFiles(repoRoot: string): string[] {
  return importedCodeFiles(repoRoot, SYNTHESIS_ENTRIES.map((entry) => path.resolve(__dirname, entry)));
}

/**
 * A fingerprint of the code that builds stacks and of the dependencies it runs on (taken from the
 * persistent cache while none of its files has changed, stampedFingerprint).
 */
export function codeFingerprint(repoRoot: string): string {
  return stampedFingerprint(repoRoot, "synthesis", () => synthesisCodeFiles(repoRoot));
}

const fingerprints = new Map<string, string>();

/**
 * The code fingerprint, computed once per process: a process runs the code it loaded when it
 * started, whatever happens to the files later.
 */
export function cachedCodeFingerprint(repoRoot: string): string {
  return knownCodeFingerprint(repoRoot) ?? rememberCodeFingerprint(repoRoot, codeFingerprint(repoRoot));
}

/** The code fingerprint of this process, if it is known yet. */
export function knownCodeFingerprint(repoRoot: string): string | undefined {
  return fingerprints.get(repoRoot);
}

/** Records the code fingerprint (computed on another thread: the gate's, engine/synth.ts); returns it. */
export function rememberCodeFingerprint(repoRoot: string, fingerprint: string): string {
  fingerprints.set(repoRoot, fingerprint);
  return fingerprint;
}

/** Stack name -> fingerprint of its inputs. */
export function stackFingerprints(estate: Estate, code: string, stateRoot?: string): Map<string, string> {
  // Where the output is deployed from decides its local state paths.
  const env = stateRoot === undefined ? digest(code, estate.environment) : digest(code, estate.environment, stateRoot);
  const fingerprints = new Map<string, string>();
  fingerprints.set(MANAGEMENT_STACK, env);
  for (const regionId of Object.keys(estate.environment.regions)) {
    const backup = estate.backup?.regions.get(regionId);
    fingerprints.set(platformStackName(regionId), digest(env, backup));
    if (backup !== undefined) fingerprints.set(backupStackName(regionId), digest(env, "backup", backupStackInputs(backup)));
  }
  for (const plan of estate.tenantStacks) {
    // The stack's blocks are its tenants' blocks merged in order; each tenant's digest covers what
    // its blocks are built from (engine/tenant-keys.ts). Every other field of the plan counts as it is.
    const { tenants, ...fields } = stackShape(plan);
    fingerprints.set(plan.name, digest(env, fields, tenants.map(tenantDigest)));
  }
  return fingerprints;
}

/** The fingerprints recorded in `outdir` (none when it has no readable record). */
export function recordedFingerprints(outdir: string): Record<string, unknown> {
  try {
    const recorded: unknown = JSON.parse(fs.readFileSync(path.join(outdir, FINGERPRINTS_FILE), "utf8"));
    return recorded !== null && typeof recorded === "object" && !Array.isArray(recorded) ? (recorded as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Stacks of `previousOutdir` (whose record is `previous`) that can be reused as they are. */
export function reusableStacks(previousOutdir: string, fingerprints: ReadonlyMap<string, string>, previous = recordedFingerprints(previousOutdir)): Set<string> {
  const reusable = new Set<string>();
  for (const [name, fingerprint] of fingerprints) {
    if (previous[name] === fingerprint && fs.existsSync(path.join(previousOutdir, "stacks", name, "cdk.tf.json"))) reusable.add(name);
  }
  return reusable;
}

/**
 * Puts the synthesized files of reused stacks of the previous output into the new one. Files
 * are hard-linked (190 MB of national tenant stacks in milliseconds): no one writes into a
 * synthesized file, the output is replaced as a whole, so the previous output stays intact
 * whatever happens next. Where links are not possible (another file system, no permission) they
 * are copied. Working files (`.terraform/`, plans) are not synthesized: they are carried over
 * when the output is swapped in (engine/working-files.ts).
 */
export function copyStacks(previousOutdir: string, outdir: string, names: Iterable<string>): void {
  for (const name of names) {
    const to = path.join(outdir, "stacks", name);
    fs.mkdirSync(to, { recursive: true });
    for (const file of STACK_FILES) {
      const source = path.join(previousOutdir, "stacks", name, file);
      if (!fs.existsSync(source)) continue;
      try {
        fs.linkSync(source, path.join(to, file));
      } catch {
        fs.copyFileSync(source, path.join(to, file));
      }
    }
  }
}

/**
 * Links `file` (a file of the output folder beside the stacks, such as sources.json) from the
 * previous output when that output recorded it with the same fingerprint; false when it must be
 * written. Its fingerprint is recorded under its name, which no stack has (stack names have no dot).
 */
export function reuseOutputFile(previousOutdir: string, outdir: string, file: string, fingerprint: string, previous = recordedFingerprints(previousOutdir)): boolean {
  if (previous[file] !== fingerprint) return false;
  try {
    fs.linkSync(path.join(previousOutdir, file), path.join(outdir, file));
    return true;
  } catch {
    return false; // gone, or links impossible here: written instead
  }
}

/** Records the fingerprints of the stacks and of `files` (output files other than stacks, reuseOutputFile). */
export function writeFingerprints(outdir: string, fingerprints: ReadonlyMap<string, string>, stacks: readonly string[], files: Readonly<Record<string, string>> = {}): void {
  const entries = { ...Object.fromEntries(stacks.map((name) => [name, fingerprints.get(name)])), ...files };
  fs.writeFileSync(path.join(outdir, FINGERPRINTS_FILE), stableJson(entries));
}
