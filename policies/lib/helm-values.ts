/**
 * The values of a `helm_release`, as Helm will read them: each document of `values` parsed as
 * YAML (no aliases: values are data, and an alias could hide a setting from a reviewer) and
 * merged in order, and the `set` blocks, whose names are Helm paths.
 */
import { parseDocument } from "yaml";
import { deepMerge, type Values } from "../../estate/deep-merge";
import { isPlainObject } from "../../core/plain-object";
import { blocks, text } from "./values";

export interface ReleaseValues {
  /** The `values` documents merged in order (later ones win, as Helm merges values files). */
  readonly values: Values;
  /** `set`, `set_list` and `set_sensitive` entries: Helm path and value. */
  readonly sets: readonly { readonly name: string; readonly value: unknown }[];
  /** Documents that could not be read, for findings: a value that cannot be read cannot be judged. */
  readonly problems: readonly string[];
}

/** Parsed once per release: several rules read the same props (which the engine freezes and never changes). */
const parsed = new WeakMap<object, ReleaseValues>();

export function releaseValues(props: Readonly<Record<string, unknown>>): ReleaseValues {
  let values = parsed.get(props);
  if (values === undefined) {
    values = readReleaseValues(props);
    parsed.set(props, values);
  }
  return values;
}

function readReleaseValues(props: Readonly<Record<string, unknown>>): ReleaseValues {
  let values: Values = {};
  const problems: string[] = [];
  const documents = Array.isArray(props.values) ? props.values : [];
  documents.forEach((text, i) => {
    if (typeof text !== "string") {
      problems.push(`values document ${i + 1} is not a string and cannot be read`);
      return;
    }
    const doc = parseDocument(text, { merge: false, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      problems.push(`values document ${i + 1} is not valid YAML: ${doc.errors[0]?.message.split("\n")[0] ?? ""}`);
      return;
    }
    let parsed: unknown;
    try {
      parsed = doc.toJS({ maxAliasCount: 0 });
    } catch (error) {
      problems.push(`values document ${i + 1} cannot be read without resolving YAML aliases (${error instanceof Error ? error.message : String(error)}); write the values out`);
      return;
    }
    if (parsed === null || parsed === undefined) return;
    if (!isPlainObject(parsed)) {
      problems.push(`values document ${i + 1} is not a mapping`);
      return;
    }
    values = deepMerge(values, parsed);
  });
  const sets = ["set", "set_list", "set_sensitive"].flatMap((kind) => blocks(props[kind]).map((s) => ({ name: text(s.name), value: s.value })));
  return { values, sets, problems };
}

/** A path in values as people write it: `a.b[0].c`, odd keys quoted (`labels["app.kubernetes.io/name"]`). */
export function formatValuesPath(path: readonly (string | number)[]): string {
  return path
    .map((step, i) => (typeof step === "number" ? `[${step}]` : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(step) ? (i === 0 ? step : `.${step}`) : `[${JSON.stringify(step)}]`))
    .join("");
}

/** Every key of a values tree with its value and path, depth first. */
export function* walkValues(value: unknown, path: (string | number)[] = []): Generator<{ readonly path: readonly (string | number)[]; readonly key: string; readonly value: unknown }> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walkValues(value[i], [...path, i]);
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const at = [...path, key];
      yield { path: at, key, value: child };
      yield* walkValues(child, at);
    }
  }
}

/** The value at a path of plain objects, or undefined. */
export function valueAt(values: unknown, path: readonly string[]): unknown {
  let node = values;
  for (const step of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, step)) return undefined;
    node = node[step];
  }
  return node;
}
