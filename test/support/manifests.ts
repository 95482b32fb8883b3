/**
 * The `kubernetes_manifest` objects of a synthesized stack, one per resource instance: a plain
 * resource's `manifest`, or, for a for_each block whose manifest is `${each.value.<attr>}`, each
 * instance's value with Terraform's literal escapes (`$${`, `%%{`) undone.
 */
import type { TerraformJson } from "./synth";

export interface ManifestInstance {
  /** `kubernetes_manifest.<name>` or `kubernetes_manifest.<name>["<key>"]`. */
  readonly address: string;
  readonly manifest: unknown;
}

const EACH_VALUE = /^\$\{each\.value\.([A-Za-z_][A-Za-z0-9_]*)\}$/;

export function manifestInstances(doc: TerraformJson): ManifestInstance[] {
  const out: ManifestInstance[] = [];
  for (const [name, body] of Object.entries(doc.resource?.kubernetes_manifest ?? {})) {
    const forEach = body.for_each as Record<string, Record<string, unknown>> | undefined;
    const expression = typeof body.manifest === "string" ? EACH_VALUE.exec(body.manifest) : null;
    if (forEach !== undefined && expression !== null) {
      for (const [key, values] of Object.entries(forEach)) {
        out.push({ address: `kubernetes_manifest.${name}[${JSON.stringify(unescape(key))}]`, manifest: unescape(values[expression[1] as string]) });
      }
    } else {
      out.push({ address: `kubernetes_manifest.${name}`, manifest: body.manifest });
    }
  }
  return out;
}

function unescape<T>(value: T): T {
  if (typeof value === "string") return value.replace(/([$%])\1\{/g, "$1{") as T;
  if (Array.isArray(value)) return value.map(unescape) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [unescape(k), unescape(v)])) as T;
  }
  return value;
}
