/**
 * The hardened YAML loader: the only place in govcloud where raw YAML is read.
 *
 * Config files are written by agencies and platform engineers, so the loader treats
 * them as untrusted input. It reads a single YAML 1.2 (core schema) document whose top
 * level is a mapping, rejects the YAML features that make a file mean something other
 * than what it looks like (YAML 1.1 booleans, custom tags, merge keys, duplicate keys,
 * several documents in one file), bounds the resources a file can consume (size, alias
 * count, alias expansion, nesting), and validates the result with a zod schema.
 *
 * Every problem found is reported at once, as one {@link UserError} whose diagnostics
 * point at `file:line:col` and the field path. YAML-level problems are reported first:
 * when there are any, the schema is not run, because a value built from a document we
 * rejected is not the value the user meant, and checking it would add noise.
 *
 * The stages have their own modules: `yaml-document.ts` (the YAML stage and its hardening),
 * `source-map.ts` (where each part of a file is written, as data that can cross threads) and
 * `schema-issues.ts` (zod's issues worded as diagnostics). This module reads the file, bounds it
 * and runs them in order.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import type { z } from "zod";
import { type Diagnostic, displayPath, UserError } from "./diagnostics";
import type { SourceMap, TreeSourceMap } from "./source-map";
import { readDocument } from "./yaml-document";
import { issueDiagnostics } from "./schema-issues";

/** Resource limits for one kind of file. */
export interface YamlLimits {
  /** Largest accepted file, in bytes (UTF-8). Checked before parsing. */
  readonly maxBytes: number;
  /**
   * Most aliases (`*name`) a file may contain, and most values aliases may expand to.
   * `0` forbids aliases.
   */
  readonly maxAliases: number;
}

/** A validated value and where each of its parts came from. */
export interface Loaded<T> {
  readonly value: T;
  readonly source: SourceMap;
}

/**
 * Parses `text` as one YAML 1.2 document and validates it with `schema`.
 *
 * @param text file contents; bytes must be UTF-8
 * @param file the file name to report in diagnostics
 * @throws UserError with every problem found
 */
export function parseYaml<S extends z.ZodType>(
  text: string | Uint8Array,
  file: string,
  schema: S,
  limits: YamlLimits,
): Loaded<z.output<S>> {
  checkLimits(limits);
  const shown = displayPath(file);
  const size = typeof text === "string" ? Buffer.byteLength(text, "utf8") : text.byteLength;
  if (size > limits.maxBytes) throw tooLarge(shown, size, limits.maxBytes);
  const source = typeof text === "string" ? text.replace(/^\uFEFF/, "") : decodeUtf8(text, shown);
  const { value, sourceMap } = readDocument(source, shown, limits);

  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { value: result.data, source: sourceMap };
  const diagnostics = result.error.issues.flatMap((issue) =>
    issueDiagnostics(issue, value, sourceMap, schema),
  );
  throw new UserError(diagnostics);
}

/**
 * The source map {@link parseYaml} gives for these bytes, shown as `shown`: for files whose value
 * is known already (engine/agency-file-cache.ts), when a position is first asked for.
 *
 * @throws UserError when the bytes are not a document parseYaml accepts
 */
export function readSourceMap(bytes: Uint8Array, shown: string, limits: YamlLimits): TreeSourceMap {
  checkLimits(limits);
  if (bytes.byteLength > limits.maxBytes) throw tooLarge(shown, bytes.byteLength, limits.maxBytes);
  return readDocument(decodeUtf8(bytes, shown), shown, limits).sourceMap;
}

/**
 * Reads `file` and parses it with {@link parseYaml}. A missing or unreadable file, or one
 * larger than `limits.maxBytes`, is reported at `file:1:1` without reading it whole.
 *
 * @throws UserError with every problem found
 */
export function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  limits: YamlLimits,
): Loaded<z.output<S>> {
  return parseYaml(readYamlBytes(file, limits), file, schema, limits);
}

/**
 * The bytes of a YAML file, for {@link parseYaml}. A missing or unreadable file, or one larger
 * than `limits.maxBytes`, is reported at `file:1:1` without reading it whole.
 *
 * @throws UserError
 */
export function readYamlBytes(file: string, limits: YamlLimits): Buffer {
  checkLimits(limits);
  const shown = displayPath(file);
  let fd: number | undefined;
  try {
    // Non-blocking: opening a FIFO for reading waits for a writer, which may never come.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = fstatSync(fd);
    // A FIFO or device would make readFileSync block or never end.
    if (!stat.isFile()) throw new UserError([atStart(shown, "is not a regular file; expected a YAML file")]);
    if (stat.size > limits.maxBytes) throw tooLarge(shown, stat.size, limits.maxBytes);
    return readFileSync(fd);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError([atStart(shown, readFailure(error))]);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}



function checkLimits(limits: YamlLimits): void {
  for (const [name, n] of Object.entries(limits)) {
    if (!Number.isSafeInteger(n) || (n as number) < 0) {
      throw new Error(`internal error: YamlLimits.${name} must be a non-negative integer, got ${String(n)}`);
    }
  }
}

function atStart(file: string, message: string): Diagnostic {
  return { file, line: 1, col: 1, path: "", message };
}

function tooLarge(file: string, size: number, max: number): UserError {
  return new UserError([
    atStart(file, `file is too large: ${size} bytes, the limit for this kind of file is ${max} bytes`),
  ]);
}

function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    // fatal: a mis-encoded file is reported, not silently filled with U+FFFD. The BOM is dropped.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError([atStart(file, "file is not valid UTF-8; save it as UTF-8 text")]);
  }
}

function readFailure(error: unknown): string {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case "ENOENT":
      return "file not found; check the path";
    case "EACCES":
    case "EPERM":
      return "permission denied; cannot read the file";
    case "EISDIR":
      return "is a directory; expected a YAML file";
    default:
      return `cannot read the file (${typeof code === "string" ? code : String(error)})`;
  }
}
