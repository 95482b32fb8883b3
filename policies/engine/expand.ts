/**
 * Terraform JSON (cdk.tf.json) -> one {@link PolicyResource} per resource instance.
 *
 * Tenant resources are one block per kind with `for_each` over a map of thousands of instances.
 * Each block is prepared once: its body normalised (blocks as arrays) and frozen, and the paths
 * that reference the instance compiled. An instance then costs one shallow copy per object or
 * array on those paths and one evaluation per reference; everything else is shared.
 */
import { compileTemplate, evaluateTemplate, type InstanceScope, type Template } from "./expressions";
import { blockTree, normaliseBlocks } from "./provider-blocks";
import { PolicyResource } from "./resource";
import { deepFreeze, isObject } from "./util";
import type { SourceLocation } from "./types";

/** The parts of a cdk.tf.json document the engine reads. */
export interface TerraformJsonDocument {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
  readonly terraform?: Readonly<Record<string, unknown>>;
}

/** Where a resource instance came from, by its for_each key (undefined: not an instance of a map) and its block. */
export type SourceLookup = (key: string | number | undefined, block: { readonly stack: string; readonly type: string; readonly name: string }) => SourceLocation | undefined;

/** Meta-arguments: not part of the resource's own body. */
const META = new Set(["//", "for_each", "count", "depends_on", "lifecycle", "provider", "provisioner", "connection"]);

/** A compiled body: how to build one instance's props. */
type Plan =
  | { readonly kind: "template"; readonly template: Template }
  | { readonly kind: "object"; readonly base: Readonly<Record<string, unknown>>; readonly dynamic: readonly (readonly [string, Plan])[] }
  | { readonly kind: "array"; readonly base: readonly unknown[]; readonly dynamic: readonly (readonly [number, Plan])[] };

/** Every resource instance of one stack's document, in document order. */
export function expandDocument(stack: string, doc: TerraformJsonDocument, sourceOf: SourceLookup = () => undefined): PolicyResource[] {
  const out: PolicyResource[] = [];
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) expandBlock(stack, type, name, body, sourceOf, out);
  }
  out.push(...backendResources(stack, doc, sourceOf));
  return out;
}

/** Appends the instances of one resource block to `out`. */
export function expandBlock(
  stack: string,
  type: string,
  name: string,
  body: Readonly<Record<string, unknown>>,
  sourceOf: SourceLookup,
  out: PolicyResource[],
): void {
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(body)) if (!META.has(key)) own[key] = body[key];
  const tree = blockTree(type);
  const normalised = tree === undefined ? own : normaliseBlocks(own, tree);
  const plan = compile(normalised);
  const lifecycle = isObject(body.lifecycle) ? (deepFreeze({ ...body.lifecycle }) as PolicyResource["lifecycle"]) : undefined;
  const dependsOn = Array.isArray(body.depends_on) ? (Object.freeze([...body.depends_on]) as readonly string[]) : undefined;
  const base = `${type}.${name}`;
  const block = { stack, type, name };
  const make = (key: string | number | undefined, props: Readonly<Record<string, unknown>>): PolicyResource =>
    new PolicyResource({
      stack,
      address: key === undefined ? base : `${base}[${typeof key === "number" ? key : JSON.stringify(key)}]`,
      type,
      name,
      key,
      props,
      lifecycle,
      dependsOn,
      source: sourceOf(key, block),
    });

  const forEach = body.for_each;
  const count = body.count;
  if (plan === undefined || (forEach === undefined && count === undefined)) {
    // Static body: every instance shares it.
    const frozen = deepFreeze(normalised);
    if (isObject(forEach)) for (const key of Object.keys(forEach)) out.push(make(key, frozen));
    else if (typeof count === "number") for (let i = 0; i < count; i++) out.push(make(i, frozen));
    else out.push(make(undefined, frozen));
    return;
  }
  if (isObject(forEach)) {
    for (const key of Object.keys(forEach)) out.push(make(key, build(plan, { key, value: forEach[key] }) as Record<string, unknown>));
  } else if (Array.isArray(forEach) && forEach.every((k) => typeof k === "string")) {
    // A set of strings: each.value is the key.
    for (const key of forEach as string[]) out.push(make(key, build(plan, { key, value: key }) as Record<string, unknown>));
  } else if (typeof count === "number" && Number.isInteger(count)) {
    for (let i = 0; i < count; i++) out.push(make(i, build(plan, { key: i, value: undefined }) as Record<string, unknown>));
  } else {
    // for_each or count is itself an expression: one resource, its references left as written.
    out.push(make(undefined, deepFreeze(normalised)));
  }
}

/** Compiles a value; undefined when nothing in it references the instance. Freezes the static parts. */
function compile(value: unknown): Plan | undefined {
  if (typeof value === "string") {
    const template = compileTemplate(value);
    return template === undefined ? undefined : { kind: "template", template };
  }
  if (Array.isArray(value)) {
    const dynamic: [number, Plan][] = [];
    value.forEach((item, i) => {
      const p = compile(item);
      if (p !== undefined) dynamic.push([i, p]);
    });
    Object.freeze(value);
    return dynamic.length === 0 ? undefined : { kind: "array", base: value, dynamic };
  }
  if (isObject(value)) {
    const dynamic: [string, Plan][] = [];
    for (const key of Object.keys(value)) {
      const p = compile(value[key]);
      if (p !== undefined) dynamic.push([key, p]);
    }
    Object.freeze(value);
    return dynamic.length === 0 ? undefined : { kind: "object", base: value, dynamic };
  }
  return undefined;
}

function build(plan: Plan, scope: InstanceScope): unknown {
  switch (plan.kind) {
    case "template":
      return evaluateTemplate(plan.template, scope);
    case "object": {
      const o: Record<string, unknown> = { ...plan.base };
      for (const [key, child] of plan.dynamic) o[key] = build(child, scope);
      return o;
    }
    case "array": {
      const a = plan.base.slice();
      for (const [i, child] of plan.dynamic) a[i] = build(child, scope);
      return a;
    }
  }
}

/**
 * The state backend (and `terraform.cloud`) of a stack, as a pseudo-resource of type
 * `terraform_backend` named after the backend type, so that rules can judge where state lives.
 */
function backendResources(stack: string, doc: TerraformJsonDocument, sourceOf: SourceLookup): PolicyResource[] {
  const out: PolicyResource[] = [];
  const terraform = doc.terraform ?? {};
  const backends: [string, unknown][] = isObject(terraform.backend) ? Object.entries(terraform.backend) : [];
  if (terraform.cloud !== undefined) backends.push(["cloud", terraform.cloud]);
  for (const [kind, config] of backends) {
    out.push(
      new PolicyResource({
        stack,
        address: `terraform.backend.${kind}`,
        type: "terraform_backend",
        name: kind,
        props: deepFreeze(isObject(config) ? { ...config } : {}),
        source: sourceOf(undefined, { stack, type: "terraform_backend", name: kind }),
      }),
    );
  }
  return out;
}
