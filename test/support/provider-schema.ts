/**
 * Offline conformance check of synthesized Terraform JSON against provider schemas.
 *
 * `terraform validate` needs provider binaries, which neither our build machines nor the
 * air-gapped datacenters can download. The providers' own schemas (the output of
 * `terraform providers schema -json`) are enough to catch what validate would catch at the
 * configuration level: unknown types, unknown arguments, computed-only arguments being set,
 * missing required arguments and blocks, block counts and value types.
 *
 * To regenerate the schema files on a machine with network access: write a root module whose
 * `required_providers` pins the exact provider versions the @cdktf/provider-* packages bind, run
 * `terraform init`, then `terraform providers schema -json > <provider>-<version>.json`.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** A cty type in the JSON form Terraform prints in provider schemas. */
export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | readonly ["list" | "set" | "map", CtyType]
  | readonly ["object", Readonly<Record<string, CtyType>>, (readonly string[])?]
  | readonly ["tuple", readonly CtyType[]];

/** How a nested block or nested attribute repeats. `group` is a single block that is never null. */
export type NestingMode = "single" | "group" | "list" | "set" | "map";

/** A schema attribute: either a plain `type` or a plugin-framework `nested_type`. */
export interface Attribute {
  type?: CtyType;
  nested_type?: NestedType;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
  write_only?: boolean;
  description?: string;
  description_kind?: string;
}

/** The object structure of a plugin-framework nested attribute (e.g. helm_release `set`). */
export interface NestedType {
  nesting_mode: NestingMode;
  attributes: Record<string, Attribute>;
  min_items?: number;
  max_items?: number;
}

/** A nested block declaration inside a block. */
export interface BlockType {
  nesting_mode: NestingMode;
  block: Block;
  min_items?: number;
  max_items?: number;
}

/** A schema block: the body of a resource, a data source or a nested block. */
export interface Block {
  attributes?: Record<string, Attribute>;
  block_types?: Record<string, BlockType>;
  deprecated?: boolean;
  description?: string;
  description_kind?: string;
}

/** One conformance problem in a synthesized document. */
export interface SchemaProblem {
  /** `type.name` for resources, `data.type.name` for data sources, prefixed `stack/` by {@link checkSynthOutput}. */
  address: string;
  /** Location inside the body, e.g. `metadata[0].labels` or `spec.template`; empty for the whole body. */
  path: string;
  message: string;
}

/** Resource and data-source schemas of all loaded providers, keyed by type name. */
export interface ProviderSchemas {
  resources: Map<string, Block>;
  dataSources: Map<string, Block>;
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const DEFAULT_SCHEMAS_DIR = path.resolve(REPO_ROOT, "..", "shared", "provider-schemas");

/**
 * The folder of provider schemas: PROVIDER_SCHEMAS_DIR (relative to the repository root), else
 * `../shared/provider-schemas`. Always a path: a missing folder must fail the tests, never skip them.
 */
export function providerSchemasDir(): string {
  const fromEnv = process.env.PROVIDER_SCHEMAS_DIR;
  return fromEnv !== undefined && fromEnv !== "" ? path.resolve(REPO_ROOT, fromEnv) : DEFAULT_SCHEMAS_DIR;
}

/**
 * Loads every `*.json` file in `dir` (each the output of `terraform providers schema -json`).
 *
 * @throws Error when `dir` is missing or unreadable, holds no `*.json` file, a file is not a
 *   provider-schema document, or two files define the same resource or data-source type.
 */
export function loadProviderSchemas(dir: string): ProviderSchemas {
  const files = listSchemaFiles(dir);
  const schemas: ProviderSchemas = { resources: new Map(), dataSources: new Map() };
  for (const file of files) {
    addSchemaFile(schemas, path.join(dir, file));
  }
  return schemas;
}

function listSchemaFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (error) {
    throw new Error(
      `provider schemas folder ${dir} cannot be read (${errorMessage(error)}); ` +
        "set PROVIDER_SCHEMAS_DIR to a folder of `terraform providers schema -json` outputs",
    );
  }
  const files = entries.filter((name) => name.endsWith(".json")).sort();
  if (files.length === 0) {
    throw new Error(`provider schemas folder ${dir} contains no *.json schema files`);
  }
  return files;
}

function addSchemaFile(schemas: ProviderSchemas, file: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`provider schema ${file} is not readable JSON: ${errorMessage(error)}`);
  }
  if (!isObject(doc) || !isObject(doc.provider_schemas)) {
    throw new Error(`provider schema ${file} has no provider_schemas object; expected \`terraform providers schema -json\` output`);
  }
  // A future major format may change the shapes this checker relies on.
  if (typeof doc.format_version !== "string" || !doc.format_version.startsWith("1.")) {
    throw new Error(`provider schema ${file} has unsupported format_version ${JSON.stringify(doc.format_version)}`);
  }
  for (const [provider, providerSchema] of Object.entries(doc.provider_schemas)) {
    if (!isObject(providerSchema)) throw new Error(`provider schema ${file}: ${provider} is not an object`);
    addTypes(schemas.resources, providerSchema.resource_schemas, `${file}: ${provider} resource_schemas`);
    addTypes(schemas.dataSources, providerSchema.data_source_schemas, `${file}: ${provider} data_source_schemas`);
  }
}

function addTypes(target: Map<string, Block>, section: unknown, where: string): void {
  if (section === undefined) return;
  if (!isObject(section)) throw new Error(`${where} is not an object`);
  for (const [typeName, schema] of Object.entries(section)) {
    if (!isObject(schema) || !isObject(schema.block)) throw new Error(`${where}.${typeName} has no block`);
    // Two versions of one provider in the folder would make the result depend on file order.
    if (target.has(typeName)) throw new Error(`${where}.${typeName} is defined by more than one schema file`);
    target.set(typeName, schema.block as Block);
  }
}

/** Keys of a resource body that are Terraform meta-arguments or cdktf metadata, not provider schema. */
const META_ARGUMENTS: ReadonlySet<string> = new Set([
  "provider",
  "depends_on",
  "count",
  "for_each",
  "lifecycle",
  "connection",
  "provisioner",
  "//",
]);

/** Keys Terraform accepts inside one `dynamic.<block>` specification. */
const DYNAMIC_SPEC_KEYS: ReadonlySet<string> = new Set(["for_each", "iterator", "labels", "content"]);

interface Ctx {
  address: string;
  problems: SchemaProblem[];
}

/**
 * Checks every `resource.<type>.<name>` and `data.<type>.<name>` body of a parsed `cdk.tf.json`
 * against the provider schemas. Other top-level sections (terraform, provider, output, ...) are
 * not checked.
 *
 * @returns all problems found, in document order (what is missing from a body comes after that
 *   body's own keys); empty when the document conforms.
 */
export function checkTerraformJson(doc: unknown, schemas: ProviderSchemas): SchemaProblem[] {
  if (!isObject(doc)) return [{ address: "", path: "", message: `document must be a JSON object, got ${kindOf(doc)}` }];
  const problems: SchemaProblem[] = [];
  checkSection(doc.resource, "resource", "", schemas.resources, problems);
  checkSection(doc.data, "data source", "data.", schemas.dataSources, problems);
  return problems;
}

function checkSection(
  section: unknown,
  kind: string,
  addressPrefix: string,
  types: Map<string, Block>,
  problems: SchemaProblem[],
): void {
  if (section === undefined) return;
  const sectionName = addressPrefix === "" ? "resource" : "data";
  if (!isObject(section)) {
    problems.push({ address: sectionName, path: "", message: `expected an object of ${kind} types, got ${kindOf(section)}` });
    return;
  }
  for (const [typeName, instances] of Object.entries(section)) {
    if (!isObject(instances)) {
      problems.push({ address: `${addressPrefix}${typeName}`, path: "", message: `expected an object of ${kind} names, got ${kindOf(instances)}` });
      continue;
    }
    const block = types.get(typeName);
    for (const [name, body] of Object.entries(instances)) {
      const ctx: Ctx = { address: `${addressPrefix}${typeName}.${name}`, problems };
      if (block === undefined) report(ctx, "", `unknown ${kind} type "${typeName}"`);
      else if (!isObject(body)) report(ctx, "", `expected a ${kind} body object, got ${kindOf(body)}`);
      else checkBody(block, body, "", ctx, "top");
    }
  }
}

/**
 * What a body belongs to: meta-arguments exist only on a resource or data source, and the
 * object of a nested attribute can hold neither blocks nor `dynamic`.
 */
type BodyKind = "top" | "block" | "nested-attribute";

/** Checks one body: its keys, then what is missing. */
function checkBody(block: Block, body: Record<string, unknown>, at: string, ctx: Ctx, kind: BodyKind): void {
  const hasBlocks = block.block_types !== undefined && Object.keys(block.block_types).length > 0;
  // A block generated by `dynamic` has an unknown count, so neither min_items nor max_items can be judged.
  const dynamicNames = hasBlocks && isObject(body.dynamic) ? new Set(Object.keys(body.dynamic)) : new Set<string>();
  const unknownNoun = kind === "nested-attribute" ? "attribute" : "attribute or block";
  for (const [key, value] of Object.entries(body)) {
    if (kind === "top" && META_ARGUMENTS.has(key)) continue;
    const attribute = own(block.attributes, key);
    const blockType = own(block.block_types, key);
    if (attribute !== undefined) checkAttribute(attribute, key, value, joinPath(at, key), ctx);
    else if (blockType !== undefined) checkBlock(blockType, key, value, joinPath(at, key), ctx, dynamicNames.has(key));
    else if (key === "dynamic" && hasBlocks) checkDynamic(block, value, joinPath(at, key), ctx);
    else report(ctx, joinPath(at, key), `unknown ${unknownNoun} "${key}"`);
  }
  checkMissing(block, body, at, ctx, dynamicNames);
}

function checkMissing(block: Block, body: Record<string, unknown>, at: string, ctx: Ctx, dynamicNames: Set<string>): void {
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.required && !Object.hasOwn(body, name)) {
      report(ctx, joinPath(at, name), `missing required attribute "${name}"`);
    }
  }
  for (const [name, blockType] of Object.entries(block.block_types ?? {})) {
    const min = blockType.min_items ?? 0;
    if (min > 0 && !Object.hasOwn(body, name) && !dynamicNames.has(name)) {
      report(ctx, joinPath(at, name), `missing required block "${name}" (min_items ${min})`);
    }
  }
}

function checkAttribute(attribute: Attribute, name: string, value: unknown, at: string, ctx: Ctx): void {
  if (isComputedOnly(attribute)) {
    // Terraform only rejects a configured value; an explicit null is the same as leaving it out.
    if (value !== null) report(ctx, at, `attribute "${name}" is computed-only and cannot be set`);
    return;
  }
  if (value === null) {
    if (attribute.required) report(ctx, at, `required attribute "${name}" is null`);
    return;
  }
  if (attribute.nested_type !== undefined) checkNestedAttribute(attribute.nested_type, value, at, ctx);
  else if (attribute.type !== undefined) checkValue(attribute.type, value, at, ctx);
}

function isComputedOnly(attribute: Attribute): boolean {
  return attribute.computed === true && attribute.optional !== true && attribute.required !== true;
}

/** Plugin-framework nested attributes are values, not blocks: no single-object shorthand for lists. */
function checkNestedAttribute(nested: NestedType, value: unknown, at: string, ctx: Ctx): void {
  if (isExpression(value)) return;
  const element: Block = { attributes: nested.attributes };
  switch (nested.nesting_mode) {
    case "single":
    case "group":
      if (isObject(value)) checkBody(element, value, at, ctx, "nested-attribute");
      else report(ctx, at, `expected an object, got ${kindOf(value)}`);
      return;
    case "list":
    case "set":
      if (!Array.isArray(value)) {
        report(ctx, at, `expected a ${nested.nesting_mode} of objects, got ${kindOf(value)}`);
        return;
      }
      checkCount(nested, value.length, at, `${nested.nesting_mode} attribute`, ctx);
      value.forEach((item, i) => checkNestedElement(element, item, indexPath(at, i), ctx));
      return;
    case "map":
      if (!isObject(value)) {
        report(ctx, at, `expected a map of objects, got ${kindOf(value)}`);
        return;
      }
      for (const [key, item] of Object.entries(value)) checkNestedElement(element, item, keyPath(at, key), ctx);
      return;
    default:
      report(ctx, at, `unsupported nesting_mode ${JSON.stringify(nested.nesting_mode)} in schema`);
  }
}

function checkNestedElement(element: Block, item: unknown, at: string, ctx: Ctx): void {
  if (item === null || isExpression(item)) return;
  if (isObject(item)) checkBody(element, item, at, ctx, "nested-attribute");
  else report(ctx, at, `expected an object, got ${kindOf(item)}`);
}

/**
 * Terraform JSON writes a block as one object or an array of objects (a map-mode block as an
 * object of label -> body); null means no block at all.
 */
function checkBlock(blockType: BlockType, name: string, value: unknown, at: string, ctx: Ctx, alsoDynamic: boolean): void {
  if (isExpression(value)) return;
  const items = blockItems(blockType, value, at, ctx);
  if (items === undefined) return;
  for (const item of items) {
    if (item.problem !== undefined) report(ctx, item.problem.at, item.problem.message);
    if (isExpression(item.body)) continue;
    if (isObject(item.body)) checkBody(blockType.block, item.body, item.at, ctx, "block");
    else report(ctx, item.at, `expected a block body object, got ${kindOf(item.body)}`);
  }
  if (alsoDynamic) return;
  const single = blockType.nesting_mode === "single" || blockType.nesting_mode === "group";
  const limits = single ? { min_items: blockType.min_items, max_items: 1 } : blockType;
  if (items.length === 0 && (limits.min_items ?? 0) > 0) {
    report(ctx, at, `missing required block "${name}" (min_items ${limits.min_items})`);
  } else {
    checkCount(limits, items.length, at, `block "${name}"`, ctx);
  }
}

interface BlockItem {
  at: string;
  body: unknown;
  /** Found while collecting items; carried so problems still come out in document order. */
  problem?: { at: string; message: string };
}

function blockItems(blockType: BlockType, value: unknown, at: string, ctx: Ctx): BlockItem[] | undefined {
  if (value === null) return [];
  if (blockType.nesting_mode === "map") {
    if (!isObject(value)) {
      report(ctx, at, `expected an object of block label -> body, got ${kindOf(value)}`);
      return undefined;
    }
    return Object.entries(value).flatMap(([label, body]) => labelledItems(label, body, at));
  }
  if (Array.isArray(value)) return value.map((body, i) => ({ at: indexPath(at, i), body }));
  if (isObject(value)) return [{ at, body: value }];
  report(ctx, at, `expected a block object or an array of block objects, got ${kindOf(value)}`);
  return undefined;
}

function labelledItems(label: string, body: unknown, at: string): BlockItem[] {
  const labelAt = keyPath(at, label);
  if (!Array.isArray(body)) return [{ at: labelAt, body }];
  const items: BlockItem[] = body.map((item, i) => ({ at: indexPath(labelAt, i), body: item }));
  // A map cannot hold two blocks under one label.
  if (items.length > 1 && items[0] !== undefined) {
    items[0].problem = { at: labelAt, message: `duplicate block label "${label}" (${items.length} bodies)` };
  }
  return items;
}

function checkCount(
  limits: { min_items?: number | undefined; max_items?: number | undefined },
  count: number,
  at: string,
  what: string,
  ctx: Ctx,
): void {
  if (limits.min_items !== undefined && count < limits.min_items) {
    report(ctx, at, `${what} needs at least ${limits.min_items} item(s), got ${count}`);
  }
  // max_items 0 means "no limit" in the schema protocol.
  if (limits.max_items !== undefined && limits.max_items > 0 && count > limits.max_items) {
    report(ctx, at, `${what} allows at most ${limits.max_items} item(s), got ${count}`);
  }
}

/** cdktf iterators synthesize `dynamic.<block> = { for_each, iterator, content }`. */
function checkDynamic(block: Block, value: unknown, at: string, ctx: Ctx): void {
  if (isExpression(value)) return;
  if (!isObject(value)) {
    report(ctx, at, `expected an object of dynamic blocks, got ${kindOf(value)}`);
    return;
  }
  for (const [name, spec] of Object.entries(value)) {
    const blockType = own(block.block_types, name);
    const specAt = joinPath(at, name);
    if (blockType === undefined) report(ctx, specAt, `dynamic block "${name}" is not a block type here`);
    else if (Array.isArray(spec)) spec.forEach((one, i) => checkDynamicSpec(blockType, one, indexPath(specAt, i), ctx));
    else checkDynamicSpec(blockType, spec, specAt, ctx);
  }
}

function checkDynamicSpec(blockType: BlockType, spec: unknown, at: string, ctx: Ctx): void {
  if (!isObject(spec)) {
    report(ctx, at, `expected a dynamic block object, got ${kindOf(spec)}`);
    return;
  }
  for (const key of Object.keys(spec)) {
    if (!DYNAMIC_SPEC_KEYS.has(key)) report(ctx, joinPath(at, key), `unknown dynamic block argument "${key}"`);
  }
  if (!Object.hasOwn(spec, "for_each")) report(ctx, joinPath(at, "for_each"), `missing required dynamic block argument "for_each"`);
  const content = spec.content;
  if (content === undefined) report(ctx, joinPath(at, "content"), `missing required dynamic block argument "content"`);
  else if (isObject(content)) checkBody(blockType.block, content, joinPath(at, "content"), ctx, "block");
  else if (!isExpression(content)) report(ctx, joinPath(at, "content"), `expected a block body object, got ${kindOf(content)}`);
}

/**
 * Checks a value against a cty type with Terraform's implicit conversions: number/bool -> string,
 * numeric string -> number, "true"/"false" -> bool. Null and expressions fit anywhere.
 */
function checkValue(type: CtyType, value: unknown, at: string, ctx: Ctx): void {
  if (value === null || isExpression(value)) return;
  if (typeof type === "string") {
    if (!primitiveAccepts(type, value)) report(ctx, at, `expected ${typeName(type)}, got ${describeValue(value)}`);
    return;
  }
  if (!Array.isArray(type)) {
    report(ctx, at, `unsupported type ${JSON.stringify(type)} in schema`);
    return;
  }
  switch (type[0]) {
    case "list":
    case "set":
      if (!Array.isArray(value)) return report(ctx, at, `expected ${typeName(type)}, got ${describeValue(value)}`);
      value.forEach((item, i) => checkValue(type[1], item, indexPath(at, i), ctx));
      return;
    case "map":
      if (!isObject(value)) return report(ctx, at, `expected ${typeName(type)}, got ${describeValue(value)}`);
      for (const [key, item] of Object.entries(value)) checkValue(type[1], item, keyPath(at, key), ctx);
      return;
    case "object":
      return checkObjectValue(type[1], value, at, ctx);
    case "tuple":
      return checkTupleValue(type[1], value, at, ctx);
    default:
      report(ctx, at, `unsupported type ${JSON.stringify(type)} in schema`);
  }
}

/** Missing object keys are fine: Terraform fills them with null (required-ness is the provider's call). */
function checkObjectValue(attributeTypes: Readonly<Record<string, CtyType>>, value: unknown, at: string, ctx: Ctx): void {
  if (!isObject(value)) return report(ctx, at, `expected object, got ${describeValue(value)}`);
  for (const [key, item] of Object.entries(value)) {
    const itemType = own(attributeTypes, key);
    if (itemType === undefined) report(ctx, joinPath(at, key), `unknown object attribute "${key}"`);
    else checkValue(itemType, item, joinPath(at, key), ctx);
  }
}

function checkTupleValue(elementTypes: readonly CtyType[], value: unknown, at: string, ctx: Ctx): void {
  if (!Array.isArray(value)) return report(ctx, at, `expected tuple, got ${describeValue(value)}`);
  if (value.length !== elementTypes.length) {
    return report(ctx, at, `expected tuple of ${elementTypes.length} element(s), got ${value.length}`);
  }
  value.forEach((item, i) => checkValue(elementTypes[i] as CtyType, item, indexPath(at, i), ctx));
}

// Same grammar as cty's string -> number conversion (Go's big.Float parsing, no whitespace).
const NUMERIC_STRING = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
// cty's string -> bool conversion also accepts "1" and "0".
const BOOL_STRINGS: ReadonlySet<string> = new Set(["true", "false", "1", "0"]);

function primitiveAccepts(type: "string" | "number" | "bool" | "dynamic", value: unknown): boolean {
  switch (type) {
    case "dynamic":
      return true;
    case "string":
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
    case "number":
      return (typeof value === "number" && Number.isFinite(value)) || (typeof value === "string" && NUMERIC_STRING.test(value));
    case "bool":
      return typeof value === "boolean" || (typeof value === "string" && BOOL_STRINGS.has(value));
    default:
      return false;
  }
}

function typeName(type: CtyType): string {
  if (typeof type === "string") return type;
  switch (type[0]) {
    case "list":
    case "set":
    case "map":
      return `${type[0]}(${typeName(type[1])})`;
    default:
      return type[0];
  }
}

/**
 * Checks every stack of a cdktf synth output folder (`<outdir>/manifest.json` and the
 * `cdk.tf.json` files it lists). Addresses are prefixed with `<stackName>/`.
 *
 * @throws Error when the manifest or a listed stack file is missing or not valid JSON, because
 *   an incomplete synth output is not a schema problem.
 */
export function checkSynthOutput(outdir: string, schemas: ProviderSchemas): SchemaProblem[] {
  const manifest = readJson(path.join(outdir, "manifest.json"));
  if (!isObject(manifest) || !isObject(manifest.stacks)) {
    throw new Error(`${path.join(outdir, "manifest.json")} has no stacks object`);
  }
  const problems: SchemaProblem[] = [];
  for (const [stackName, stack] of Object.entries(manifest.stacks)) {
    if (!isObject(stack) || typeof stack.synthesizedStackPath !== "string") {
      throw new Error(`${path.join(outdir, "manifest.json")}: stack ${stackName} has no synthesizedStackPath`);
    }
    const doc = readJson(path.join(outdir, stack.synthesizedStackPath));
    for (const problem of checkTerraformJson(doc, schemas)) {
      problems.push({ ...problem, address: `${stackName}/${problem.address}` });
    }
  }
  return problems;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${errorMessage(error)}`);
  }
}

function report(ctx: Ctx, at: string, message: string): void {
  ctx.problems.push({ address: ctx.address, path: at, message });
}

/** Any string with `${` is a Terraform template whose result type is unknown until plan. */
function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Schema maps come from JSON; a key like "constructor" must not find Object.prototype members. */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function joinPath(at: string, name: string): string {
  return at === "" ? name : `${at}.${name}`;
}

function indexPath(at: string, index: number): string {
  return `${at}[${index}]`;
}

function keyPath(at: string, key: string): string {
  return `${at}[${JSON.stringify(key)}]`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return kindOf(value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
