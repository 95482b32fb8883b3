/**
 * Where each part of a loaded file is written: a document's shape as plain data, which can
 * cross to another thread (engine/parallel-load.ts), and the lookups diagnostics use
 * (`file:line:col` of a field path, or of its key). A file whose value comes from a cache has a
 * {@link LazySourceMap}: the few positions every run asks for, and the file parsed on any other.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type ParsedNode, type Scalar } from "yaml";
import type { SourcePosition } from "./diagnostics";

/** Maps field paths of a loaded value back to where they are written in the file. */
export interface SourceMap {
  /** The file as shown in diagnostics (relative to the working directory when inside it). */
  readonly file: string;
  /**
   * Position of the value at `path`. When the path does not exist, the position of its
   * deepest existing ancestor. An empty value (`key:` with nothing after it) is located
   * at its key.
   */
  locate(path: readonly PropertyKey[]): SourcePosition;
  /**
   * Position of the mapping key that holds the value at `path`, which is what a reader
   * looks for in "unknown field" and "missing field" errors. Falls back to
   * {@link SourceMap.locate} when the last step is a list index or does not exist.
   */
  locateKey(path: readonly PropertyKey[]): SourcePosition;
}



/**
 * A document's shape and where each part is written, as plain data: it can cross to another
 * thread (agency files of a large estate are parsed on two, engine/parallel-load.ts) and is much
 * smaller than the yaml Document it is taken from. Offsets are UTF-16 offsets into the source.
 */
export interface SourceTree {
  /** Offset of every line start, as yaml's LineCounter records them. */
  readonly lineStarts: readonly number[];
  readonly root: SourceNode | null;
}

/** One node: where it starts, and its children when it is a mapping or a list. */
export interface SourceNode {
  /** Offset of the node (for an alias, of the alias itself). */
  readonly offset: number;
  /** An empty value (`key:` with nothing after it), located at its key instead. */
  readonly empty?: true;
  /** Mapping entries by key: the key's offset and the value (null when absent). */
  readonly entries?: ReadonlyMap<string, readonly [number, SourceNode | null]>;
  readonly items?: readonly (SourceNode | null)[];
  /** For an alias: the anchored node, whose children the alias has. */
  readonly alias?: SourceNode;
}

type MutableSourceNode = { -readonly [K in keyof SourceNode]: SourceNode[K] };

/** The source tree of a parsed document. Each node is built once; aliases point at their anchor. */
export function sourceTree(doc: Document.Parsed, lines: LineCounter): SourceTree {
  const built = new Map<ParsedNode, SourceNode>();
  const toNode = (node: ParsedNode): SourceNode => {
    const known = built.get(node);
    if (known !== undefined) return known;
    const made: MutableSourceNode = { offset: node.range[0] };
    // Registered before its children: an alias inside its own anchor points back at it.
    built.set(node, made);
    if (isEmptyScalar(node)) made.empty = true;
    if (isAlias(node)) {
      // Nodes of a parsed document are parsed nodes; yaml's resolve() is typed for any document.
      const target = node.resolve(doc) as ParsedNode | undefined;
      if (target !== undefined) made.alias = toNode(target);
    } else if (isMap(node)) {
      const entries = new Map<string, readonly [number, SourceNode | null]>();
      // Keys are unique by now; the first occurrence wins like in the duplicate check.
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = keyString(pair.key);
        if (!entries.has(key)) entries.set(key, [pair.key.range[0], pair.value === null ? null : toNode(pair.value as ParsedNode)]);
      }
      made.entries = entries;
    } else if (isSeq(node)) {
      made.items = node.items.map((item) => (item === null ? null : toNode(item as ParsedNode)));
    }
    return made;
  };
  return { lineStarts: lines.lineStarts, root: doc.contents === null ? null : toNode(doc.contents) };
}

interface Walk {
  /** The deepest node reached (null for an absent value). */
  readonly node: SourceNode | null;
  /** Offset of the mapping key of the last step taken, if that step was a mapping key. */
  readonly key: number | undefined;
  /** How many steps of the path exist. */
  readonly matched: number;
}

/** The source map of a document, from its {@link SourceTree}. */
export class TreeSourceMap implements SourceMap {
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    readonly tree: SourceTree,
  ) {
    for (const start of tree.lineStarts) this.lines.addNewLine(start);
  }

  locate(path: readonly PropertyKey[]): SourcePosition {
    return this.position(valueOffset(this.walk(path)));
  }

  locateKey(path: readonly PropertyKey[]): SourcePosition {
    const walk = this.walk(path);
    if (walk.matched === path.length && walk.key !== undefined) return this.position(walk.key);
    return this.position(valueOffset(walk));
  }

  private walk(path: readonly PropertyKey[]): Walk {
    let node = this.tree.root;
    let key: number | undefined;
    let matched = 0;
    for (const step of path) {
      // Follow an alias to its anchor: that is where the value is written.
      const target = node?.alias ?? node;
      if (target?.entries !== undefined) {
        const entry = target.entries.get(String(step));
        if (entry === undefined) break;
        [key, node] = entry;
      } else if (target?.items !== undefined && typeof step === "number" && step >= 0 && step < target.items.length) {
        key = undefined;
        node = target.items[step] as SourceNode | null;
      } else {
        break;
      }
      matched++;
      if (node === null) break;
    }
    return { node, key, matched };
  }

  private position(offset: number): SourcePosition {
    return { file: this.file, ...this.lines.linePos(offset) };
  }
}

/**
 * Positions already known in a file, as flat data: for each lookup, 1 for `locateKey` or 0 for
 * `locate`, the length of its field path, the path's steps (strings and numbers), then the line
 * and the column of the answer.
 */
export type KnownPositions = readonly (string | number)[];

/** One lookup in a source map: {@link SourceMap.locateKey} (`key`) or {@link SourceMap.locate} of `path`. */
export interface SourceLookup {
  readonly key: boolean;
  readonly path: readonly (string | number)[];
}

/** The answers of `source` to `lookups`, as {@link KnownPositions}. */
export function knownPositions(source: SourceMap, lookups: readonly SourceLookup[]): KnownPositions {
  const known: (string | number)[] = [];
  for (const { key, path } of lookups) {
    const { line, col } = key ? source.locateKey(path) : source.locate(path);
    known.push(key ? 1 : 0, path.length, ...path, line, col);
  }
  return known;
}

/** The answer to a lookup in `known`, or undefined when it is not there. */
function knownPosition(known: KnownPositions, key: boolean, path: readonly PropertyKey[]): readonly [number, number] | undefined {
  for (let i = 0; i < known.length; ) {
    const n = known[i + 1] as number;
    let same = known[i] === (key ? 1 : 0) && n === path.length;
    for (let j = 0; same && j < n; j++) same = known[i + 2 + j] === path[j];
    if (same) return [known[i + 2 + n] as number, known[i + 3 + n] as number];
    i += 4 + n;
  }
  return undefined;
}

/**
 * A source map that parses its file only when asked for a position it does not know: files whose
 * validated value comes from a cache (engine/agency-file-cache.ts) are located only for a
 * diagnostic, or for the few positions every run needs, which the cache keeps. `parse` must give
 * the tree of the very bytes the value was validated from (the cache keys them by content hash):
 * then every answer is the one a {@link TreeSourceMap} of the file would give.
 */
export class LazySourceMap implements SourceMap {
  private parsed: TreeSourceMap | undefined;

  constructor(
    readonly file: string,
    private readonly known: KnownPositions,
    private readonly parse: () => TreeSourceMap,
  ) {}

  locate(path: readonly PropertyKey[]): SourcePosition {
    return this.knownPosition(false, path) ?? this.full().locate(path);
  }

  locateKey(path: readonly PropertyKey[]): SourcePosition {
    return this.knownPosition(true, path) ?? this.full().locateKey(path);
  }

  /** The document's source tree (parsing the file if it was not yet), to cross to another thread. */
  get tree(): SourceTree {
    return this.full().tree;
  }

  /** Whether the file has been parsed (for tests). */
  get isParsed(): boolean {
    return this.parsed !== undefined;
  }

  private knownPosition(key: boolean, path: readonly PropertyKey[]): SourcePosition | undefined {
    if (this.parsed !== undefined) return undefined;
    const at = knownPosition(this.known, key, path);
    return at === undefined ? undefined : { file: this.file, line: at[0], col: at[1] };
  }

  private full(): TreeSourceMap {
    this.parsed ??= this.parse();
    return this.parsed;
  }
}

function valueOffset({ node, key }: Walk): number {
  if (node !== null && node.empty !== true) return node.offset;
  if (key !== undefined) return key;
  return node?.offset ?? 0;
}

/** The JS property name a scalar key becomes (with `stringKeys`, the text as written). */
export function keyString(key: Scalar): string {
  const value: unknown = key.value;
  if (typeof value === "string") return value;
  // Scalars hold nothing but these; null (an empty key) is "".
  return typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" ? String(value) : "";
}

export function isEmptyScalar(node: ParsedNode): boolean {
  return isScalar(node) && node.value === null && node.range[0] === node.range[1];
}
