/**
 * JSON with sorted keys and two-space indentation, byte for byte what json-stable-stringify
 * (`{ space: 2 }`) writes, which is how cdktf writes every synthesized file. cdktf's serializer
 * spent 4.6 s of a national synthesis (190 MB) in its generic machinery (cycle checks, replacer
 * and comparator hooks, indentation rebuilt per value). This one appends every piece to one
 * string instead of joining the text of each object into its parent's (which copies a deeply
 * nested instance once per level), and writes Terraform-literal values without copying them
 * first ({@link TerraformLiteral}). A property test keeps it identical to json-stable-stringify.
 *
 * Like json-stable-stringify: `toJSON()` is honoured, keys sort by UTF-16 code units, object
 * members whose value is undefined (or a function) are left out and array items that are become
 * `null`, and an empty object or array is written on two lines (`{` then the closing brace).
 */

/**
 * The fixed pieces of the text at one depth, made once: every piece the writer appends that is
 * not a value is one of these (or a member's prefix, {@link memberPrefix}). A piece put together
 * on the spot is allocated before it is appended. Writing tenant stacks in a loop (660 MB,
 * counted with --trace-gc), the writer allocated about five and a half bytes per byte written;
 * with these pieces and the sort below, under three. In `govcloud synth` the scavenges that
 * garbage causes run on one core, the policy gate's thread having the other (9 ms each there,
 * 3 ms on an idle machine). Keeping the quoted text of short string values was tried too: it
 * allocated less, but hashing the estate's strings (each a string of its own) cost more than it
 * saved (the 108 tenant stacks on one thread: 1.96-2.60 s with it, 2.06-2.17 s without).
 */
interface Pieces {
  /** A line break and the indentation of this depth. */
  readonly indent: string;
  /** Before an array's first item one level deeper, and before each later one. */
  readonly firstItem: string;
  readonly nextItem: string;
  /** The end of an array or object at this depth. */
  readonly closeArray: string;
  readonly closeObject: string;
  /** An empty array or object at this depth (on two lines, as json-stable-stringify writes them). */
  readonly emptyArray: string;
  readonly emptyObject: string;
  /** Members' prefixes by key ({@link memberPrefix}). */
  readonly members: Map<string, readonly [first: string, next: string]>;
}

const PIECES: Pieces[] = [];

function pieces(level: number): Pieces {
  let at = PIECES[level];
  if (at === undefined) {
    const indent = `\n${"  ".repeat(level)}`;
    const open = `${indent}  `;
    at = {
      indent,
      firstItem: `[${open}`,
      nextItem: `,${open}`,
      closeArray: `${indent}]`,
      closeObject: `${indent}}`,
      emptyArray: `[${indent}]`,
      emptyObject: `{${indent}}`,
      members: new Map(),
    };
    PIECES[level] = at;
  }
  return at;
}

/**
 * A value already written, at the depth it will be placed at: `stableJson` copies its text
 * instead of writing the value again. Long-running processes keep the text of parts that did not
 * change (sources.json keeps each agency's entry).
 */
export class StableJsonText {
  private constructor(
    public readonly text: string,
    public readonly level: number,
  ) {}

  /** `value` written for placement `level` objects or arrays deep (0: the document itself). */
  public static of(value: unknown, level: number): StableJsonText {
    const text = new Writer().document(value, level);
    if (text === undefined) throw new Error("internal: nothing to write");
    return new StableJsonText(text, level);
  }
}

/**
 * A JSON value whose strings, keys included, are written with Terraform's template sequences
 * escaped (`${` as `$${`, `%{` as `%%{`): Terraform reads every string of a JSON configuration
 * as a template, so text that must arrive as written is escaped. `stableJson` escapes while it
 * writes; other serializers see the escaped copy `toJSON()` returns.
 */
export class TerraformLiteral {
  readonly #given: unknown;

  constructor(value: unknown) {
    this.#given = value;
  }

  public get value(): unknown {
    return this.#given;
  }

  /** Whether JSON writes nothing for it. */
  public get absent(): boolean {
    return isAbsent(jsonValue(this.#given));
  }

  public toJSON(): unknown {
    return terraformLiteral(this.value);
  }
}

/**
 * A record of Terraform literals (see {@link TerraformLiteral}) whose members are made only as
 * each is written, and again at each write: a tenant stack's for_each map, whose instances are
 * transformed (labelled) on their way out (constructs/for-each.ts). Each member lives while it is
 * written; the record holds only its keys and a function. A marker per instance, each with the
 * function that made it, held for the whole stack while the stack was written, was copied and
 * promoted by the garbage collector's scavenges: 29 MB of the main thread's promotions in a cold
 * synthesis of the 3,400-agency estate (V8's sampling heap profiler, objects that outlived a
 * scavenge).
 */
export class DeferredLiteralRecord {
  readonly #keys: readonly string[];
  readonly #member: (index: number) => unknown;
  /** Indexes of `keys` in the order of their written (escaped) form, when that is not theirs. */
  readonly #order: readonly number[] | undefined;

  /** `member(i)` makes the value of `keys[i]`; keys are escaped as they are written, and must stay distinct so. */
  constructor(keys: readonly string[], member: (index: number) => unknown) {
    this.#keys = keys;
    this.#member = member;
    this.#order = writtenOrder(keys);
  }

  /** Calls `visit` with each key (unescaped) and its value, made now, in the order JSON writes them. */
  public forEachMember(visit: (key: string, value: unknown) => void): void {
    const keys = this.#keys;
    const order = this.#order;
    for (let i = 0; i < keys.length; i++) {
      const index = order === undefined ? i : (order[i] as number);
      visit(keys[index] as string, this.#member(index));
    }
  }

  public toJSON(): unknown {
    const entries: [string, unknown][] = [];
    this.forEachMember((key, value) => entries.push([escapeTemplates(key), terraformLiteral(value)]));
    return Object.fromEntries(entries);
  }
}

/** The order of `keys` by their escaped form, or undefined when they are in it already. */
function writtenOrder(keys: readonly string[]): number[] | undefined {
  let sorted = true;
  let previous: string | undefined;
  for (const key of keys) {
    const written = escapeTemplates(key);
    if (previous !== undefined && !(previous < written)) sorted = false;
    previous = written;
  }
  if (sorted) return undefined;
  const written = keys.map(escapeTemplates);
  const order = keys.map((_, i) => i).sort((a, b) => ((written[a] as string) < (written[b] as string) ? -1 : (written[a] as string) > (written[b] as string) ? 1 : 0));
  for (let i = 1; i < order.length; i++) {
    if (written[order[i - 1] as number] === written[order[i] as number]) throw new Error(`internal: two keys written ${JSON.stringify(written[order[i] as number])}`);
  }
  return order;
}

/** A JSON value with `${` and `%{` escaped (`$${`, `%%{`) in every string, keys included. */
export function terraformLiteral(value: unknown): unknown {
  if (typeof value === "string") return escapeTemplates(value);
  if (Array.isArray(value)) return value.map(terraformLiteral);
  if (value !== null && typeof value === "object") {
    // Made with fromEntries, which defines every key as its own: an assignment to `__proto__`
    // would set the copy's prototype instead, and the key would vanish from the JSON.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeTemplates(k), terraformLiteral(v)]));
  }
  return value;
}

function escapeTemplates(text: string): string {
  return text.includes("{") ? text.replace(/([$%])\{/g, "$1$1{") : text;
}

/** Members' prefixes kept, over all depths; keys repeat a lot. */
const MAX_MEMBER_PREFIXES = 50_000;
let memberPrefixes = 0;

/**
 * What comes before a member's value in an object at `at`: for the first member `{`, for the
 * others `,`, then the line break, the indentation and `"key": `. Kept for keys without `{` (the
 * same escaped or not).
 */
function memberPrefix(at: Pieces, key: string, literal: boolean): readonly [first: string, next: string] {
  let prefix = at.members.get(key);
  if (prefix !== undefined) return prefix;
  const hasBrace = key.includes("{");
  const quoted = `${at.indent}  ${JSON.stringify(literal && hasBrace ? escapeTemplates(key) : key)}: `;
  prefix = [`{${quoted}`, `,${quoted}`];
  if (!hasBrace && memberPrefixes < MAX_MEMBER_PREFIXES) {
    at.members.set(key, prefix);
    memberPrefixes++;
  }
  return prefix;
}

/** What JSON leaves out of objects (and writes as null in arrays), literal or not. */
function isAbsent(value: unknown): boolean {
  if (value instanceof TerraformLiteral) return value.absent;
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

/** The value JSON writes for `node`: its `toJSON()` if it has one (not for our own markers). */
function jsonValue(node: unknown): unknown {
  if (node !== null && typeof node === "object" && !(node instanceof StableJsonText) && !(node instanceof TerraformLiteral) && !(node instanceof DeferredLiteralRecord)) {
    const toJSON = (node as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return toJSON.call(node) as unknown;
  }
  return node;
}

/** The keys of `record` in the order of their written (escaped, when `literal`) form. */
function sortedKeys(record: Record<string, unknown>, literal: boolean): string[] {
  const keys = Object.keys(record);
  if (!literal || !anyWithBrace(keys)) return sortStrings(keys);
  const written = new Map(keys.map((key) => [key, escapeTemplates(key)]));
  return keys.sort((a, b) => {
    const x = written.get(a) as string;
    const y = written.get(b) as string;
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function anyWithBrace(keys: readonly string[]): boolean {
  for (const key of keys) if (key.includes("{")) return true;
  return false;
}

/** Longer arrays of keys go to Array.prototype.sort once they are found out of order. */
const INSERTION_SORT_MAX = 32;

/**
 * `strings.sort()`, in place: by UTF-16 code units. Array.prototype.sort copies the array into a
 * scratch array of its own; for the few keys of most objects that copy was most of what the
 * writer allocated besides the text (traced: 125 of 448 MB for a third of a national estate's
 * tenant stacks). Short arrays are sorted here by insertion, which allocates nothing; longer
 * ones (a for_each map's keys, sorted already) are first checked for order.
 */
function sortStrings(strings: string[]): string[] {
  const n = strings.length;
  if (n > INSERTION_SORT_MAX) {
    for (let i = 1; i < n; i++) if ((strings[i - 1] as string) > (strings[i] as string)) return strings.sort();
    return strings;
  }
  for (let i = 1; i < n; i++) {
    const item = strings[i] as string;
    let j = i - 1;
    while (j >= 0 && (strings[j] as string) > item) {
      strings[j + 1] = strings[j] as string;
      j--;
    }
    strings[j + 1] = item;
  }
  return strings;
}

/** Text handed on by {@link stableJsonChunks} in pieces of about this many characters. */
const CHUNK = 1 << 16;

class Writer {
  private out = "";

  /** With `flush`, the text is handed on in pieces as it is written, never held whole. */
  constructor(private readonly flush?: (text: string) => void) {}

  /** The text of `value` placed `level` deep, or undefined when JSON writes nothing for it. */
  public document(value: unknown, level: number): string | undefined {
    const node = jsonValue(value);
    if (isAbsent(node)) return undefined;
    this.value(node, level, false);
    const rest = this.out;
    this.out = "";
    if (this.flush === undefined) return rest;
    if (rest !== "") this.flush(rest);
    return "";
  }

  /** Appends `node` (already through jsonValue, not absent). */
  private value(node: unknown, level: number, literal: boolean): void {
    if (typeof node === "string") {
      this.out += JSON.stringify(literal ? escapeTemplates(node) : node);
      return;
    }
    if (typeof node !== "object" || node === null) {
      this.out += JSON.stringify(node);
      return;
    }
    if (node instanceof StableJsonText) {
      if (node.level !== level) throw new Error(`internal: text written for depth ${node.level} placed at depth ${level}`);
      this.out += node.text;
      return;
    }
    if (node instanceof TerraformLiteral) {
      this.value(jsonValue(node.value), level, true);
      return;
    }
    const at = pieces(level);
    if (node instanceof DeferredLiteralRecord) {
      let first = true;
      node.forEachMember((key, value) => {
        first = this.member(at, key, value, first, level, true);
      });
      this.closeObject(at, first);
      return;
    }
    if (Array.isArray(node)) {
      if (node.length === 0) {
        this.out += at.emptyArray;
        return;
      }
      for (let i = 0; i < node.length; i++) {
        this.out += i === 0 ? at.firstItem : at.nextItem;
        const item = jsonValue(node[i]);
        this.value(isAbsent(item) ? null : item, level + 1, literal);
      }
      this.out += at.closeArray;
      this.flushFull();
      return;
    }
    const record = node as Record<string, unknown>;
    let first = true;
    for (const key of sortedKeys(record, literal)) first = this.member(at, key, record[key], first, level, literal);
    this.closeObject(at, first);
  }

  /**
   * Appends the member `key` of an object at `at` (whose members go one level deeper) unless
   * JSON leaves it out; `first`: whether no member is written yet. Returns that for the next.
   */
  private member(at: Pieces, key: string, value: unknown, first: boolean, level: number, literal: boolean): boolean {
    const member = jsonValue(value);
    if (isAbsent(member)) return first;
    const prefix = memberPrefix(at, key, literal);
    this.out += first ? prefix[0] : prefix[1];
    this.value(member, level + 1, literal);
    return false;
  }

  /** Ends an object at `at`; `empty` when no member was written. */
  private closeObject(at: Pieces, empty: boolean): void {
    this.out += empty ? at.emptyObject : at.closeObject;
    this.flushFull();
  }

  /** Hands on what is written once it is a chunk: a rope of a whole stack (megabytes of small pieces) is slow to flatten. */
  private flushFull(): void {
    if (this.flush !== undefined && this.out.length >= CHUNK) {
      this.flush(this.out);
      this.out = "";
    }
  }
}

/**
 * The text of `stableJson(value)` handed to `write` in pieces of about 64 KiB, in order, for
 * writing a large document to a file without holding its text whole: about twice as fast for a
 * tenant stack of megabytes. Returns false (and writes nothing) when JSON writes nothing for it.
 */
export function stableJsonChunks(value: unknown, write: (text: string) => void): boolean {
  return new Writer(write).document(value, 0) !== undefined;
}

/** `value` as cdktf writes synthesized JSON; undefined for undefined (as JSON.stringify). */
export function stableJson(value: unknown): string {
  return new Writer().document(value, 0) as string;
}
