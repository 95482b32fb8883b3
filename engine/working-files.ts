/**
 * Synth owns only the files it writes. In an output folder those are `manifest.json`,
 * `sources.json`, `stack-fingerprints.json` and each `stacks/<stack>/cdk.tf.json`; everything
 * else is someone's working files (Terraform's `.terraform/` and `.terraform.lock.hcl`, saved
 * plans, notes) and is carried into the new output at the same place when synth replaces the
 * folder, by renaming (same file system, so folders, symlinks and permissions stay as they are).
 *
 * A stack that is no longer synthesized loses its `cdk.tf.json`, but a folder of its working
 * files stays (`stacks/<stack>/` without a configuration, not in manifest.json): synth never
 * deletes what it did not write. The command names such folders; remove them by hand once the
 * stack's resources are gone.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The files synth writes at the top of an output folder (and the stacks folder it fills). */
export const OUTPUT_FILES: ReadonlySet<string> = new Set(["manifest.json", "sources.json", "stack-fingerprints.json", "stacks"]);
/** The files synth writes in a stack folder. */
export const STACK_FILES: ReadonlySet<string> = new Set(["cdk.tf.json"]);

export interface CarriedOver {
  /** Entries moved, as [from, to] absolute paths, in the order they were moved. */
  readonly moves: ReadonlyArray<readonly [string, string]>;
  /** Stacks whose folders stay only for their working files (not in the new output). */
  readonly removedStacks: readonly string[];
}

/**
 * Moves every entry of `previous` that synth does not own into `next`, where `next` has none
 * of that name. Returns what it moved, so that a failed swap can put it back (`undoCarryOver`).
 */
export function carryOverWorkingFiles(previous: string, next: string): CarriedOver {
  const moves: Array<[string, string]> = [];
  const removedStacks: string[] = [];
  if (!fs.existsSync(previous)) return { moves, removedStacks };
  try {
    const move = (from: string, to: string) => {
      if (fs.existsSync(to)) return;
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(from, to);
      moves.push([from, to]);
    };
    for (const entry of fs.readdirSync(previous).sort()) {
      if (!OUTPUT_FILES.has(entry)) move(path.join(previous, entry), path.join(next, entry));
    }
    const stacks = path.join(previous, "stacks");
    if (!isDirectory(stacks)) return { moves, removedStacks };
    for (const stack of fs.readdirSync(stacks).sort()) {
      const from = path.join(stacks, stack);
      const to = path.join(next, "stacks", stack);
      if (!isDirectory(from)) {
        move(from, to);
        continue;
      }
      const working = fs.readdirSync(from).filter((entry) => !STACK_FILES.has(entry));
      if (working.length === 0) continue;
      if (!fs.existsSync(path.join(to, "cdk.tf.json"))) removedStacks.push(stack);
      for (const entry of working.sort()) move(path.join(from, entry), path.join(to, entry));
    }
  } catch (error) {
    undoCarryOver({ moves, removedStacks });
    throw error;
  }
  return { moves, removedStacks };
}

/** Puts back what `carryOverWorkingFiles` moved. */
export function undoCarryOver(carried: CarriedOver): void {
  for (const [from, to] of [...carried.moves].reverse()) fs.renameSync(to, from);
}

function isDirectory(p: string): boolean {
  return fs.existsSync(p) && fs.statSync(p).isDirectory();
}

/** The committed provider lock file of a stack's kind: `<env folder>/<env>/provider-locks/<kind>.terraform.lock.hcl`. */
export function committedProviderLock(environmentPath: string, stack: string): string {
  // backup-<region> stacks take the tenant stacks' file: both have the kubernetes provider only.
  const kind = stack === "management" ? "management" : stack.startsWith("platform-") ? "platform" : "tenants";
  return path.join(path.dirname(environmentPath), path.basename(environmentPath).replace(/\.ya?ml$/, ""), "provider-locks", `${kind}.terraform.lock.hcl`);
}

/**
 * Seeds each stack folder of `next` that has no provider lock file, neither there nor in
 * `previous`, with the environment's committed lock file of its kind (if there is one). A lock
 * file already in a stack folder is Terraform's working file and stays as it is.
 */
export function seedProviderLocks(environmentPath: string, previous: string, next: string, stacks: readonly string[]): void {
  for (const stack of stacks) {
    const committed = committedProviderLock(environmentPath, stack);
    const name = ".terraform.lock.hcl";
    if (!fs.existsSync(committed) || fs.existsSync(path.join(previous, "stacks", stack, name))) continue;
    fs.copyFileSync(committed, path.join(next, "stacks", stack, name));
  }
}
