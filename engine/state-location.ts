/**
 * Where local Terraform state lives, wherever the output goes. State never moves: it is
 * `<project root>/<stateBackend.directory>/<env>/<stack>.tfstate`, the project root being the
 * folder that holds the `environments/` folder (the repository). The output names it relative to
 * each stack folder, so the bytes name no machine's folders:
 * - an output folder inside the project gets the path from its stack folders to the root
 *   (`../../..` for `cdktf.out`, `../../../..` for `build/out`): outputs at the same place in any
 *   checkout are byte-identical, and every output folder reaches the same state files;
 * - an output folder outside the project cannot reach them without naming this machine's folders,
 *   so `govcloud synth` refuses it (exit 2), as it refuses one inside the state folder, or one
 *   that holds it (synth replaces its output folder as a whole).
 * Commands that synthesize into a scratch folder only to read the output (addresses, check,
 * reports) write the paths of the default output folder, `<root>/cdktf.out`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { displayPath, UserError } from "../environments/diagnostics";
import type { Environment } from "../environments/schema";
import type { Loaded } from "../environments/loader";
import { DEFAULT_STATE_ROOT } from "../stacks/state-root";

/** The project root of an environment file: the folder holding the folder that holds the file. */
export function projectRoot(environmentPath: string): string {
  return path.dirname(path.dirname(path.resolve(environmentPath)));
}

/**
 * The path from a stack folder of `outdir` to the project root, `/`-separated, for an output
 * that will be deployed from where it is written. Throws a UserError (located at the environment
 * file's `stateBackend`) when no such path can be written.
 */
export function stateRootFor(environment: Loaded<Environment>, environmentPath: string, outdir: string): string {
  const backend = environment.value.stateBackend;
  const root = realPath(projectRoot(environmentPath));
  const out = realPath(path.resolve(outdir));
  const fromRoot = path.relative(root, out);
  const refuse = (message: string): never => {
    const where = environment.source.locate(backend.type === "local" ? ["stateBackend"] : []);
    throw new UserError([{ ...where, path: "stateBackend", message }]);
  };
  if (backend.type !== "local") return DEFAULT_STATE_ROOT;
  if (fromRoot === "" || fromRoot.startsWith("..") || path.isAbsolute(fromRoot)) {
    refuse(
      `local state lives in ${displayPath(path.join(root, backend.directory, environment.value.name))}/, which the output folder ${displayPath(out)} cannot name without this machine's folders: write the output inside ${displayPath(root)} (for example --out cdktf.out), or use a remote state backend`,
    );
  }
  const stateDir = path.join(root, backend.directory);
  if (isWithin(out, stateDir) || isWithin(stateDir, out)) {
    refuse(`the output folder ${displayPath(out)} and the state folder ${displayPath(stateDir)} must not contain each other: synth replaces the output folder as a whole`);
  }
  return path.relative(path.join(out, "stacks", "stack"), root).split(path.sep).join("/");
}

function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The real path of `p`, through its deepest existing ancestor (the output may not exist yet). */
function realPath(p: string): string {
  const rest: string[] = [];
  let at = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(at), ...rest.reverse());
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return p;
      rest.push(path.basename(at));
      at = parent;
    }
  }
}
