/**
 * Fingerprints of the code that is actually loaded: the repository's source files reachable in
 * Node's module graph from some entry modules (never a hand-kept list of folders), plus
 * package-lock.json for everything under node_modules. Stack reuse fingerprints the synthesis
 * code this way, the agency-file cache the loader's code, and the gate cache the code that the
 * policy gate's thread loads (found in the source text: that code never runs on this thread).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { stampOf, unchangedSince } from "./file-stamps";
import { cacheDir, cacheFileName, readCacheEntry, writeCacheEntry } from "./persistent-cache";

/**
 * The repository's source files that `entries` (module paths relative to this folder, engine/) load,
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

/** Relative specifiers of `import`/`export ... from`, `require(...)`, `import(...)`, and `path.join(__dirname, ...)` paths. */
const SPECIFIERS = [/\bfrom\s+"(\.{1,2}\/[^"]*)"/g, /\bimport\s+"(\.{1,2}\/[^"]*)"/g, /\b(?:require|import)\(\s*"(\.{1,2}\/[^"]*)"\s*\)/g];
const DIRNAME_PATH = /\b(?:join|resolve)\(\s*__dirname((?:\s*,\s*"[^"]*")+)\s*\)/g;
const EXTENSIONS = ["", ".ts", ".cjs", ".js", ".json", "/index.ts"];

function resolveSource(base: string): string | undefined {
  for (const extension of EXTENSIONS) {
    const file = base + extension;
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  return undefined;
}

/**
 * The repository's files that `entries` (absolute paths) reach through relative imports, requires
 * and `__dirname` paths in their source text, for code that runs on another thread: everything
 * it can load, found without loading it here.
 */
export function importedCodeFiles(repoRoot: string, entries: readonly string[]): string[] {
  const root = path.resolve(repoRoot) + path.sep;
  const files = new Set<string>();
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (files.has(file) || !file.startsWith(root) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    files.add(file);
    if (file.endsWith(".json")) continue;
    const text = fs.readFileSync(file, "utf8");
    const dir = path.dirname(file);
    const targets = SPECIFIERS.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => path.resolve(dir, m[1] as string)));
    for (const m of text.matchAll(DIRNAME_PATH)) targets.push(path.resolve(dir, ...[...(m[1] as string).matchAll(/"([^"]*)"/g)].map((p) => p[1] as string)));
    for (const target of targets) {
      const resolved = resolveSource(target);
      if (resolved !== undefined) queue.push(resolved);
    }
  }
  return [...files].sort();
}

const STAMPED_KIND = "code-fingerprint";

/** A fingerprint as recorded: the files it was computed from (package-lock.json last), with their stamps. */
interface StampedFingerprint {
  readonly fingerprint: string;
  readonly files: readonly (readonly [file: string, stamp: string, atMs: number])[];
}

/**
 * `fingerprintFiles(repoRoot, files())`, taken from the persistent cache (engine/persistent-cache.ts)
 * when every file it was last computed from, and package-lock.json, still has the stamp it had then
 * (engine/file-stamps.ts): a new process need not read and hash the code again (about 50 ms for
 * the synthesis code). The files that `files()` finds are decided by their own contents (their
 * imports), so while none of them changes, neither does the list. `name` names the list.
 */
export function stampedFingerprint(repoRoot: string, name: string, files: () => string[]): string {
  const dir = cacheDir(repoRoot);
  const record = dir === undefined ? undefined : path.join(dir, cacheFileName(STAMPED_KIND, `${path.resolve(repoRoot)}\0${name}`));
  const recorded = record === undefined ? undefined : readCacheEntry<StampedFingerprint>(record, STAMPED_KIND, name);
  if (
    recorded !== undefined &&
    recorded.files.every(([file, stamp, atMs]) => {
      const now = stampOf(file);
      return now !== undefined && unchangedSince(stamp, atMs, now);
    })
  ) {
    return recorded.fingerprint;
  }
  const list = files();
  const fingerprint = fingerprintFiles(repoRoot, list);
  if (record !== undefined) {
    const stamps = [...list, path.join(repoRoot, "package-lock.json")].map((file) => [file, stampOf(file)] as const);
    // Recorded only when the files, stamped after the fingerprint was taken, still give it: a file
    // written between its reading and its stamp is left for the next process to read.
    if (stamps.every(([, stamp]) => stamp?.settled === true) && fingerprintFiles(repoRoot, list) === fingerprint) {
      writeCacheEntry(record, STAMPED_KIND, name, {
        fingerprint,
        files: stamps.map(([file, stamp]) => [file, stamp?.stamp ?? "", stamp?.atMs ?? 0] as const),
      } satisfies StampedFingerprint);
    }
  }
  return fingerprint;
}
