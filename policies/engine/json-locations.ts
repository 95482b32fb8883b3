/**
 * Where a value is written in a JSON file (a plan, a cdk.tf.json, a manifest): line and column
 * of the value at a path, for errors about malformed input (`plan.json:12:17:
 * /resource_changes/3/change/actions: expected array, got string`) and for findings that have
 * no YAML source. The file is parsed with positions (jsonc-parser) only when a location is
 * asked for: valid input costs nothing.
 */
import { findNodeAtLocation, type Node, parseTree } from "jsonc-parser";
import { type Diagnostic, displayPath, UserError } from "../../environments/diagnostics";

export type JsonPath = readonly (string | number)[];

/** A JSON pointer (RFC 6901) for a path: `["a", "b/c", 0]` -> `/a/b~1c/0`; the whole document is `""`. */
export function jsonPointer(path: JsonPath): string {
  return path.map((step) => `/${String(step).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** Positions in one JSON text. */
export class JsonPositions {
  private tree: Node | undefined | null = null;
  private lineStarts: number[] | undefined;

  constructor(readonly text: string) {}

  /** 1-based line and column of the value at `path`, or of its deepest ancestor that exists. */
  locate(path: JsonPath): { line: number; col: number } {
    if (this.tree === null) this.tree = parseTree(this.text);
    let node: Node | undefined;
    for (let n = path.length; n >= 0 && node === undefined; n--) {
      node = this.tree === undefined ? undefined : findNodeAtLocation(this.tree, [...path.slice(0, n)]);
    }
    // A member's value: point at its key, which is what a reader looks for.
    const at = node?.parent?.type === "property" && node.parent.children?.[1] === node ? node.parent.offset : (node?.offset ?? 0);
    return this.position(at);
  }

  private position(offset: number): { line: number; col: number } {
    if (this.lineStarts === undefined) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (this.lineStarts[lo] as number) + 1 };
  }
}

/** A problem at a path of a JSON document. */
export interface JsonProblem {
  readonly path: JsonPath;
  readonly message: string;
}

/** At most this many problems of one file are listed; a broken generator would repeat one per resource. */
const MAX_PROBLEMS = 50;

/** The problems of one file as a UserError: `file:line:col: /json/pointer: message`. */
export function jsonProblemsError(file: string, text: string, problems: readonly JsonProblem[]): UserError {
  const positions = new JsonPositions(text);
  const shown = displayPath(file);
  const diagnostics: Diagnostic[] = problems.slice(0, MAX_PROBLEMS).map((p) => ({ file: shown, ...positions.locate(p.path), path: jsonPointer(p.path), message: p.message }));
  if (problems.length > MAX_PROBLEMS) {
    const last = diagnostics[diagnostics.length - 1] as Diagnostic;
    diagnostics.push({ ...last, path: "", message: `and ${problems.length - MAX_PROBLEMS} more problem(s) of this kind not shown` });
  }
  return new UserError(diagnostics);
}

/** `string`, `array`, `null`... as messages name JSON types. */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
