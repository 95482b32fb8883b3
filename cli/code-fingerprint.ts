/**
 * Fingerprints of the code that is actually loaded: the repository's source files reachable in
 * Node's module graph from some entry modules (never a hand-kept list of folders), plus
 * package-lock.json for everything under node_modules. Stack reuse fingerprints the synthesis
 * code this way, the agency-file cache the loader's code.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The repository's source files that `entries` (module paths relative to this folder, cli/) load,
 * outside node_modules: loads the entries first if needed, then walks the module graph.
 */
export function loadedCodeFiles(repoRoot: string, entries: readonly string[]): string[] {
  const root = path.resolve(repoRoot) + path.sep;
  const files = new Set<string>();
  const visit = (module: NodeJS.Module | undefined): void => {
    if (module === undefined || files.has(module.filename)) return;
    if (!module.filename.startsWith(root) || module.filename.includes(`${path.sep}node_modules${path.sep}`)) return;
    files.add(module.filename);
    for (const child of module.children) visit(child);
  };
  for (const entry of entries) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the entry into Node's module graph, which is then walked
    require(entry);
    visit(require.cache[require.resolve(entry)]);
  }
  if (files.size === 0) throw new Error(`internal: the modules of ${entries.join(", ")} are not loaded`);
  return [...files].sort();
}

/** SHA-256 over the files (by repository-relative path and content) and package-lock.json. */
export function fingerprintFiles(repoRoot: string, files: readonly string[]): string {
  const h = createHash("sha256");
  for (const file of [...files, path.join(repoRoot, "package-lock.json")].sort()) {
    h.update(path.relative(repoRoot, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  }
  return h.digest("hex");
}
