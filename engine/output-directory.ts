/**
 * Writing a whole output folder so that a failure never leaves it half-written: build into a
 * temporary sibling, carry the previous folder's working files into it (engine/working-files.ts),
 * then swap it in with renames on the same file system.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { displayPath, UserError } from "../environments/diagnostics";
import { carryOverWorkingFiles, type CarriedOver, undoCarryOver } from "./working-files";

/** The file that marks a folder as cdktf output, which we may replace. */
const MARKER = "manifest.json";

export interface ReplaceOptions {
  /**
   * Remove the replaced folder after returning rather than before (a long-running process
   * answers sooner; the new output is in place either way).
   * @default false
   */
  readonly removeOldInBackground?: boolean;
  /** Told what was carried over from the replaced folder (its working files). */
  readonly onCarriedOver?: (carried: CarriedOver) => void;
}

/**
 * Runs `build` on a fresh temporary folder next to `target`, then replaces `target` with it.
 * When `build` throws, the temporary folder is removed and `target` is untouched.
 */
export function replaceDirectory<T>(target: string, build: (tempDir: string) => T, options: ReplaceOptions = {}): T {
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  refuseForeignFolder(target);

  const temp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.new-`));
  let result: T;
  try {
    result = build(temp);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }

  // Anything synth did not write stays: moved into the new folder before the swap, and back
  // if the swap fails.
  let carried: CarriedOver;
  try {
    carried = carryOverWorkingFiles(target, temp);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  const old = fs.existsSync(target) ? `${temp.replace(/\.new-/, ".old-")}` : undefined;
  try {
    if (old !== undefined) fs.renameSync(target, old);
    try {
      fs.renameSync(temp, target);
    } catch (error) {
      if (old !== undefined) fs.renameSync(old, target);
      throw error;
    }
  } catch (error) {
    undoCarryOver(carried);
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  options.onCarriedOver?.(carried);
  if (old !== undefined) {
    if (options.removeOldInBackground) fs.rm(old, { recursive: true, force: true }, () => undefined);
    else fs.rmSync(old, { recursive: true, force: true });
  }
  return result;
}

/** Never replace a folder that holds something other than synthesized output. */
function refuseForeignFolder(target: string): void {
  if (!fs.existsSync(target)) return;
  const stat = fs.statSync(target);
  const entries = stat.isDirectory() ? fs.readdirSync(target) : ["(a file)"];
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new UserError([
      {
        file: displayPath(target),
        line: 1,
        col: 1,
        path: "",
        message: `refusing to replace a folder that is not synthesized output (no ${MARKER}); choose another --out`,
      },
    ]);
  }
}
