/**
 * for_each instances of tenant resources. A tenant stack holds about a thousand instances of a
 * few dozen resource blocks; the instances are plain JSON data from the estate model.
 *
 * cdktf's token resolver walks every value of a resource three times during synthesis (prepare,
 * element, stack), checking every string for tokens. For the instance maps that was 80% of the
 * synthesis time of a national estate (profiled: 11 s of 14 s for 1,000 agencies), for data that
 * holds no tokens at all. So a stack that can (a `ForEachDataStack`) receives the instance maps
 * after cdktf has resolved the resources, and the iterator cdktf sees is empty. The resource
 * bodies, with their `each.value` references, still come from the provider constructs, and are
 * resolved once instead of three times (see ForEachDataStack.toTerraform), and once per process
 * for all the stacks that declare the same shape (ForEachDataStack.shareBodies).
 */
import {
  App,
  DefaultTokenResolver,
  type IPostProcessor,
  type IResolvable,
  type IResolveContext,
  MapTerraformIterator,
  StringConcat,
  TerraformElement,
  TerraformIterator,
  type TerraformResource,
  TerraformStack,
  Token,
  Tokenization,
} from "cdktf";
import type { IConstruct } from "constructs";
import type { InstanceValues } from "../estate/tenant-model";
import type { InstanceTextCache } from "./instance-text-cache";
import { DeferredLiteralRecord, StableJsonText, TerraformLiteral, terraformLiteral } from "../core/stable-json";
import { merged } from "../core/merged";

/**
 * A change to the values of every instance of one for_each resource, applied when the stack is
 * synthesized (aspects use it: the instance values never pass through cdktf's resolver). It
 * receives the values as the estate built them; what it returns is written Terraform-literal.
 */
export type InstanceTransform = (values: Readonly<Record<string, unknown>>, key: string) => Record<string, unknown>;

/** Depth of an instance's values in a synthesized document: resource > type > name > for_each > key. */
const INSTANCE_DEPTH = 5;

/**
 * Resolved for_each resource documents, shared by the stacks that declare the same shape
 * ({@link ForEachDataStack.shareBodies}): a national estate has a hundred tenant stacks of a few
 * shapes, and resolving the same few dozen bodies in each of them took a tenth of its synthesis
 * (see docs/tenant-stacks.md). A body is stored only when the one thing in it that names its stack,
 * the `//` metadata cdktf writes (the construct path and the logical id), is exactly what
 * {@link elementMetadata} makes of the resource; every other stack gets its own there. Stored
 * documents are frozen: a document that something changed after synthesis would fail loudly,
 * never reach another stack.
 */
export class SharedBodies {
  private readonly documents = new Map<string, ResourceDocument>();
  private readonly templates = new Map<string, StackTemplate | "none">();
  private counts = { resolved: 0, reused: 0, templated: 0 };

  /**
   * Bodies resolved, and bodies taken from here instead, so far; and stacks that took all their
   * for_each resources from a stack of their shape ({@link ForEachDataStack.resourcesFromShape}).
   */
  public get use(): { readonly resolved: number; readonly reused: number; readonly templated: number } {
    return { ...this.counts };
  }

  /** @internal The for_each resources a stack of `shape` left for the next ones, if it could. */
  public templateFor(shape: string): StackTemplate | undefined {
    const template = this.templates.get(shape);
    if (template === undefined || template === "none") return undefined;
    this.counts.templated++;
    return template;
  }

  /** @internal Whether a stack of `shape` was looked at for a template already (with or without one). */
  public hasTemplateFor(shape: string): boolean {
    return this.templates.has(shape);
  }

  /** @internal Keeps `template` (or that the first stack of `shape` could not leave one) for later stacks of `shape`. */
  public keepTemplate(shape: string, template: StackTemplate | "none"): void {
    if (!this.templates.has(shape)) this.templates.set(shape, template);
  }

  /** @internal The document of `resource` under `key`: stored, with the resource's own metadata, else `resolve()`d (and stored). */
  public documentFor(key: string, resource: TerraformResource, resolve: () => ResourceDocument): ResourceDocument {
    const stored = this.documents.get(key);
    if (stored !== undefined) {
      this.counts.reused++;
      return withBody(resource, stored, withMetadata(bodyOf(resource, stored), elementMetadata(resource)));
    }
    const document = resolve();
    this.counts.resolved++;
    if (shareable(resource, document)) this.documents.set(key, deepFreeze(document));
    return document;
  }
}

/** What cdktf writes under `//` in a resource's body, without stack traces (the apps turn them off). */
function elementMetadata(resource: TerraformResource): { path: string; uniqueId: string } {
  return { path: resource.node.path, uniqueId: resource.friendlyUniqueId };
}

/** A shared body with the `//` metadata of one stack's resource in place of the stored one. */
function withMetadata(body: Readonly<Record<string, unknown>>, metadata: { path: string; uniqueId: string }): Record<string, unknown> {
  return merged(body, { "//": { metadata } });
}

/** Whether a resolved document holds nothing of its stack but the metadata elementMetadata rewrites. */
function shareable(resource: TerraformResource, document: ResourceDocument): boolean {
  if (Object.keys(document).some((key) => key !== "resource" && document[key] !== undefined)) return false;
  const types = Object.keys(document.resource);
  if (types.length !== 1 || Object.keys(document.resource[types[0] as string] ?? {}).length !== 1) return false;
  const slashes = bodyOf(resource, document)["//"];
  return JSON.stringify(slashes) === JSON.stringify({ metadata: elementMetadata(resource) });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A stack that writes registered for_each maps into its synthesized JSON. */
export class ForEachDataStack extends TerraformStack {
  private readonly forEachData = new Map<TerraformResource, ReadonlyMap<string, InstanceValues>>();
  private instanceTexts: Map<string, Map<InstanceValues, StableJsonText>> | undefined;
  private readonly transforms = new Map<TerraformResource, InstanceTransform[]>();
  private readonly renames = new Map<string, string>();
  private literalsAsMarkers = false;
  private shared: { readonly bodies: SharedBodies; readonly shape: string } | undefined;
  /** The map each for_each resource was given (forEachResource), before sorting. */
  private readonly forEachInputs = new Map<TerraformResource, ReadonlyMap<string, InstanceValues>>();
  /** Set by resourcesFromShape: the template this stack writes its resources from, or what it may leave one from. */
  private fromShape:
    | { readonly template: StackTemplate; readonly inputs: ReadonlyMap<string, ReadonlyMap<string, InstanceValues>> }
    | { readonly template?: undefined; readonly inputs: ReadonlyMap<string, ReadonlyMap<string, InstanceValues>>; readonly elementsBefore: ReadonlySet<IConstruct> }
    | undefined;

  /**
   * Runs `synthesize` (which calls toTerraform) with the instance values left as
   * {@link TerraformLiteral} markers, which stableJson escapes as it writes them, instead of
   * escaped copies: a national estate's instances are 170 MB of JSON, not worth copying once
   * more. Other consumers of toTerraform (cdktf's Testing, HCL output) get plain JSON.
   */
  public withLiteralMarkers<T>(synthesize: () => T): T {
    this.literalsAsMarkers = true;
    try {
      return synthesize();
    } finally {
      this.literalsAsMarkers = false;
    }
  }

  /**
   * Declares that the agency `from` is now `to`: every instance whose key names `to` gets a
   * `moved` block from the key that named `from`, so Terraform moves state instead of
   * destroying and recreating the agency's resources. (cdktf's moveTo/moveFromId move whole
   * resources; instance keys of a for_each resource need moved blocks of their own.)
   */
  public addAgencyRename(from: string, to: string): void {
    this.renames.set(to, from);
  }

  /** @internal The instances of `resource`, by key, sorted by key (`given`: as the construct was given them). */
  public registerForEachData(resource: TerraformResource, instances: ReadonlyMap<string, InstanceValues>, given?: ReadonlyMap<string, InstanceValues>): void {
    if (this.fromShape?.template !== undefined) throw new Error(`internal: ${resource.node.path} added to a stack whose resources come from its shape`);
    this.forEachData.set(resource, instances);
    if (given !== undefined) this.forEachInputs.set(resource, given);
  }

  /**
   * Keeps the written text of this stack's instances in `cache`, and takes unchanged instances
   * from it. `environment` is what the stack's instance transforms derive from.
   */
  public useInstanceTexts(cache: InstanceTextCache, environment: unknown): void {
    this.instanceTexts = cache.forStack(environment, this.node.id);
  }

  /**
   * Declares that the bodies of this stack's for_each resources (everything but their instances)
   * are the same in every stack of the same `shape`, resource by resource (by path below the
   * stack): the first such stack resolves them into `bodies`, the others take them from there.
   * Only the stack's author can promise this, from what its constructs are given: TenantStack's
   * get the names of the blocks that have instances, and the instances come in at synthesis.
   */
  public shareBodies(bodies: SharedBodies, shape: string): void {
    this.shared = { bodies, shape };
  }

  /**
   * For a stack that shares bodies ({@link shareBodies}), a promise about more than the bodies:
   * that the stack's for_each resources, all of them, are the same in every stack of its shape
   * but for their instances, which come from `inputs` by name. When a stack of the shape was
   * synthesized before in this process and left a template, this stack takes its resources from
   * it and returns true: the caller then adds no resources, and neither builds their constructs
   * nor has cdktf synthesize them (for the 108 tenant stacks of the 3,400-agency bench estate,
   * building them and cdktf's passes over them went from 0.90-0.98 s to 0.58-0.64 s). Otherwise
   * it returns false, the caller adds the resources, and at synthesis this stack leaves a
   * template if it can: every resource of its document a for_each resource whose instances are
   * one of `inputs` as given, every body shareable, and no element added below the stack after
   * this call but those resources. Everything else of the document (metadata, backend,
   * providers) comes from the constructs each stack has made before this call, and the
   * instances' transforms from the aspects of the first stack: they must derive from the shape
   * alone. A test compares every stack written from a template with the same stack synthesized
   * alone.
   */
  public resourcesFromShape(inputs: ReadonlyMap<string, ReadonlyMap<string, InstanceValues>>): boolean {
    const shared = this.shared;
    if (shared === undefined) throw new Error("internal: resourcesFromShape needs shareBodies first");
    // HCL output does not go through toTerraform, which writes the template's resources.
    const hcl = (App.of(this) as { hclOutput?: boolean }).hclOutput === true;
    const template = hcl ? undefined : shared.bodies.templateFor(shared.shape);
    if (template !== undefined) {
      if (this.forEachData.size > 0) throw new Error(`internal: ${this.node.path} has resources of its own`);
      this.fromShape = { template, inputs };
      return true;
    }
    if (!hcl && !shared.bodies.hasTemplateFor(shared.shape)) {
      this.fromShape = { inputs, elementsBefore: new Set(this.node.findAll().filter((c) => c instanceof TerraformElement)) };
    }
    return false;
  }

  /** Whether `resource` gets its for_each instances from this stack (rather than from cdktf). */
  public hasForEachData(resource: TerraformResource): boolean {
    return this.forEachData.has(resource);
  }

  /**
   * Changes every instance of a for_each resource of this stack at synthesis, after the ones
   * added before it. The instance keys stay as they are.
   */
  public addInstanceTransform(resource: TerraformResource, transform: InstanceTransform): void {
    if (!this.forEachData.has(resource)) throw new Error(`internal: ${resource.node.path} has no for_each data in this stack`);
    this.transforms.set(resource, [...(this.transforms.get(resource) ?? []), transform]);
  }

  /**
   * cdktf resolves every element here only to find references to other stacks (it adds outputs
   * and remote state for them). The for_each resources are left out: toTerraform resolves them
   * and fails on such a reference, which a tenant stack must not have.
   */
  public override prepareStack(): void {
    this.withForEachElements(() => ({}), () => super.prepareStack());
  }

  /**
   * cdktf resolves each element's document, then the merged document again. The bodies of the
   * for_each resources, most of a tenant stack, are resolved once here instead, and cdktf's
   * passes see an empty body in their place: for a national estate, cdktf's three walks of
   * these bodies were a fifth of synthesis.
   */
  public override toTerraform(): Record<string, unknown> {
    const fromShape = this.fromShape;
    if (fromShape?.template !== undefined) return this.fromTemplate(fromShape.template, fromShape.inputs);
    const resolved = new Map<TerraformResource, ResourceDocument>();
    for (const resource of this.forEachData.keys()) resolved.set(resource, this.resolvedDocument(resource));
    const tf = this.withForEachElements(
      (resource) => withBody(resource, resolved.get(resource) as ResourceDocument, {}),
      () => super.toTerraform(),
    ) as { resource?: Record<string, Record<string, unknown>> };
    const blocks: ForEachBlock[] = [];
    for (const [resource, instances] of this.forEachData) {
      const bodies = tf.resource?.[resource.terraformResourceType];
      if (bodies?.[resource.friendlyUniqueId] === undefined) throw new Error(`internal: no synthesized block for ${resource.node.path}`);
      const block = {
        type: resource.terraformResourceType,
        name: resource.friendlyUniqueId,
        path: resource.node.path,
        body: bodyOf(resource, resolved.get(resource) as ResourceDocument),
        instances,
        transforms: this.transforms.get(resource) ?? [],
      };
      bodies[block.name] = this.written(block);
      blocks.push(block);
    }
    const moved = this.movedBlocks(blocks);
    if (moved.length > 0) (tf as Record<string, unknown>).moved = moved;
    this.leaveTemplate(tf, resolved);
    return tf as Record<string, unknown>;
  }

  /** The document of a stack whose resources come from a template: cdktf's for the rest. */
  private fromTemplate(template: StackTemplate, inputs: ReadonlyMap<string, ReadonlyMap<string, InstanceValues>>): Record<string, unknown> {
    const tf = super.toTerraform() as { resource?: Record<string, Record<string, unknown>> };
    if (tf.resource !== undefined && Object.keys(tf.resource).length > 0) throw new Error(`internal: ${this.node.path} has resources besides its template's`);
    const resources: Record<string, Record<string, unknown>> = {};
    const blocks: ForEachBlock[] = [];
    for (const r of template.resources) {
      const given = inputs.get(r.input);
      if (given === undefined || given.size === 0) throw new Error(`internal: ${this.node.path} has no instances for ${r.input}, which its shape has`);
      const path = `${this.node.path}${r.below}`;
      const block = { type: r.type, name: r.name, path, body: withMetadata(r.body, { path, uniqueId: r.name }), instances: sortedInstances(given), transforms: r.transforms };
      (resources[r.type] ??= {})[r.name] = this.written(block);
      blocks.push(block);
    }
    tf.resource = resources;
    const moved = this.movedBlocks(blocks);
    if (moved.length > 0) (tf as Record<string, unknown>).moved = moved;
    return tf as Record<string, unknown>;
  }

  /** A for_each resource's body with its instances. */
  private written(block: ForEachBlock): Record<string, unknown> {
    return merged(block.body, { for_each: this.instanceTexts === undefined ? this.transformed(block) : this.writtenInstances(block, this.instanceTexts) });
  }

  /**
   * After the first synthesis of a shape: leaves its for_each resources for the later stacks of
   * the shape (see resourcesFromShape), or records that it cannot.
   */
  private leaveTemplate(tf: { resource?: Record<string, Record<string, unknown>> }, resolved: ReadonlyMap<TerraformResource, ResourceDocument>): void {
    const offer = this.fromShape;
    const shared = this.shared;
    if (offer === undefined || offer.template !== undefined || shared === undefined || shared.bodies.hasTemplateFor(shared.shape)) return;
    shared.bodies.keepTemplate(shared.shape, this.templateOf(tf, resolved, offer.inputs, offer.elementsBefore) ?? "none");
  }

  private templateOf(
    tf: { resource?: Record<string, Record<string, unknown>> },
    resolved: ReadonlyMap<TerraformResource, ResourceDocument>,
    inputs: ReadonlyMap<string, ReadonlyMap<string, InstanceValues>>,
    elementsBefore: ReadonlySet<IConstruct>,
  ): StackTemplate | undefined {
    // The document: what the stack's own constructs write, and the for_each resources.
    if (Object.keys(tf).some((key) => !["//", "provider", "terraform", "resource", "moved"].includes(key))) return undefined;
    const blockCount = Object.values(tf.resource ?? {}).reduce((n, bodies) => n + Object.keys(bodies).length, 0);
    if (blockCount !== this.forEachData.size) return undefined;
    for (const element of this.node.findAll()) {
      if (element instanceof TerraformElement && !elementsBefore.has(element) && !this.forEachData.has(element as TerraformResource)) return undefined;
    }
    const inputNames = new Map([...inputs].map(([name, instances]) => [instances, name]));
    const resources: StackTemplate["resources"][number][] = [];
    for (const resource of this.forEachData.keys()) {
      const given = this.forEachInputs.get(resource);
      const input = given === undefined ? undefined : inputNames.get(given);
      const document = resolved.get(resource) as ResourceDocument;
      if (input === undefined || !shareable(resource, document) || !resource.node.path.startsWith(`${this.node.path}/`)) return undefined;
      resources.push({
        type: resource.terraformResourceType,
        name: resource.friendlyUniqueId,
        below: resource.node.path.slice(this.node.path.length),
        input,
        body: deepFreeze(bodyOf(resource, document)),
        transforms: [...(this.transforms.get(resource) ?? [])],
      });
    }
    return { resources };
  }

  /**
   * The for_each map: values transformed, then keys and values made Terraform-literal. With
   * markers, each instance is transformed only when it is written (`DeferredLiteralRecord`).
   */
  private transformed(block: ForEachBlock): Record<string, unknown> | DeferredLiteralRecord {
    if (this.literalsAsMarkers) {
      const keys = [...block.instances.keys()];
      const values = [...block.instances.values()];
      return new DeferredLiteralRecord(keys, (i) => transform(block.transforms, keys[i] as string, values[i] as InstanceValues));
    }
    const out: Record<string, unknown> = {};
    for (const [key, values] of block.instances) out[terraformLiteral(key) as string] = terraformLiteral(transform(block.transforms, key, values));
    return out;
  }

  /** The for_each map as text, taken from `cache` where the instance is unchanged. */
  private writtenInstances(block: ForEachBlock, cache: Map<string, Map<InstanceValues, StableJsonText>>): Record<string, StableJsonText> {
    const previous = cache.get(block.path);
    const current = new Map<InstanceValues, StableJsonText>();
    const out: Record<string, StableJsonText> = {};
    for (const [key, values] of block.instances) {
      const text = previous?.get(values) ?? StableJsonText.of(new TerraformLiteral(transform(block.transforms, key, values)), INSTANCE_DEPTH);
      current.set(values, text);
      out[terraformLiteral(key) as string] = text;
    }
    cache.set(block.path, current);
    return out;
  }

  /** The resource's document resolved, or taken from the bodies this stack shares. */
  private resolvedDocument(resource: TerraformResource): ResourceDocument {
    const shared = this.shared;
    if (shared === undefined) return resolveWithinStack(this, resource);
    const below = resource.node.path.slice(this.node.path.length);
    return shared.bodies.documentFor(`${shared.shape}\n${below}`, resource, () => resolveWithinStack(this, resource));
  }

  /** Runs `synthesize` with the for_each resources' toTerraform answering `document(resource)`. */
  private withForEachElements<T>(document: (resource: TerraformResource) => unknown, synthesize: () => T): T {
    const resources = [...this.forEachData.keys()] as unknown as Array<{ toTerraform?: () => unknown }>;
    resources.forEach((resource, i) => (resource.toTerraform = () => document(resources[i] as unknown as TerraformResource)));
    try {
      return synthesize();
    } finally {
      for (const resource of resources) delete resource.toTerraform;
    }
  }

  private movedBlocks(blocks: readonly ForEachBlock[]): Array<{ from: string; to: string }> {
    if (this.renames.size === 0) return [];
    const moved: Array<{ from: string; to: string }> = [];
    for (const { type, name, instances } of blocks) {
      const block = `${type}.${name}`;
      for (const key of [...instances.keys()].map((k) => terraformLiteral(k) as string)) {
        const former = renameKey(key, this.renames);
        if (former !== key) moved.push({ from: `${block}[${JSON.stringify(former)}]`, to: `${block}[${JSON.stringify(key)}]` });
      }
    }
    return moved.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  }
}

function transform(transforms: readonly InstanceTransform[], key: string, values: InstanceValues): Readonly<Record<string, unknown>> {
  return transforms.length === 0 ? values : transforms.reduce<Readonly<Record<string, unknown>>>((v, t) => t(v, key), values);
}

/** What a resource's toTerraform returns: `{ resource: { <type>: { <name>: body } } }`, and moved or import blocks. */
type ResourceDocument = Record<string, unknown> & { resource: Record<string, Record<string, Record<string, unknown>>> };

/** One for_each resource block as the stack writes it. */
interface ForEachBlock {
  readonly type: string;
  readonly name: string;
  /** The construct path (the instance text cache's key, and the `//` metadata). */
  readonly path: string;
  /** The resolved body, with this stack's `//` metadata. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly instances: ReadonlyMap<string, InstanceValues>;
  readonly transforms: readonly InstanceTransform[];
}

/**
 * The for_each resources of the first stack synthesized of a shape, for the stacks of the same
 * shape after it ({@link ForEachDataStack.resourcesFromShape}): everything of each resource but its
 * instances, which come from the named input of each stack, and the construct path, which is
 * the stack's own.
 */
export interface StackTemplate {
  readonly resources: readonly {
    readonly type: string;
    readonly name: string;
    /** The construct path below the stack (`/baseline/namespace`). */
    readonly below: string;
    /** Which of the stack's inputs holds the instances. */
    readonly input: string;
    /** Frozen; its `//` metadata is the first stack's, replaced for each stack. */
    readonly body: Readonly<Record<string, unknown>>;
    /** The transforms the first stack's aspects added: they derive from the shape alone. */
    readonly transforms: readonly InstanceTransform[];
  }[];
}

/** `instances` sorted by key: the output does not depend on the order agencies were added. */
function sortedInstances(instances: ReadonlyMap<string, InstanceValues>): ReadonlyMap<string, InstanceValues> {
  return new Map([...instances].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A resource's document resolved as cdktf resolves it, failing on a reference to another stack
 * (cdktf would have made it a cross-stack reference in prepareStack, which skips these).
 */
function resolveWithinStack(stack: TerraformStack, resource: TerraformResource): ResourceDocument {
  const resolver = new WithinStackResolver(stack, resource);
  return resolveMostlyPlain(resource.toTerraform(), (value) => Tokenization.resolve(value, { scope: stack, preparing: false, resolver })) as ResourceDocument;
}

/** What every token cdktf encodes in a string holds (`${TfToken[…]}`, and `#{`/`&{` for lists and maps). */
const TOKEN_MARK = "TfToken[";
/** A superset of cdktf's pattern for numbers tokenized inside a string (tokens/private/encoding.js). */
const NUMBER_IN_STRING = /[-|\d.+]e[-|\d.eE+]/;

/** Whether cdktf's resolver returns `text` as it is (it also refuses the map tokens' scalar markers). */
function plainString(text: string): boolean {
  return !text.includes(TOKEN_MARK) && !NUMBER_IN_STRING.test(text) && text !== Token.STRING_MAP_TOKEN_VALUE && text !== Token.ANY_MAP_TOKEN_VALUE;
}

/**
 * What cdktf's resolver (`Tokenization.resolve`) makes of `value`, for a value that is mostly
 * plain data: plain parts are copied as cdktf copies them (undefined values left out), and every
 * part that is, or directly holds, a token goes to `resolveTokens` whole. cdktf's resolver makes
 * a context object and a path string for every value it visits; for the resource bodies of a
 * national estate's tenant stacks (2,535 of them, each with a few dozen values and a few tokens),
 * that took twice as long. A property test compares the two.
 */
export function resolveMostlyPlain(value: unknown, resolveTokens: (value: unknown) => unknown): unknown {
  switch (typeof value) {
    case "string":
      return plainString(value) ? value : resolveTokens(value);
    case "number":
      return Token.isUnresolved(value) || Token.isUnresolved([value]) || value === Token.NUMBER_MAP_TOKEN_VALUE ? resolveTokens(value) : value;
    case "boolean":
    case "undefined":
      return value;
    case "object":
      break;
    default:
      return resolveTokens(value);
  }
  if (value === null || value instanceof Date) return value;
  if (Array.isArray(value)) {
    // A list token among the elements makes cdktf resolve the list as a whole.
    if (value.some((x) => (typeof x === "string" && !plainString(x)) || (typeof x === "number" && Token.isUnresolved([x])))) return resolveTokens(value);
    const list: unknown[] = [];
    for (const item of value) {
      const resolved = resolveMostlyPlain(item, resolveTokens);
      if (resolved !== undefined) list.push(resolved);
    }
    return list;
  }
  const object = value as Record<string, unknown>;
  // Resolvables, map tokens, tokens as keys, and constructs (which cdktf refuses) go to cdktf.
  if (Tokenization.isResolvable(object) || ("_children" in object && "_metadata" in object) || Object.keys(object).some((key) => !plainString(key))) {
    return resolveTokens(object);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const resolved = resolveMostlyPlain(object[key], resolveTokens);
    if (resolved !== undefined) out[key] = resolved;
  }
  return out;
}

class WithinStackResolver extends DefaultTokenResolver {
  constructor(
    private readonly stack: TerraformStack,
    private readonly resource: TerraformResource,
  ) {
    super(new StringConcat());
  }

  public override resolveToken(token: IResolvable, context: IResolveContext, postProcessor: IPostProcessor): unknown {
    const origin = (token as { originStack?: unknown }).originStack;
    if (origin instanceof TerraformStack && origin !== this.stack) {
      throw new Error(`internal: ${this.resource.node.path} refers to ${token.toString()} of stack ${origin.node.id}; a for_each resource of a ForEachDataStack may refer only to its own stack`);
    }
    return super.resolveToken(token, context, postProcessor);
  }
}

function bodyOf(resource: TerraformResource, document: ResourceDocument): Record<string, unknown> {
  const body = document.resource[resource.terraformResourceType]?.[resource.friendlyUniqueId];
  if (body === undefined) throw new Error(`internal: ${resource.node.path} has no resource body`);
  return body;
}

/** The document with the resource's body replaced by `body`. */
function withBody(resource: TerraformResource, document: ResourceDocument, body: Record<string, unknown>): ResourceDocument {
  return { ...document, resource: { [resource.terraformResourceType]: { [resource.friendlyUniqueId]: body } } };
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
  const sorted = sortedInstances(instances);
  const stack = dataStackOf(scope);
  if (stack === undefined) return create(TerraformIterator.fromMap(terraformLiteral(Object.fromEntries(sorted)) as Record<string, unknown>));
  const resource = create(new EachValueIterator());
  stack.registerForEachData(resource, sorted, instances);
  return resource;
}

/**
 * The key an instance had before renames (`new id -> former id`): agency ids are the first
 * segment of each side of a key (`a`, `a/w`, `a/w/0`, `a/w->b/v`).
 */
export function renameKey(key: string, formerIds: ReadonlyMap<string, string>): string {
  return key
    .split("->")
    .map((side) => {
      const slash = side.indexOf("/");
      const agency = slash < 0 ? side : side.slice(0, slash);
      const former = formerIds.get(agency);
      return former === undefined ? side : former + side.slice(agency.length);
    })
    .join("->");
}

/**
 * An iterator over an empty map (the data comes in after resolution) whose getters return the
 * `each.value` expressions directly. cdktf's getters return lazy tokens that create and
 * register new tokens every time they are resolved (three times per synthesis); for about three
 * thousand resource bodies of a national estate that churn was half the synthesis time. The
 * synthesized expressions are the same.
 */
class EachValueIterator extends MapTerraformIterator {
  constructor() {
    super({});
  }

  public override getString(attribute: string): string {
    return `\${each.value.${attribute}}`;
  }

  public override getNumber(attribute: string): number {
    return Token.asNumber(expression(attribute));
  }

  public override getBoolean(attribute: string): IResolvable {
    return expression(attribute);
  }

  public override getList(attribute: string): string[] {
    return Token.asList(expression(attribute));
  }

  public override getStringMap(attribute: string): { [key: string]: string } {
    return Token.asStringMap(expression(attribute));
  }

  public override getNumberMap(attribute: string): { [key: string]: number } {
    return Token.asNumberMap(expression(attribute));
  }

  public override getAny(attribute: string): IResolvable {
    return expression(attribute);
  }

  public override getAnyMap(attribute: string): { [key: string]: unknown } {
    return Token.asAnyMap(expression(attribute));
  }
}

/** A resolvable that is the expression `${each.value.<attribute>}` and creates nothing else. */
function expression(attribute: string): IResolvable {
  const text = `\${each.value.${attribute}}`;
  return { creationStack: [], resolve: () => text, toString: () => text };
}
