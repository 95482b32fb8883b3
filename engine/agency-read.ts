/**
 * Reading one agency file for the engine: a file is read by the thread that validates it (once,
 * unless the cache has to hash a changed file first), and that thread also works out what the persistent cache stores of the file (its content
 * hash, its stamp, the positions sources.json needs, the value's digest). A file read on the
 * second thread crosses to the main thread in that compact form, without its source tree: its
 * source map there is a `LazySourceMap`, as for a file served from the cache, which parses the
 * same bytes again only if a position it does not know is asked for (a diagnostic).
 *
 * In a first synthesis of a national estate (3,400 files, no cache yet), the main thread read and
 * hashed every file before either thread parsed one (0.2 s), and then received the second
 * thread's results with their trees (0.3 s, the main thread waiting): both were on the command's
 * critical path.
 */
import { hash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { AGENCY_LIMITS, loadAgencyFile, type LoadedAgency } from "../environments";
import { AgencySchema, type Agency } from "../environments/agency-schema";
import { type Diagnostic, displayPath, UserError } from "../environments/diagnostics";
import { parseYaml, readSourceMap } from "../environments/loader";
import { type KnownPositions, knownPositions, LazySourceMap } from "../environments/source-map";
import { agencySourceLookups } from "../environments/source-map-file";
import { digest, rememberDigest } from "./digest";
import { type Stamp, stampOf } from "./file-stamps";
import { fromPortable, type PortableLoaded, toPortable } from "./portable";
import { merged } from "../core/merged";

/** What the persistent cache stores of a valid file, worked out where the file was read. */
export interface FileFacts {
  /** The name shown in diagnostics. */
  readonly shown: string;
  /** SHA-256 of the bytes the value was validated from. */
  readonly hash: string;
  /** The positions in the file that every synthesis asks for (sources.json). */
  readonly known: KnownPositions;
  /** For the cache only: the file's stamp, taken before its bytes were read. */
  readonly stamp?: Stamp;
  /** For the cache only: the value's digest (engine/digest.ts). */
  readonly digest?: string;
}

/** One agency file as read: its result, and its facts when they were asked for and it is valid. */
export interface AgencyRead {
  readonly result: LoadedAgency | UserError;
  readonly facts?: FileFacts;
}

/**
 * Reads agency files, each on its own, with what the caller wants besides each result (the cache
 * wants everything it stores, or nothing); results in file order.
 */
export type AgencyReader = (files: readonly string[], wanted: Exclude<FactsWanted, "compact">) => AgencyRead[];

/**
 * What a reader works out besides the result: nothing, what the compact form needs to cross to
 * another thread (the hash and the known positions), or everything the cache stores.
 */
export type FactsWanted = "none" | "compact" | "cache";

/**
 * Reads and validates `file`, with the facts `wanted` when it is valid. The stamp is taken
 * before the bytes are read: a write after it changes the stamp the next run sees. A file that
 * cannot be read, or is too large, is left to the loader, which says why.
 */
export function readAgencyFile(file: string, wanted: FactsWanted, shown: (file: string) => string = displayPath): AgencyRead {
  if (wanted === "none") return { result: loadOrError(() => loadAgencyFile(file)) };
  const stamp = wanted === "cache" ? stampOf(file) : undefined;
  const content = readContent(file, AGENCY_LIMITS.maxBytes, shown);
  // Unreadable or too large: the loader says why. (A file that reads now, after all, has no facts.)
  if (content === undefined) return { result: loadOrError(() => loadAgencyFile(file)) };
  const result = loadOrError(() => merged(parseYaml(content.bytes, file, AgencySchema, AGENCY_LIMITS), { path: file }));
  if (result instanceof UserError) return { result };
  const facts: FileFacts = merged(
    { shown: content.shown, hash: content.hash, known: knownPositions(result.source, agencySourceLookups(result.value)) },
    stamp === undefined ? undefined : { stamp },
    // digest() remembers it: this thread's estate digests the agency again.
    wanted === "cache" ? { digest: digest(result.value) } : undefined,
  );
  return { result, facts };
}

function loadOrError(load: () => LoadedAgency): LoadedAgency | UserError {
  try {
    return load();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
}

/**
 * An agency file as read on another thread, as plain data: the value and its facts (a file read
 * without them, its source tree), or its errors.
 */
export type CompactAgency =
  | { readonly path: string; readonly value: Agency; readonly facts: FileFacts }
  | { readonly path: string; readonly portable: PortableLoaded<Agency> }
  | { readonly path: string; readonly diagnostics: readonly Diagnostic[] };

export function toCompact(read: AgencyRead, file: string): CompactAgency {
  const { result, facts } = read;
  if (result instanceof UserError) return { path: file, diagnostics: result.diagnostics };
  if (facts === undefined) return { path: result.path, portable: toPortable(result) };
  return { path: result.path, value: result.value, facts };
}

/**
 * The read as this thread would have it: the same value, and a source map that knows the
 * positions of `facts` and finds any other one in the same bytes, parsed again when first asked
 * (a file changed since cannot be located in: a UserError says so).
 */
export function fromCompact(compact: CompactAgency): AgencyRead {
  if ("diagnostics" in compact) return { result: new UserError(compact.diagnostics) };
  if ("portable" in compact) return { result: merged(fromPortable(compact.portable), { path: compact.path }) };
  const { path: file, value, facts } = compact;
  if (facts.digest !== undefined) rememberDigest(value, facts.digest);
  const source = new LazySourceMap(facts.shown, facts.known, () => readSourceMap(sameBytes(file, facts.hash, facts.shown), facts.shown, AGENCY_LIMITS));
  return { result: { value, source, path: file }, facts };
}

/**
 * The bytes of a file read earlier in this command, which must still hash as they did when the
 * value was validated from them: a file changed since cannot be located in.
 */
export function sameBytes(file: string, expectedHash: string, shown: string): Buffer {
  const content = readContent(file, AGENCY_LIMITS.maxBytes);
  if (content?.hash !== expectedHash) {
    throw new UserError([{ file: shown, line: 1, col: 1, path: "", message: "changed while govcloud was reading the estate; run the command again" }]);
  }
  return content.bytes;
}

export interface Content {
  readonly bytes: Buffer;
  /** The name shown in diagnostics (relative to the working directory when inside it). */
  readonly shown: string;
  /** SHA-256 of the bytes. */
  readonly hash: string;
}

/** Where files are read before their bytes are copied out: one buffer, one byte over the largest limit. */
let scratch: Buffer | undefined;

/**
 * A file's bytes, the name it is shown under in diagnostics, and the SHA-256 of the bytes;
 * undefined when they cannot be read, or are more than `maxBytes` (the loader reports why).
 * Three system calls: open without blocking, read from offset 0, close. Reading at an offset is
 * what only regular files and seekable devices allow (a FIFO, socket or terminal fails with
 * ESPIPE, a folder with EISDIR), and no device gives bytes that hash like a file that passed
 * validation (/dev/null gives none, /dev/zero and /dev/urandom more than the limit): a file that
 * is not a regular one is never served from the cache, without asking fstat.
 */
export function readContent(file: string, maxBytes: number, shown: (file: string) => string = displayPath): Content | undefined {
  if (scratch === undefined || scratch.length < maxBytes + 1) scratch = Buffer.allocUnsafeSlow(maxBytes + 1);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    let size = 0;
    for (;;) {
      const n = fs.readSync(fd, scratch, size, maxBytes + 1 - size, size);
      if (n === 0) break;
      size += n;
      if (size > maxBytes) return undefined;
    }
    const bytes = Buffer.allocUnsafe(size);
    scratch.copy(bytes, 0, 0, size);
    return { bytes, shown: shown(file), hash: hash("sha256", bytes, "hex") };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * `displayPath` for many files of a few folders: a file's name as shown is its folder's as shown
 * (computed once per folder) and its own name, exactly as displayPath gives it.
 */
export function shownInFolder(): (file: string) => string {
  const prefixes = new Map<string, string | undefined>();
  return (file) => {
    const slash = file.lastIndexOf(path.sep);
    const folder = file.slice(0, slash + 1);
    const name = file.slice(slash + 1);
    let prefix = prefixes.get(folder);
    if (prefix === undefined && !prefixes.has(folder)) {
      // The folder's prefix as displayPath shows a file in it; none when the name is shown otherwise.
      const shown = displayPath(file);
      prefix = slash > 0 && shown.endsWith(name) && name !== "" && name !== "." && name !== ".." ? shown.slice(0, shown.length - name.length) : undefined;
      prefixes.set(folder, prefix);
      return shown;
    }
    return prefix === undefined ? displayPath(file) : prefix + name;
  };
}
