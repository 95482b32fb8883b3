import { type MapTerraformIterator, TerraformIterator } from "cdktf";
import type { InstanceValues } from "../estate/tenant-model";

/**
 * The for_each iterator over a block's instances. Keys are sorted, so the output does not depend
 * on the order in which agencies were added. Every string is made literal: Terraform reads all
 * strings of a JSON configuration as templates, for_each values included, so agency-written
 * text such as `${file("/etc/passwd")}` would otherwise be evaluated on the machine that plans.
 */
export function forEachOf(instances: ReadonlyMap<string, InstanceValues>): MapTerraformIterator {
  const sorted = [...instances].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return TerraformIterator.fromMap(terraformLiteral(Object.fromEntries(sorted)) as Record<string, unknown>);
}

/** A JSON value with `${` and `%{` escaped (`$${`, `%%{`) in every string, keys included. */
export function terraformLiteral(value: unknown): unknown {
  if (typeof value === "string") return value.replace(/([$%])\{/g, "$1$1{");
  if (Array.isArray(value)) return value.map(terraformLiteral);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [terraformLiteral(k) as string, terraformLiteral(v)]));
  }
  return value;
}
