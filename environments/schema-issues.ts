/**
 * The schema stage's wording: zod issues as one-line diagnostics a person can act on, located in
 * the file ("unknown field 'backpu'; did you mean 'backup'?", "missing required field 'x'",
 * "expected number, got string \"three\""), with the field path.
 */
import type { z } from "zod";
import { type Diagnostic, formatPath, type SourcePosition } from "./diagnostics";
import { isPlainObject } from "../core/plain-object";
import type { SourceMap } from "./source-map";

type Issue = z.core.$ZodIssue;

export function issueDiagnostics(issue: Issue, value: unknown, source: SourceMap, schema: z.ZodType): Diagnostic[] {
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
export function describeValue(value: unknown): string {
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
