/**
 * Which keys of a resource body are nested blocks, per resource type.
 *
 * Terraform JSON lets a block be written as one object or as an array of objects, and cdktf
 * writes `metadata` and `spec` as objects; the plan JSON always has arrays. Map attributes such as
 * `labels` or `node_selector` are objects in both. Only the provider schema can tell a block from
 * a map, so the block names of every resource type of the providers we generate for are kept in
 * `provider-blocks.json`, derived from their schemas (`terraform providers schema -json`, see
 * ../shared/provider-schemas). The file holds block names only; a test keeps it in sync, and
 * `node --import tsx policies/engine/provider-blocks.ts <schemas-dir>` regenerates it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isPlainObject } from "../../core/plain-object";

/** Block name -> the blocks nested in it. */
export interface BlockTree {
  readonly [block: string]: BlockTree;
}

let blocks: Readonly<Record<string, BlockTree>> | undefined;

/** The block tree of a resource type; undefined for a type no known provider defines. */
export function blockTree(type: string): BlockTree | undefined {
  // Read once, on first use (a JSON import would make the compiler type 60 kB of literals).
  blocks ??= (JSON.parse(fs.readFileSync(PROVIDER_BLOCKS_FILE, "utf8")) as { resources: Record<string, BlockTree> }).resources;
  return Object.hasOwn(blocks, type) ? blocks[type] : undefined;
}

/**
 * Rewrites the blocks of a body so that every block is an array of objects, as in the plan JSON.
 * Returns the input itself when nothing changes; never mutates it. A block written as an
 * expression string is left as it is.
 */
export function normaliseBlocks(body: Readonly<Record<string, unknown>>, tree: BlockTree): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const name of Object.keys(tree)) {
    if (!Object.hasOwn(body, name)) continue;
    const value = body[name];
    const children = tree[name] as BlockTree;
    let next: unknown = value;
    if (Array.isArray(value)) {
      let changed = false;
      const items = value.map((item) => {
        const n = isPlainObject(item) ? normaliseBlocks(item, children) : item;
        if (n !== item) changed = true;
        return n;
      });
      if (changed) next = items;
    } else if (isPlainObject(value)) {
      next = [normaliseBlocks(value, children)];
    } else if (value === null) {
      next = [];
    }
    if (next !== value) {
      out ??= { ...body };
      out[name] = next;
    }
  }
  return out ?? (body as Record<string, unknown>);
}

// ---------------------------------------------------------------------------------------------
// Generation from provider schemas
// ---------------------------------------------------------------------------------------------

interface SchemaBlock {
  readonly block_types?: Readonly<Record<string, { readonly block: SchemaBlock }>>;
}

interface ProvidersSchema {
  readonly provider_schemas: Readonly<Record<string, { readonly resource_schemas?: Readonly<Record<string, { readonly block: SchemaBlock }>> }>>;
}

/** The text of provider-blocks.json for the schema files (`*.json`) in a folder. */
export function renderProviderBlocks(schemasDir: string): string {
  const files = fs.readdirSync(schemasDir).filter((f) => f.endsWith(".json")).sort();
  const resources: Record<string, BlockTree> = {};
  const providers: string[] = [];
  for (const file of files) {
    const doc = JSON.parse(fs.readFileSync(path.join(schemasDir, file), "utf8")) as ProvidersSchema;
    providers.push(file.replace(/\.json$/, ""));
    for (const provider of Object.values(doc.provider_schemas)) {
      for (const [type, schema] of Object.entries(provider.resource_schemas ?? {})) resources[type] = treeOf(schema.block);
    }
  }
  const sorted = Object.fromEntries(Object.keys(resources).sort().map((k) => [k, resources[k]]));
  return `${JSON.stringify({ providers, resources: sorted })}\n`;
}

function treeOf(block: SchemaBlock): BlockTree {
  const out: Record<string, BlockTree> = {};
  for (const name of Object.keys(block.block_types ?? {}).sort()) out[name] = treeOf(block.block_types![name]!.block);
  return out;
}

/** The committed table's path. */
export const PROVIDER_BLOCKS_FILE = path.join(__dirname, "provider-blocks.json");

if (require.main === module) {
  const dir = process.argv[2] ?? path.join(__dirname, "..", "..", "..", "shared", "provider-schemas");
  fs.writeFileSync(PROVIDER_BLOCKS_FILE, renderProviderBlocks(dir));
  process.stdout.write(`wrote ${path.relative(process.cwd(), PROVIDER_BLOCKS_FILE)}\n`);
}
