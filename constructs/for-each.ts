/**
 * for_each instances of tenant resources. A tenant stack holds about a thousand instances of a
 * few dozen resource blocks; the instances are plain JSON data from the estate model.
 *
 * cdktf's token resolver walks every value of a resource three times during synthesis (prepare,
 * element, stack), checking every string for tokens. For the instance maps that was 80% of the
 * synthesis time of a national estate (profiled: 11 s of 14 s for 1,000 agencies), for data that
 * holds no tokens at all. So a stack that can (a `ForEachDataStack`) receives the instance maps
 * after cdktf has resolved the resources, and the iterator cdktf sees is empty. The resource
 * bodies, with their `each.value` references, still come from the provider constructs.
 */
import { type MapTerraformIterator, TerraformIterator, type TerraformResource, TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import type { InstanceValues } from "../estate/tenant-model";

/** A stack that writes registered for_each maps into its synthesized JSON. */
export class ForEachDataStack extends TerraformStack {
  private readonly forEachData = new Map<TerraformResource, Record<string, unknown>>();

  /** @internal */
  public registerForEachData(resource: TerraformResource, data: Record<string, unknown>): void {
    this.forEachData.set(resource, data);
  }

  public override toTerraform(): Record<string, unknown> {
    const tf = super.toTerraform() as { resource?: Record<string, Record<string, { for_each?: unknown }>> };
    for (const [resource, data] of this.forEachData) {
      const body = tf.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId];
      if (body === undefined) throw new Error(`internal: no synthesized block for ${resource.node.path}`);
      body.for_each = data;
    }
    return tf as Record<string, unknown>;
  }
}

function dataStackOf(scope: IConstruct): ForEachDataStack | undefined {
  const stack = TerraformStack.of(scope);
  return stack instanceof ForEachDataStack ? stack : undefined;
}

/**
 * Creates a resource with `for_each` over `instances`: keys sorted, so the output does not depend
 * on the order agencies were added, and every string made literal, since Terraform reads all
 * strings of a JSON configuration as templates, for_each values included: agency-written text
 * such as `${file("/etc/passwd")}` would otherwise be evaluated on the machine that plans.
 */
export function forEachResource<R extends TerraformResource>(
  scope: IConstruct,
  instances: ReadonlyMap<string, InstanceValues>,
  create: (iterator: MapTerraformIterator) => R,
): R {
  const sorted = [...instances].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const data = terraformLiteral(Object.fromEntries(sorted)) as Record<string, unknown>;
  const stack = dataStackOf(scope);
  const resource = create(TerraformIterator.fromMap(stack === undefined ? data : {}));
  stack?.registerForEachData(resource, data);
  return resource;
}

/** A JSON value with `${` and `%{` escaped (`$${`, `%%{`) in every string, keys included. */
export function terraformLiteral(value: unknown): unknown {
  if (typeof value === "string") return value.includes("{") ? value.replace(/([$%])\{/g, "$1$1{") : value;
  if (Array.isArray(value)) return value.map(terraformLiteral);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[terraformLiteral(k) as string] = terraformLiteral(v);
    return out;
  }
  return value;
}
