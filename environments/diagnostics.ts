/**
 * The one module that user-facing errors come from.
 *
 * Every problem a user can fix is a {@link Diagnostic}: where it is (`file:line:col`
 * and the dotted field path) and what is wrong. A {@link UserError} carries all of
 * them at once, so a user fixes a file in one round instead of one error per run.
 * Anything else that is thrown is an internal invariant and is a bug.
 */
import * as nodePath from "node:path";

/** A 1-based position in a source file. */
export interface SourcePosition {
  /** File as shown to the user: relative to the working directory when inside it. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** One problem the user can fix. */
export interface Diagnostic extends SourcePosition {
  /** Dotted field path, e.g. `regions.north.nodePools[1].count`; `""` means the whole document. */
  readonly path: string;
  /** What is wrong, and where possible how to fix it. One line. */
  readonly message: string;
}

/**
 * An error caused by the user's input. Its message is every diagnostic formatted
 * on its own line, ordered by file, line and column, so it can be printed as is.
 */
export class UserError extends Error {
  override readonly name = "UserError";
  /** Ordered by file (first appearance), then line, then column. */
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const ordered = orderDiagnostics(diagnostics);
    super(ordered.map(formatDiagnostic).join("\n"));
    this.diagnostics = ordered;
    Object.defineProperty(this, USER_ERROR, { value: true });
  }

  /**
   * `instanceof UserError` holds for a UserError from another copy of this module too: modules
   * loaded on first use (policies/engine/lazy.ts, engine/synthesis-code.ts) can be a second copy
   * in the test runner, which loads the others itself.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof Error && (value as { [USER_ERROR]?: boolean })[USER_ERROR] === true;
  }
}

const USER_ERROR = Symbol.for("govcloud.UserError");

/** `file:line:col: path: message`, with `<document>` standing in for the empty path. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.path || "<document>"}: ${d.message}`;
}

/** Keys written plainly: names as people write them in YAML, including Kubernetes-style `bao-cao`. */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * Formats a field path the way a reader of the YAML thinks of it:
 * `["regions", "north", "nodePools", 1, "count"]` becomes `regions.north.nodePools[1].count`.
 * Keys that are names (letters, digits, `_` and `-`, starting with a letter) are written plainly
 * (`workloads.bao-cao.image`); others are quoted (`labels["app.kubernetes.io/name"]`), which also
 * keeps a numeric mapping key (`["1"]`) apart from a list index (`[1]`).
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "symbol") out += `[${String(key)}]`;
    else if (IDENTIFIER.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/**
 * The file name to show in a diagnostic: relative to `cwd` with forward slashes when
 * the file is inside it, otherwise exactly as given.
 */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const relative = nodePath.relative(cwd, nodePath.resolve(cwd, file));
  const outside =
    relative === "" ||
    relative === ".." ||
    relative.startsWith(`..${nodePath.sep}`) ||
    nodePath.isAbsolute(relative);
  return outside ? file : relative.split(nodePath.sep).join("/");
}

function orderDiagnostics(diagnostics: readonly Diagnostic[]): readonly Diagnostic[] {
  if (diagnostics.length === 0) {
    // A UserError that says nothing would leave the user with no way forward.
    throw new Error("internal error: UserError needs at least one diagnostic");
  }
  const fileOrder = new Map<string, number>();
  for (const d of diagnostics) if (!fileOrder.has(d.file)) fileOrder.set(d.file, fileOrder.size);
  // Array.prototype.sort is stable, so problems at the same position keep the order found.
  return Object.freeze(
    [...diagnostics].sort(
      (a, b) =>
        (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) ||
        a.line - b.line ||
        a.col - b.col,
    ),
  );
}
