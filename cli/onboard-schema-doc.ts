/**
 * What the agency file's comments are read from: the zod schemas of environments/agency-schema.ts.
 * A field's comment is its schema description plus the values the schema allows, so that the
 * onboarding text cannot drift from what the loader accepts.
 */
import { z } from "zod";
import { WORKLOAD_TEMPLATES, type WorkloadTemplate, workloadTemplateOf } from "../environments/workloads";

/** The schema of one workload template. */
export function templateSchema(template: WorkloadTemplate) {
  return workloadTemplateOf(template).schema;
}

/** The templates whose schema has a field (`host`, `model`, `gpus`), in the templates' order. */
export function templatesWith(field: string): WorkloadTemplate[] {
  return WORKLOAD_TEMPLATES.filter((t) => field in templateSchema(t).shape);
}

/** The schema of a text field that templates share, from the first template that has it: what `--host` and `--model` check. */
export function templateTextField(field: string): z.ZodType<string> {
  const [first] = templatesWith(field);
  const schema = first === undefined ? undefined : fieldSchema(templateSchema(first).shape, field);
  if (!(schema instanceof z.ZodString)) throw new Error(`internal error: no workload template has a text field ${field}`);
  return schema;
}

/** `a`, `a or b`, `a, b or c`. */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/**
 * The comment for a field: its schema description (or `fallback`), the allowed values the
 * schema declares (enum options, integer range), then `note`.
 */
export function doc(schema: z.ZodType | undefined, fallback = "", note = ""): string {
  let description: string | undefined;
  /** The allowed values as written, and the words that show a description already names them. */
  let allowed: { text: string; words: readonly string[] } | undefined;
  for (let s = schema; s !== undefined; s = unwrapOnce(s)) {
    description ??= s.description;
    if (s instanceof z.ZodEnum) allowed = { text: `one of ${s.options.join(", ")}`, words: s.options.map(String) };
    if (s instanceof z.ZodNumber && s.isInt && Number.isSafeInteger(s.minValue) && Number.isSafeInteger(s.maxValue)) {
      allowed = { text: `${s.minValue} to ${s.maxValue}`, words: [`${s.minValue} to ${s.maxValue}`] };
    }
  }
  const text = description ?? fallback;
  if (text === "") throw new Error("internal error: a field of the agency file has no comment; describe it in the schema");
  const range = allowed === undefined || allowed.words.every((w) => text.includes(w)) ? "" : allowed.text;
  return [text, range, note].filter((p) => p !== "").join("; ");
}

function unwrapOnce(schema: z.ZodType): z.ZodType | undefined {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return schema.unwrap() as z.ZodType;
  }
  return undefined;
}

export function fieldSchema(shape: Readonly<Record<string, z.ZodType>>, key: string): z.ZodType | undefined {
  return Object.hasOwn(shape, key) ? shape[key] : undefined;
}

/** The shape of an object schema behind defaults and optionals. */
export function objectShape(schema: z.ZodType | undefined): Readonly<Record<string, z.ZodType>> {
  for (let s = schema; s !== undefined; s = unwrapOnce(s)) {
    if (s instanceof z.ZodObject) return s.shape as Readonly<Record<string, z.ZodType>>;
  }
  return {};
}
