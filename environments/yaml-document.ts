/**
 * The YAML stage of the loader (environments/loader.ts): parses one YAML 1.2 (core schema)
 * document and rejects what makes a file mean something other than what it looks like or costs
 * more than it should: YAML 1.1 directives, custom tags, merge keys, duplicate keys, several
 * documents, a top level that is not a mapping, alias bombs, deep nesting. Every problem is a
 * located diagnostic; nothing here knows the schema.
 */
import { type Alias, Composer, type CST, type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type ParsedNode, Parser, type Scalar, type YAMLError } from "yaml";
import { hasCharactersBeyondLatin1, oneBytePerCharacter } from "../core/one-byte-text";
import { type Diagnostic, formatPath, UserError } from "./diagnostics";
import type { YamlLimits } from "./loader";
import { isEmptyScalar, keyString, sourceTree, TreeSourceMap } from "./source-map";
import { describeValue } from "./schema-issues";

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

export interface ReadDocument {
  readonly value: unknown;
  readonly sourceMap: TreeSourceMap;
}

export function readDocument(source: string, shown: string, limits: YamlLimits): ReadDocument {
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
  const found = inspectDocument(doc, source.includes("!") ? tagOffsets(tokens) : [], limits, at, lines, hasCharactersBeyondLatin1(source));
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
  compactStrings: boolean,
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
    // Before anything reads the strings of a file with two-byte text (core/one-byte-text.ts).
    if (compactStrings && isScalar(node) && typeof node.value === "string") node.value = oneBytePerCharacter(node.value);
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

