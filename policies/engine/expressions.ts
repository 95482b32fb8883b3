/**
 * The few Terraform expressions the engine resolves: `each.key`, `each.value` with attribute
 * and index steps, and `count.index`, written whole (`"${each.value.labels}"`, which yields the
 * raw value) or inside a string (`"tenant-${each.value.name}"`, which yields a string). A string
 * with any other expression or a template directive is kept as written.
 */

/** The instance being expanded. */
export interface InstanceScope {
  readonly key: string | number;
  readonly value: unknown;
}

type Ref = { readonly kind: "key" } | { readonly kind: "value"; readonly steps: readonly (string | number)[] };

/** A compiled string: literal parts around references (`parts.length === refs.length + 1`). */
export interface Template {
  readonly raw: string;
  readonly parts: readonly string[];
  readonly refs: readonly Ref[];
  /** The string is exactly one reference: its value is used as is, whatever its type. */
  readonly whole: boolean;
}

const REF = /\$\{\s*(each\.key|count\.index|each\.value((?:\s*\.\s*[A-Za-z_][A-Za-z0-9_-]*|\s*\[\s*(?:"(?:[^"\\]|\\.)*"|\d+)\s*\])*))\s*\}/g;
const STEP = /\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*("(?:[^"\\]|\\.)*"|\d+)\s*\]/g;

/**
 * Compiles a string that references the instance; undefined when it does not, or when it also
 * holds an expression the engine cannot resolve (the string then stays as written).
 */
export function compileTemplate(raw: string): Template | undefined {
  if (!raw.includes("${")) return undefined;
  const parts: string[] = [];
  const refs: Ref[] = [];
  let last = 0;
  REF.lastIndex = 0;
  for (let m = REF.exec(raw); m !== null; m = REF.exec(raw)) {
    // `$${` is an escaped, literal `${`.
    if (m.index > 0 && raw[m.index - 1] === "$") continue;
    parts.push(raw.slice(last, m.index));
    refs.push(parseRef(m[1] as string, m[2]));
    last = m.index + m[0].length;
  }
  if (refs.length === 0) return undefined;
  parts.push(raw.slice(last));
  // Anything else that is an expression or a directive makes the whole string unresolvable.
  for (const part of parts) if (/(^|[^$])[$%]\{/.test(part)) return undefined;
  const literal = parts.map((p) => p.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{"));
  return { raw, parts: literal, refs, whole: refs.length === 1 && literal[0] === "" && literal[1] === "" };
}

function parseRef(head: string, stepsText: string | undefined): Ref {
  if (head === "each.key" || head === "count.index") return { kind: "key" };
  const steps: (string | number)[] = [];
  STEP.lastIndex = 0;
  for (let m = STEP.exec(stepsText ?? ""); m !== null; m = STEP.exec(stepsText ?? "")) {
    if (m[1] !== undefined) steps.push(m[1]);
    else if ((m[2] as string).startsWith('"')) steps.push(JSON.parse(m[2] as string) as string);
    else steps.push(Number(m[2]));
  }
  return { kind: "value", steps };
}

const UNRESOLVED = Symbol("unresolved");

function resolveRef(ref: Ref, scope: InstanceScope): unknown {
  if (ref.kind === "key") return scope.key;
  let v: unknown = scope.value;
  for (const step of ref.steps) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, step)) return UNRESOLVED;
    v = (v as Record<string | number, unknown>)[step];
  }
  return v;
}

/** The value of a template for one instance; the raw string when a reference cannot be resolved. */
export function evaluateTemplate(t: Template, scope: InstanceScope): unknown {
  if (t.whole) {
    const v = resolveRef(t.refs[0] as Ref, scope);
    return v === UNRESOLVED ? t.raw : v;
  }
  let out = t.parts[0] as string;
  for (let i = 0; i < t.refs.length; i++) {
    const v = resolveRef(t.refs[i] as Ref, scope);
    if (typeof v === "string") out += v;
    else if (typeof v === "number" || typeof v === "boolean") out += String(v);
    else return t.raw;
    out += t.parts[i + 1] as string;
  }
  return out;
}
