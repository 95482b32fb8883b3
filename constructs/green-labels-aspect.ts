import { Aspects, DefaultTokenResolver, type IAspect, StringConcat, TerraformResource, TerraformStack, Token, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { isLabelKey, isLabelValue, MANIFEST_TEMPLATE_METADATA, TEMPLATE_METADATA_PATHS, UNLABELLED_RESOURCE_TYPES } from "../estate/green-labels";
import { ForEachDataStack } from "./for-each";
import { HelmAddOn } from "./helm-add-on";
import { merged } from "../core/merged";

/**
 * Where typed resources keep the metadata of the templates they stamp out, as the getters of
 * the provider classes spell them (camelCase): pod templates, and a CronJob's Job template too.
 */
const TEMPLATE_METADATA: Readonly<Record<string, readonly (readonly string[])[]>> = Object.fromEntries(
  Object.entries(TEMPLATE_METADATA_PATHS).map(([type, paths]) => [
    type,
    paths.map((p) => p.map((step) => step.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()))),
  ]),
);


/** Types without labels of their own (docs/green-labels.md); kept with the labels in estate/green-labels.ts, which the green policy reads too. */
export { UNLABELLED_RESOURCE_TYPES };

/** The labels block of a typed resource, as the provider classes expose it. */
interface LabelsBlock {
  labels: Record<string, string>;
  readonly labelsInput?: unknown;
}

export interface GreenLabelsAspectProps {
  /** The labels every Kubernetes object in scope gets: valid label keys and values. */
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Puts labels on every Kubernetes object below the scope it is added to
 * (`Aspects.of(scope).add(new GreenLabelsAspect({ labels }))`), and on the templates of the
 * objects they make:
 *
 * - typed kubernetes resources: `metadata.labels`, and the metadata of pod templates (a
 *   CronJob's Job template too). Literal labels are merged in place; labels that come from a
 *   for_each instance (`each.value.<field>`) are merged into that field of every instance, in
 *   the ForEachDataStack that holds the instances;
 * - `kubernetes_manifest` objects: `manifest.metadata.labels`, and the templates of workload
 *   kinds and Cluster API machine templates;
 * - Helm releases of platform add-ons: through the chart's labels values (HelmAddOn.addCommonLabels).
 *
 * The labels win over keys already set, so that nobody can spoof them. Where several of these
 * aspects apply (a stack's, and a region's inside the management stack), the one added nearest
 * to the object wins.
 *
 * @throws Error at synthesis for a kubernetes resource type with no labels, unless it is one
 *   of {@link UNLABELLED_RESOURCE_TYPES}: a type the project starts using must be looked at.
 */
export class GreenLabelsAspect implements IAspect {
  public readonly labels: Readonly<Record<string, string>>;
  /**
   * Labels merged with these, by the labels object they were merged into: the instances of an
   * agency share a few labels objects (a tenant stack's 1,056 labels fields hold 192), so each is
   * merged once, not once per instance. Frozen: instances share them.
   */
  private readonly mergedLabels = new WeakMap<object, Readonly<Record<string, string>>>();

  constructor(props: GreenLabelsAspectProps) {
    const invalid = Object.entries(props.labels).filter(([k, v]) => !isLabelKey(k) || !isLabelValue(v) || v.includes("{"));
    if (invalid.length > 0) throw new Error(`internal: invalid green labels ${JSON.stringify(Object.fromEntries(invalid))}`);
    this.labels = Object.freeze({ ...props.labels });
  }

  public visit(node: IConstruct): void {
    if (nearestGreenLabelsAspect(node) !== this) return;
    if (node instanceof HelmAddOn) {
      node.addCommonLabels(this.labels);
      return;
    }
    if (!(node instanceof TerraformResource) || !node.terraformResourceType.startsWith("kubernetes_")) return;
    if (node instanceof Manifest) {
      const manifest = node.manifestInput ?? {};
      const labels = this.labels;
      if (Token.isUnresolved(manifest)) {
        // The whole manifest is a for_each instance's value.
        const field = forEachField(node, manifest);
        forEachStack(node).addInstanceTransform(node, (values) => merged(values, { [field]: withManifestLabels(values[field] as Record<string, unknown>, (current) => this.withLabels(current)) }));
      } else {
        node.manifest = withManifestLabels(manifest, (current) => merged(current as Record<string, string> | undefined, labels));
      }
      return;
    }
    if (UNLABELLED_RESOURCE_TYPES.has(node.terraformResourceType)) return;
    const blocks = [["metadata"], ...(TEMPLATE_METADATA[node.terraformResourceType] ?? [])].map((path) => labelsBlockAt(node, path));
    // Labels that come from the for_each instances: merged into those fields of every instance, in one copy.
    const fields: string[] = [];
    for (const block of blocks) {
      const current = block.labelsInput;
      if (current !== undefined && Token.isUnresolved(current)) fields.push(forEachField(node, current));
      else block.labels = merged(current as Record<string, string> | undefined, this.labels);
    }
    if (fields.length > 0) this.labelInstances(node, fields);
  }

  private labelInstances(resource: TerraformResource, fields: readonly string[]): void {
    forEachStack(resource).addInstanceTransform(resource, (values) => {
      const labelled: Record<string, unknown> = merged(values);
      for (const field of fields) labelled[field] = this.withLabels(values[field]);
      return labelled;
    });
  }

  /** `merged(current, this.labels)`: made once for each labels object (see `mergedLabels`). */
  private withLabels(current: unknown): Readonly<Record<string, string>> {
    if (current === null || typeof current !== "object") return merged(current as Record<string, string> | undefined, this.labels);
    let out = this.mergedLabels.get(current);
    if (out === undefined) {
      out = Object.freeze(merged(current as Record<string, string>, this.labels));
      this.mergedLabels.set(current, out);
    }
    return out;
  }
}

/** The instance field a token stands for: `${each.value.<field>}`. */
function forEachField(resource: TerraformResource, token: unknown): string {
  const reference = Tokenization.resolve(token, { scope: resource, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
  const field = typeof reference === "string" ? /^\$\{each\.value\.([A-Za-z0-9_]+)\}$/.exec(reference)?.[1] : undefined;
  if (field === undefined) throw new Error(`internal: cannot label ${resource.node.path}: its labels are ${JSON.stringify(reference)}, not a for_each field`);
  return field;
}

/** The stack that holds a for_each resource's instances (so they can be changed). */
function forEachStack(resource: TerraformResource): ForEachDataStack {
  const stack = TerraformStack.of(resource);
  if (!(stack instanceof ForEachDataStack) || !stack.hasForEachData(resource)) {
    throw new Error(`internal: cannot label the for_each instances of ${resource.node.path} outside a ForEachDataStack`);
  }
  return stack;
}

/** The GreenLabelsAspect added nearest to a construct (itself, else its closest scope). */
function nearestGreenLabelsAspect(node: IConstruct): GreenLabelsAspect | undefined {
  const scopes = node.node.scopes;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const aspect = Aspects.of(scopes[i] as IConstruct).all.find((a): a is GreenLabelsAspect => a instanceof GreenLabelsAspect);
    if (aspect !== undefined) return aspect;
  }
  return undefined;
}

/** The labels block at a path of getters (`metadata`, `spec.template.metadata`). */
function labelsBlockAt(resource: TerraformResource, path: readonly string[]): LabelsBlock {
  let at: unknown = resource;
  for (const step of path) at = (at as Record<string, unknown>)[step];
  if (at === null || typeof at !== "object" || !("labelsInput" in at)) {
    throw new Error(
      `internal: ${resource.terraformResourceType} (${resource.node.path}) has no labels at ${path.join(".")}; label it, or list the type in UNLABELLED_RESOURCE_TYPES with the reason`,
    );
  }
  return at as LabelsBlock;
}

/**
 * The manifest with the labels on its metadata and on the templates its kind has. The manifest
 * is not changed: the objects on the way to each metadata are copied, the rest is shared (a
 * national estate has tens of thousands of these; a deep copy of each was a third of a second).
 */
function withManifestLabels(manifest: Record<string, unknown>, withLabels: (current: unknown) => Readonly<Record<string, string>>): Record<string, unknown> {
  const kind = typeof manifest.kind === "string" ? manifest.kind : "";
  let out = manifest;
  for (const path of [[], ...(MANIFEST_TEMPLATE_METADATA[kind] ?? []).map((p) => p.slice(0, -1))]) out = labelledAt(out, path, withLabels, `${kind} manifest`, path);
  return out;
}

/** A copy of `node` with the labels on the metadata at `path` below it (`withLabels` merges them into the labels there). */
function labelledAt(
  node: Record<string, unknown>,
  path: readonly string[],
  withLabels: (current: unknown) => Readonly<Record<string, string>>,
  what: string,
  fullPath: readonly string[],
): Record<string, unknown> {
  const [step, ...rest] = path;
  if (step === undefined) {
    const metadata = (node.metadata ?? {}) as Record<string, unknown>;
    return merged(node, { metadata: merged(metadata, { labels: withLabels(metadata.labels) }) });
  }
  const next = node[step];
  if (next === null || typeof next !== "object" || Array.isArray(next)) throw new Error(`internal: ${what} has no ${fullPath.join(".")}`);
  return merged(node, { [step]: labelledAt(next as Record<string, unknown>, rest, withLabels, what, fullPath) });
}
