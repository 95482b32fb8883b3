/**
 * Reading resource props the way Terraform and Kubernetes mean them. Terraform JSON accepts
 * strings for booleans and numbers ("true", "10001"); an expression the engine could not
 * resolve stays a string such as "${var.x}" and proves nothing, so it never counts as compliant.
 */

export function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first object of a block (blocks are arrays of objects; a raw manifest has plain objects). */
export function block(value: unknown): Readonly<Record<string, unknown>> | undefined {
  if (Array.isArray(value)) return isObject(value[0]) ? value[0] : undefined;
  return isObject(value) ? value : undefined;
}

/** Every object of a repeated block or list. */
export function blocks(value: unknown): readonly Readonly<Record<string, unknown>>[] {
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** Follows block and attribute names: `at(props, "spec", "template", "spec")`. */
export function at(value: unknown, ...steps: readonly string[]): unknown {
  let v = value;
  for (const step of steps) {
    const b = block(v);
    if (b === undefined) return undefined;
    v = b[step];
  }
  return v;
}

export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

/** Set: not undefined and not null (an unset attribute in a plan is null). */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function strings(value: unknown): readonly string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** A scalar as text: a string as it is, a number or boolean written out, anything else empty. */
export function text(value: unknown): string {
  if (typeof value === "string") return value;
  return typeof value === "number" || typeof value === "boolean" || typeof value === "bigint" ? String(value) : "";
}

/** A value as it reads in a message. */
export function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : value === undefined ? "unset" : JSON.stringify(value);
}

/** The host of a URL (`https://`, `oci://`, `s3://`...) or of `host[:port][/path]`; lowercased. */
export function hostOfUrl(url: string): string {
  return url
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
    .replace(/^[^@/]*@/, "")
    .replace(/[:/?#].*$/s, "")
    .toLowerCase();
}
