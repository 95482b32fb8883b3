/**
 * JSON with sorted keys and two-space indentation, byte for byte what json-stable-stringify
 * (`{ space: 2 }`) writes, which is how cdktf writes every synthesized file. cdktf's serializer
 * spent 4.6 s of a national synthesis (190 MB) in its generic machinery (cycle checks, replacer
 * and comparator hooks, indentation rebuilt per value); this one does the same job in about
 * two thirds of the time (bench/RESULTS.md). A property test keeps the two identical.
 *
 * Like json-stable-stringify: `toJSON()` is honoured, keys sort by UTF-16 code units, object
 * members whose value is undefined (or a function) are left out and array items that are become
 * `null`, and an empty object or array is written on two lines (`{` then the closing brace).
 */

const INDENTS: string[] = ["\n"];

function indent(level: number): string {
  while (INDENTS.length <= level) INDENTS.push(`${INDENTS[INDENTS.length - 1]}  `);
  return INDENTS[level] as string;
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
    const text = write(value, level);
    if (text === undefined) throw new Error("internal: nothing to write");
    return new StableJsonText(text, level);
  }
}

function write(node: unknown, level: number): string | undefined {
  if (node instanceof StableJsonText) {
    if (node.level !== level) throw new Error(`internal: text written for depth ${node.level} placed at depth ${level}`);
    return node.text;
  }
  if (node !== null && typeof node === "object" && typeof (node as { toJSON?: unknown }).toJSON === "function") {
    node = (node as { toJSON: () => unknown }).toJSON();
  }
  if (typeof node !== "object" || node === null) return JSON.stringify(node);
  const close = indent(level);
  const open = indent(level + 1);
  const parts: string[] = [];
  if (Array.isArray(node)) {
    for (const item of node) parts.push(open + (write(item, level + 1) ?? "null"));
    return `[${parts.join(",")}${close}]`;
  }
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) {
    const value = write(record[key], level + 1);
    if (value !== undefined) parts.push(`${open}${JSON.stringify(key)}: ${value}`);
  }
  return `{${parts.join(",")}${close}}`;
}

/** `value` as cdktf writes synthesized JSON; undefined for undefined (as JSON.stringify). */
export function stableJson(value: unknown): string {
  return write(value, 0) as string;
}
