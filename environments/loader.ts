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
 */
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import {
  Composer,
  LineCounter,
  Parser,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Alias,
  type CST,
  type Document,
  type ParsedNode,
  type Scalar,
  type YAMLError,
} from "yaml";
import type { z } from "zod";
import { UserError, displayPath, formatPath, type Diagnostic, type SourcePosition } from "./diagnostics";
import { isPlainObject } from "../core/plain-object";

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
    fd = openSync(file, "r");
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

// ---------------------------------------------------------------------------
// YAML stage
// ---------------------------------------------------------------------------

/**
 * Deeper nesting than this is never needed in a config file, and bounding it keeps
 * every later recursive step (toJS, zod) far from the stack limit.
 */
const MAX_NESTING = 64;

const CORE_TAG_PREFIX = "tag:yaml.org,2002:";
/** Explicit tags that only restate what the YAML 1.2 core schema already infers. */
const CORE_TAGS: ReadonlySet<string> = new Set(
  ["str", "int", "float", "bool", "null", "map", "seq"].map((t) => CORE_TAG_PREFIX + t),
);

const PARSE_OPTIONS = {
  // Always YAML 1.2 core: `yes`, `no`, `on`, `off` are strings, not booleans.
  version: "1.2",
  schema: "core",
  // `<<` is an ordinary key in 1.2; it is rejected explicitly below instead.
  merge: false,
  // Keys become the strings written in the file (`1.0:` stays "1.0"), and a list or
  // mapping used as a key is an error instead of being silently stringified.
  stringKeys: true,
  // Duplicate keys are found in inspectDocument instead: yaml's check compares each key
  // with every earlier one, which makes a large file of distinct keys take minutes.
  uniqueKeys: false,
  strict: true,
  // Our diagnostics are one line each; yaml's pretty errors add a code frame.
  prettyErrors: false,
  // Warnings become diagnostics; nothing may be printed to the console.
  logLevel: "silent",
} as const;

interface ReadDocument {
  readonly value: unknown;
  readonly sourceMap: TreeSourceMap;
}

function readDocument(source: string, shown: string, limits: YamlLimits): ReadDocument {
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(source));
  // forceDoc: an empty file still yields one (empty) document to report on.
  const docs = Array.from(new Composer(PARSE_OPTIONS).compose(tokens, true, source.length));
  const doc = docs[0];
  if (doc === undefined) throw new Error("internal error: yaml composed no document");

  const at = (offset: number, path: readonly PropertyKey[], message: string): Diagnostic => ({
    file: shown,
    ...lines.linePos(offset),
    path: formatPath(path),
    message,
  });
  // Never `push(...list)`: a hostile file can produce more problems than a call has arguments.
  let diagnostics: Diagnostic[] = [];

  const directives = checkDirectives(tokens, at);
  diagnostics = diagnostics.concat(directives.diagnostics);

  const second = docs[1];
  if (second !== undefined) {
    diagnostics.push(
      at(
        second.range[0],
        [],
        "a file may hold only one YAML document; remove the '---' line or move the second document to its own file",
      ),
    );
  }

  // A tag token starts with `!`: a file without one has no tags to find (most files).
  const found = inspectDocument(doc, source.includes("!") ? tagOffsets(tokens) : [], limits, at, lines);
  diagnostics = diagnostics.concat(found.diagnostics);

  for (const d of docs) {
    for (const problem of [...d.errors, ...d.warnings]) {
      const diagnostic = yamlProblem(problem, found, directives.rejected, at);
      if (diagnostic !== undefined) diagnostics.push(diagnostic);
    }
  }

  diagnostics = diagnostics.concat(checkTopLevel(doc, at));
  if (diagnostics.length > 0) throw new UserError(diagnostics);

  let value: unknown;
  try {
    // Second line of defence against "billion laughs": yaml counts every value an
    // alias expands to, so nested aliases cannot multiply past the limit.
    value = doc.toJS({ maxAliasCount: limits.maxAliases });
  } catch (error) {
    const first = found.aliases[0];
    if (error instanceof ReferenceError && first !== undefined) {
      throw new UserError([
        at(
          first.node.range[0],
          first.path,
          `aliases expand to more than ${limits.maxAliases} values (an alias inside an anchored value multiplies); write the values out in full`,
        ),
      ]);
    }
    throw error;
  }
  return { value, sourceMap: new TreeSourceMap(shown, sourceTree(doc, lines)) };
}

type At = (offset: number, path: readonly PropertyKey[], message: string) => Diagnostic;

interface DirectiveCheck {
  readonly diagnostics: readonly Diagnostic[];
  /** Source ranges of rejected `%YAML` directives; yaml's own warnings inside them are redundant. */
  readonly rejected: readonly (readonly [number, number])[];
}

function checkDirectives(tokens: readonly CST.Token[], at: At): DirectiveCheck {
  const diagnostics: Diagnostic[] = [];
  const rejected: [number, number][] = [];
  for (const token of tokens) {
    if (token.type !== "directive") continue;
    const version = /^%YAML\s+(\S+)/.exec(token.source)?.[1];
    if (version === undefined || version === "1.2") continue;
    rejected.push([token.offset, token.offset + token.source.length]);
    diagnostics.push(
      at(
        token.offset,
        [],
        `'%YAML ${version}' is not supported: files are read as YAML 1.2, where yes/no/on/off are strings, not booleans as in YAML 1.1; remove the directive and write true/false`,
      ),
    );
  }
  return { diagnostics, rejected };
}

/** Offsets of every tag token (`!!x`, `!x`, `!<...>`) in the CST, ascending. */
function tagOffsets(tokens: readonly CST.Token[]): readonly number[] {
  const offsets: number[] = [];
  // The CST is plain data; walk it without recursion so deep input cannot exhaust the stack.
  const stack: unknown[] = [...tokens];
  while (stack.length > 0) {
    const item = stack.pop();
    if (Array.isArray(item)) {
      for (const child of item) stack.push(child);
    } else if (typeof item === "object" && item !== null) {
      const token = item as { type?: unknown; offset?: unknown };
      if (token.type === "tag" && typeof token.offset === "number") offsets.push(token.offset);
      for (const child of Object.values(item)) if (typeof child === "object" && child !== null) stack.push(child);
    }
  }
  return offsets.sort((a, b) => a - b);
}

interface Inspection {
  readonly diagnostics: readonly Diagnostic[];
  /** Alias nodes in document order. */
  readonly aliases: readonly { readonly node: Alias.Parsed; readonly path: readonly PropertyKey[] }[];
  /** Tag offsets already reported, so yaml's unresolved-tag warning for them is redundant. */
  readonly reportedTags: ReadonlySet<number>;
}

function inspectDocument(
  doc: Document.Parsed,
  tags: readonly number[],
  limits: YamlLimits,
  at: At,
  lines: LineCounter,
): Inspection {
  const diagnostics: Diagnostic[] = [];
  const aliases: { node: Alias.Parsed; path: readonly PropertyKey[] }[] = [];
  const reportedTags = new Set<number>();
  let tooDeep = false;

  interface Pending {
    readonly node: ParsedNode;
    readonly path: readonly PropertyKey[];
    readonly depth: number;
  }
  const stack: Pending[] = doc.contents === null ? [] : [{ node: doc.contents, path: [], depth: 0 }];
  // Explicit stack, children pushed in reverse: document order without recursion.
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop() as Pending;
    if (depth > MAX_NESTING) {
      if (!tooDeep) {
        diagnostics.push(at(node.range[0], path, `nesting is deeper than ${MAX_NESTING} levels; flatten the structure`));
      }
      tooDeep = true;
      continue;
    }
    if (isAlias(node)) {
      aliases.push({ node, path });
      continue;
    }
    if (node.tag !== undefined && !CORE_TAGS.has(node.tag)) {
      const offset = precedingTag(tags, node.range[0]) ?? node.range[0];
      reportedTags.add(offset);
      diagnostics.push(
        at(
          offset,
          path,
          `tag '${shortTag(node.tag)}' is not allowed; write a plain string, number, boolean, null, list or mapping without a tag`,
        ),
      );
    }
    const children: Pending[] = [];
    if (isMap(node)) {
      const seen = new Map<string, Scalar.Parsed>();
      for (const pair of node.items) {
        const key = pair.key;
        const keyPath = isScalar(key) ? [...path, keyString(key)] : path;
        if (isScalar(key)) {
          // With stringKeys, `1:` and `"1":` compare equal here, as they would collide in JS.
          const name = keyString(key);
          const first = seen.get(name);
          if (first === undefined) {
            seen.set(name, key);
          } else {
            const line = lines.linePos(first.range[0]).line;
            diagnostics.push(
              at(key.range[0], keyPath, `duplicate key '${name}' (first defined on line ${line}); remove one of them`),
            );
          }
          if (key.value === "<<" && key.type === "PLAIN") {
            diagnostics.push(
              at(key.range[0], path, "merge keys ('<<') are not supported; write the fields out in full"),
            );
          }
        }
        children.push({ node: key, path: keyPath, depth: depth + 1 });
        if (pair.value !== null) children.push({ node: pair.value, path: keyPath, depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => children.push({ node: item, path: [...path, index], depth: depth + 1 }));
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Pending);
  }

  const offending = aliases[limits.maxAliases];
  if (offending !== undefined) {
    diagnostics.push(
      at(
        offending.node.range[0],
        offending.path,
        limits.maxAliases === 0
          ? "aliases are not allowed in this file; write the value out in full"
          : `too many aliases: this file allows at most ${limits.maxAliases}; write the values out in full`,
      ),
    );
  } else if (!tooDeep) {
    // (resolve() walks the whole document recursively; skipped for a document too deep to trust.)
    for (const { node, path } of aliases) {
      // yaml only notices a dangling alias when converting to JS, and then without a position.
      if (node.resolve(doc) === undefined) {
        diagnostics.push(
          at(node.range[0], path, `alias '*${node.source}' has no anchor '&${node.source}' before it`),
        );
      }
    }
  }
  return { diagnostics, aliases, reportedTags };
}

/** The tag token that belongs to a node is the closest one before the node's content. */
function precedingTag(tags: readonly number[], start: number): number | undefined {
  let lo = 0;
  let hi = tags.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((tags[mid] as number) < start) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? tags[lo - 1] : undefined;
}

function shortTag(tag: string): string {
  return tag.startsWith(CORE_TAG_PREFIX) ? `!!${tag.slice(CORE_TAG_PREFIX.length)}` : tag;
}

/** The JS property name a scalar key becomes (with `stringKeys`, the text as written). */
function keyString(key: Scalar): string {
  const value: unknown = key.value;
  if (typeof value === "string") return value;
  // Scalars hold nothing but these; null (an empty key) is "".
  return typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" ? String(value) : "";
}

/** Turns one of yaml's errors or warnings into a diagnostic, or drops it when we already said it better. */
function yamlProblem(
  problem: YAMLError,
  found: Inspection,
  rejectedDirectives: readonly (readonly [number, number])[],
  at: At,
): Diagnostic | undefined {
  const offset = problem.pos[0];
  switch (problem.code) {
    case "TAG_RESOLVE_FAILED": {
      if (found.reportedTags.has(offset)) return undefined;
      // Left over: a core tag whose value does not fit it, such as `!!int abc`.
      const tag = /^Unresolved tag: (\S+)/.exec(problem.message)?.[1];
      if (tag === undefined) break;
      return at(offset, [], `the value does not fit its tag '${shortTag(tag)}'; remove the tag or fix the value`);
    }
    case "RESOURCE_EXHAUSTION":
      // yaml catches its own stack overflow on absurdly nested input and reports it here.
      return at(offset, [], `nesting is too deep to read; flatten the structure`);
    case "BAD_DIRECTIVE":
      if (rejectedDirectives.some(([start, end]) => offset >= start && offset < end)) return undefined;
      break;
    case "NON_STRING_KEY":
      return at(offset, [], "keys must be plain strings, not lists, mappings, aliases or tagged values");
    default:
      break;
  }
  const message = (problem.message.split("\n")[0] ?? problem.message).split(CORE_TAG_PREFIX).join("!!");
  return at(offset, [], message);
}

function checkTopLevel(doc: Document.Parsed, at: At): Diagnostic[] {
  const contents = doc.contents;
  if (contents === null || isEmptyScalar(contents)) {
    return [at(0, [], "the file is empty; expected a mapping of fields (key: value)")];
  }
  if (isMap(contents)) return [];
  const got = isSeq(contents) ? "list" : isAlias(contents) ? "alias" : describeValue(contents.value);
  return [at(contents.range[0], [], `the top level must be a mapping of fields (key: value), got ${got}`)];
}

function isEmptyScalar(node: ParsedNode): boolean {
  return isScalar(node) && node.value === null && node.range[0] === node.range[1];
}

// ---------------------------------------------------------------------------
// Source map
// ---------------------------------------------------------------------------

/**
 * A document's shape and where each part is written, as plain data: it can cross to another
 * thread (agency files of a large estate are parsed on two, cli/parallel-load.ts) and is much
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
function sourceTree(doc: Document.Parsed, lines: LineCounter): SourceTree {
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

function valueOffset({ node, key }: Walk): number {
  if (node !== null && node.empty !== true) return node.offset;
  if (key !== undefined) return key;
  return node?.offset ?? 0;
}

// ---------------------------------------------------------------------------
// Schema stage: zod issues to diagnostics
// ---------------------------------------------------------------------------

type Issue = z.core.$ZodIssue;

function issueDiagnostics(issue: Issue, value: unknown, source: SourceMap, schema: z.ZodType): Diagnostic[] {
  const path = issue.path;
  const diagnostic = (at: SourcePosition, where: readonly PropertyKey[], message: string): Diagnostic => ({
    ...at,
    path: formatPath(where),
    message: oneLine(message),
  });

  if (issue.code === "unrecognized_keys") {
    const container = valueAt(value, path);
    const present = isPlainObject(container.value) ? Object.keys(container.value) : [];
    const known = knownKeys(schema, path).filter((k) => !present.includes(k));
    return issue.keys.map((key) =>
      diagnostic(source.locateKey([...path, key]), [...path, key], `unknown field '${key}'${suggestion(key, known)}`),
    );
  }

  const canBeMissing =
    issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "invalid_union";
  if (canBeMissing && isMissingField(value, path)) {
    const parent = path.slice(0, -1);
    return [diagnostic(source.locateKey(parent), parent, `missing required field '${String(path[path.length - 1])}'`)];
  }

  if (issue.code === "invalid_key") {
    return [diagnostic(source.locateKey(path), path, `invalid key: ${describeIssue(issue.issues[0], issue.input)}`)];
  }
  return [diagnostic(source.locate(path), path, describeIssue(issue, offendingValue(issue, value)))];
}

/** The value an issue is about. */
function offendingValue(issue: Issue, value: unknown): unknown {
  // A discriminated union reports the whole object as input but points at the discriminator.
  const pointsAtDiscriminator = issue.code === "invalid_union" && issue.discriminator !== undefined;
  if ("input" in issue && !pointsAtDiscriminator) return issue.input;
  return valueAt(value, issue.path).value;
}

/** zod's own wording starts like this; anything else was written by the schema's author. */
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (small|big))\b/;

function describeIssue(issue: Issue | undefined, got: unknown): string {
  if (issue === undefined) return `invalid value ${showValue(got)}`;
  // A message written in the schema says what the rule means ("must be a DNS-1123 label: ..."),
  // which beats a generic rendering of the check ("must match the pattern /.../").
  if (issue.code !== "custom" && issue.code !== "invalid_key" && !ZOD_DEFAULT_MESSAGE.test(issue.message)) {
    return `${issue.message}; got ${showValue(got)}`;
  }
  switch (issue.code) {
    case "invalid_type":
      return `expected ${typeWord(issue.expected)}, got ${describeValue(got)}`;
    case "invalid_value":
      return `${oneOf(issue.values)}; got ${showValue(got)}`;
    case "invalid_union": {
      if (issue.discriminator !== undefined && "options" in issue && issue.options !== undefined) {
        return `${oneOf(issue.options)}; got ${showValue(got)}`;
      }
      const roots = issue.errors.map((branch) => (branch.length === 1 && branch[0]?.path.length === 0 ? branch[0] : undefined));
      if (roots.length > 0 && roots.every((r) => r?.code === "invalid_type")) {
        const expected = [...new Set(roots.map((r) => typeWord((r as z.core.$ZodIssueInvalidType).expected)))];
        return `expected ${expected.join(" or ")}, got ${describeValue(got)}`;
      }
      if (roots.length > 0 && roots.every((r) => r?.code === "invalid_value")) {
        return `${oneOf(roots.flatMap((r) => (r as z.core.$ZodIssueInvalidValue).values))}; got ${showValue(got)}`;
      }
      return issue.errors.length > 0 ? `does not match any of the allowed forms; got ${describeValue(got)}` : issue.message;
    }
    case "too_small":
    case "too_big":
      return describeBound(issue, got);
    case "invalid_format":
      return `${describeFormat(issue)}; got ${showValue(got)}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}; got ${showValue(got)}`;
    case "invalid_key":
      return `invalid key: ${describeIssue(issue.issues[0], issue.input)}`;
    default:
      // custom (refinements) and anything newer: the schema's author wrote the message.
      return (issue as Issue).message;
  }
}

function describeBound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, got: unknown): string {
  const small = issue.code === "too_small";
  const limit = small ? issue.minimum : issue.maximum;
  const inclusive = issue.inclusive !== false;
  switch (issue.origin) {
    case "number":
    case "int":
    case "bigint": {
      const relation = inclusive ? (small ? "at least" : "at most") : small ? "greater than" : "less than";
      return `must be ${relation} ${limit}; got ${showValue(got)}`;
    }
    case "string":
    case "array":
    case "set": {
      // Lengths are integers, so an exclusive bound is the next integer inclusively.
      const count = inclusive ? Number(limit) : Number(limit) + (small ? 1 : -1);
      const relation = issue.exact ? "exactly" : small ? "at least" : "at most";
      const unit = issue.origin === "string" ? "character" : "item";
      const length = lengthOf(got);
      const actual = issue.origin === "string" ? showValue(got) : length === undefined ? showValue(got) : String(length);
      const verb = issue.origin === "string" ? "be" : "have";
      const long = issue.origin === "string" ? " long" : "";
      return `must ${verb} ${relation} ${count} ${unit}${count === 1 ? "" : "s"}${long}; got ${actual}`;
    }
    default:
      return issue.message;
  }
}

function describeFormat(issue: z.core.$ZodIssueInvalidStringFormat): string {
  const details = issue as z.core.$ZodIssueInvalidStringFormat & {
    prefix?: string;
    suffix?: string;
    includes?: string;
  };
  switch (issue.format) {
    case "regex":
      return `must match the pattern ${issue.pattern ?? "given in the schema"}`;
    case "starts_with":
      return `must start with ${JSON.stringify(details.prefix)}`;
    case "ends_with":
      return `must end with ${JSON.stringify(details.suffix)}`;
    case "includes":
      return `must contain ${JSON.stringify(details.includes)}`;
    case "lowercase":
    case "uppercase":
      return `must be ${issue.format}`;
    default:
      return `must be a valid ${issue.format}`;
  }
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === "string" ? v : String(v)));
  return shown.length === 1 ? `must be ${shown[0]}` : `must be one of ${shown.join(", ")}`;
}

/** zod's type names, in the words of someone writing YAML. */
function typeWord(expected: string): string {
  switch (expected) {
    case "object":
    case "record":
      return "mapping";
    case "array":
    case "tuple":
      return "list";
    case "int":
      return "integer";
    default:
      return expected;
  }
}

/** A value with its type, for "expected X, got Y". */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "mapping";
  if (typeof value === "bigint") return `number ${value}`;
  return `${typeof value} ${showValue(value)}`;
}

/** A value as the user wrote it, for "must be ...; got Y". */
function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object") return "a mapping";
  return typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" ? String(value) : typeof value;
}

function lengthOf(value: unknown): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (value instanceof Set) return value.size;
  return undefined;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current = root;
  for (const step of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, step)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<PropertyKey, unknown>)[step];
  }
  return { found: true, value: current };
}

/** A field is missing when its parent mapping exists and has no such key at all. */
function isMissingField(root: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(root, path.slice(0, -1));
  return parent.found && isPlainObject(parent.value) && !Object.hasOwn(parent.value, path[path.length - 1] as PropertyKey);
}

// --- "did you mean" --------------------------------------------------------

function suggestion(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = levenshtein(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // `distance < key.length` keeps two-letter keys from "matching" every other short key.
  return best !== undefined && bestDistance <= 2 && bestDistance < key.length ? `; did you mean '${best}'?` : "";
}

/** Edit distance between two strings (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The zod definition fields the key lookup needs. zod 4 exposes `_zod.def` as its
 * introspection surface; only the fields read here are declared.
 */
interface SchemaDef {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly getter?: () => z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly items?: readonly z.ZodType[];
  readonly rest?: z.ZodType | null;
  readonly options?: readonly z.ZodType[];
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Field names the schema accepts at `path`, for suggestions. Best effort: unknown shapes give none. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let candidates = expand([schema]);
  for (const step of path) candidates = expand(candidates.flatMap((s) => childSchemas(s, step)));
  const keys = new Set<string>();
  for (const candidate of candidates) {
    const shape = defOf(candidate).shape;
    if (defOf(candidate).type === "object" && shape !== undefined) for (const key of Object.keys(shape)) keys.add(key);
  }
  return [...keys];
}

/** Looks through wrappers (optional, default, pipe, lazy, union, ...) to the schemas that shape the value. */
function expand(schemas: readonly z.ZodType[]): z.ZodType[] {
  const out: z.ZodType[] = [];
  const pending = [...schemas];
  // Bounded, because a lazy schema may refer to itself.
  for (let budget = 256; pending.length > 0 && budget > 0; budget--) {
    const schema = pending.pop() as z.ZodType;
    const def = defOf(schema);
    if (def.innerType !== undefined) pending.push(def.innerType);
    else if (def.type === "pipe" && def.in !== undefined) pending.push(def.in);
    else if (def.type === "lazy" && def.getter !== undefined) pending.push(def.getter());
    else if (def.type === "union" && def.options !== undefined) pending.push(...def.options);
    else if (def.type === "intersection" && def.left !== undefined && def.right !== undefined) pending.push(def.left, def.right);
    else out.push(schema);
  }
  return out;
}

function childSchemas(schema: z.ZodType, step: PropertyKey): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case "object": {
      const child = typeof step === "string" && def.shape !== undefined && Object.hasOwn(def.shape, step) ? def.shape[step] : undefined;
      return child === undefined ? [] : [child];
    }
    case "array":
      return def.element === undefined ? [] : [def.element];
    case "record":
      return def.valueType === undefined ? [] : [def.valueType];
    case "tuple": {
      const item = typeof step === "number" ? (def.items?.[step] ?? def.rest ?? undefined) : undefined;
      return item === undefined ? [] : [item];
    }
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

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
