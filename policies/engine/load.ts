/**
 * Reading resources to check: a synthesized cdktf folder (every stack of its manifest.json), a
 * `terraform show -json` plan, or Terraform JSON documents held in memory (tests).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readTextFile } from "../../core/text-file";
import { displayPath, UserError } from "../../environments/diagnostics";
import { blockSource, SOURCES_FILE, type SourceLocation, sourceOf, type SourcesFile } from "../../environments/source-map-file";
import { expandDocument, type SourceLookup, type TerraformJsonDocument } from "./expand";
import { manifestProblems, planProblems, sourcesProblems, terraformDocumentProblems } from "./input-shape";
import { type JsonProblem, jsonProblemsError } from "./json-locations";
import { blockTree, normaliseBlocks } from "./provider-blocks";
import { PolicyResource } from "./resource";
import { deepFreeze } from "./util";

export interface LoadedResources {
  readonly resources: readonly PolicyResource[];
  /** Stack names in the order they were read. */
  readonly stacks: readonly string[];
  /** The folder's sources.json, when it has one. */
  readonly sources?: SourcesFile;
  /** For plan files: each plan by its stack name, as `terraform show -json` wrote it. */
  readonly plans?: ReadonlyMap<string, PlanJson>;
  /**
   * For plan files: the instances a plan destroys without planning them again (in
   * `resource_changes` with a delete action, absent from `planned_values`), as they were
   * before. Rules never judge them; a finding about one (a stack rule reporting its urn) is
   * located at its address.
   */
  readonly removed?: readonly PolicyResource[];
  /** The file each stack was read from (cdk.tf.json or plan), for locating findings without a YAML source. */
  readonly files?: ReadonlyMap<string, string>;
}

/** A lookup from for_each keys to the YAML that produced them. */
export function sourceLookup(sources: SourcesFile | undefined): SourceLookup {
  if (sources === undefined) return () => undefined;
  // Resources no agency produced are located by their block, the same for all its instances: once per block.
  const byBlock = new Map<string, SourceLocation>();
  return (key, block) =>
    sourceOf(sources, typeof key === "string" ? key : undefined, () => {
      const id = `${block.stack}\u0000${block.type}\u0000${block.name}`;
      let at = byBlock.get(id);
      if (at === undefined) {
        at = blockSource(sources, block);
        byBlock.set(id, at);
      }
      return at;
    });
}

/** Terraform JSON documents by stack name. */
export function loadDocuments(docs: Readonly<Record<string, TerraformJsonDocument>>, sources?: SourcesFile): LoadedResources {
  const lookup = sourceLookup(sources);
  const resources: PolicyResource[] = [];
  for (const [stack, doc] of Object.entries(docs)) resources.push(...expandDocument(stack, doc, lookup));
  return { resources, stacks: Object.keys(docs), ...(sources === undefined ? {} : { sources }) };
}

/**
 * Every stack of a synthesized folder (cdktf's manifest.json), with sources.json when present
 * (or `knownSources`, when the caller has them already). With `only`, just those stacks, read
 * where cdktf writes them (`stacks/<name>/cdk.tf.json`) without the manifest: the policy gate
 * checks stacks while the folder is still being written.
 */
export function loadSynthFolder(dir: string, only?: readonly string[], knownSources?: SourcesFile): LoadedResources {
  const sourcesFile = path.join(dir, SOURCES_FILE);
  const sources = knownSources ?? (fs.existsSync(sourcesFile) ? (readJson(sourcesFile, "file not found", sourcesProblems) as SourcesFile) : undefined);
  const docs: Record<string, TerraformJsonDocument> = {};
  const files = new Map<string, string>();
  const problems: Error[] = [];
  const readDocument = (stack: string, file: string) => {
    try {
      docs[stack] = readJson(file, "file not found", terraformDocumentProblems) as TerraformJsonDocument;
      files.set(stack, file);
    } catch (error) {
      problems.push(error as Error);
    }
  };
  if (only !== undefined) {
    for (const stack of only) {
      const file = path.resolve(dir, "stacks", stack, "cdk.tf.json");
      if (!isInside(dir, file)) throw new Error(`internal: stack name '${stack}' points outside ${dir}`);
      readDocument(stack, file);
    }
  } else {
    const manifestFile = path.join(dir, "manifest.json");
    const manifest = readJson(manifestFile, "a synthesized folder needs manifest.json; run govcloud synth first", manifestProblems) as {
      stacks: Record<string, { synthesizedStackPath: string }>;
    };
    for (const [stack, entry] of Object.entries(manifest.stacks)) {
      const file = path.resolve(dir, entry.synthesizedStackPath);
      if (!isInside(dir, file)) throw located(manifestFile, `/stacks/${stack}/synthesizedStackPath`, "points outside the folder");
      readDocument(stack, file);
    }
  }
  throwAll(problems);
  return { ...loadDocuments(docs, sources), files };
}

/** Every UserError of `errors` as one (all problems at once); anything else as it is. */
function throwAll(errors: readonly Error[]): void {
  if (errors.length === 0) return;
  const other = errors.find((e) => !(e instanceof UserError));
  if (other !== undefined) throw other;
  throw new UserError(errors.flatMap((e) => (e as UserError).diagnostics));
}

/** The JSON of `terraform show -json <planfile>`, as far as the engine reads it. */
export interface PlanJson {
  readonly planned_values?: { readonly root_module?: PlanModule };
  readonly resource_changes?: readonly PlanResourceChange[];
}

/** One entry of a plan's `resource_changes`, as far as the engine reads it. */
interface PlanResourceChange {
  readonly address?: string;
  readonly mode?: string;
  readonly type?: string;
  readonly name?: string;
  readonly index?: string | number;
  readonly deposed?: string;
  readonly change?: { readonly actions?: readonly string[]; readonly before?: unknown };
}

interface PlanModule {
  readonly address?: string;
  readonly resources?: readonly PlanResource[];
  readonly child_modules?: readonly PlanModule[];
}

interface PlanResource {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly values?: Record<string, unknown>;
}

/**
 * The managed resources a plan will leave in place (`planned_values`, every module), with
 * their planned actions from `resource_changes`.
 */
export function loadPlan(stack: string, plan: PlanJson, sources?: SourcesFile): PolicyResource[] {
  const lookup = sourceLookup(sources);
  const actions = new Map<string, readonly string[]>();
  for (const change of plan.resource_changes ?? []) {
    if (typeof change.address === "string" && Array.isArray(change.change?.actions)) actions.set(change.address, Object.freeze([...change.change.actions]));
  }
  const out: PolicyResource[] = [];
  const pending: PlanModule[] = plan.planned_values?.root_module === undefined ? [] : [plan.planned_values.root_module];
  while (pending.length > 0) {
    const module = pending.shift() as PlanModule;
    for (const r of module.resources ?? []) {
      if (r.mode !== undefined && r.mode !== "managed") continue;
      const tree = blockTree(r.type);
      const values = r.values ?? {};
      const props = deepFreeze(tree === undefined ? { ...values } : normaliseBlocks(values, tree));
      const planned = actions.get(r.address);
      out.push(
        new PolicyResource({
          stack,
          address: r.address,
          type: r.type,
          name: r.name,
          ...(r.index === undefined ? {} : { key: r.index }),
          props,
          ...(planned === undefined ? {} : { actions: planned }),
          source: lookup(r.index, { stack, type: r.type, name: r.name }),
        }),
      );
    }
    pending.push(...(module.child_modules ?? []));
  }
  return out;
}

/**
 * The managed instances a plan destroys and does not plan again: `resource_changes` entries with
 * a delete action whose address is not in `planned_values` (a replaced instance is there, with
 * its new values), each with its values from before the change and its actions.
 */
export function removedByPlan(
  stack: string,
  plan: PlanJson,
  sources?: SourcesFile,
  planned: ReadonlySet<string> = new Set(loadPlan(stack, plan).map((r) => r.address)),
): PolicyResource[] {
  const lookup = sourceLookup(sources);
  const out: PolicyResource[] = [];
  for (const change of plan.resource_changes ?? []) {
    const actions = change.change?.actions;
    if (change.mode === "data" || change.deposed !== undefined || !Array.isArray(actions) || !actions.includes("delete")) continue;
    if (typeof change.address !== "string" || typeof change.type !== "string" || planned.has(change.address)) continue;
    const before = change.change?.before;
    const values = typeof before === "object" && before !== null && !Array.isArray(before) ? (before as Record<string, unknown>) : {};
    const tree = blockTree(change.type);
    out.push(
      new PolicyResource({
        stack,
        address: change.address,
        type: change.type,
        name: typeof change.name === "string" ? change.name : "",
        ...(change.index === undefined ? {} : { key: change.index }),
        props: deepFreeze(tree === undefined ? { ...values } : normaliseBlocks(values, tree)),
        actions: Object.freeze([...actions]),
        source: lookup(change.index, { stack, type: change.type, name: typeof change.name === "string" ? change.name : "" }),
      }),
    );
  }
  return out;
}

/**
 * A plan file. Its stack is named after the file (`tenants-north-000.plan.json` ->
 * `tenants-north-000`), or after its folder when the file is just `plan.json`. A plan needs
 * `planned_values` (what will exist) or `resource_changes` (what changes), or both, as
 * `terraform show -json` writes them.
 */
export function loadPlanFile(file: string, sources?: SourcesFile): LoadedResources {
  const plan = readJson(file, "file not found", planProblems) as PlanJson;
  const stack = planStackName(file);
  const resources = loadPlan(stack, plan, sources);
  return {
    resources,
    stacks: [stack],
    ...(sources === undefined ? {} : { sources }),
    plans: new Map([[stack, deepFreeze(plan)]]),
    removed: removedByPlan(stack, plan, sources, new Set(resources.map((r) => r.address))),
    files: new Map([[stack, file]]),
  };
}

export function planStackName(file: string): string {
  const base = path.basename(file).replace(/\.json$/i, "").replace(/\.(tf)?plan$/i, "");
  return base === "" || /^(tf)?plan$/i.test(base) ? path.basename(path.dirname(path.resolve(file))) : base;
}

/**
 * A JSON file, parsed; with `shape`, its problems (each at its JSON pointer) are bad input.
 */
function readJson(file: string, missing = "file not found", shape?: (value: unknown) => JsonProblem[]): unknown {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw located(file, "", code === "ENOENT" ? missing : `cannot read the file (${code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ");
    const at = /position (\d+)/.exec(message);
    const offset = at === null ? 0 : Number(at[1]);
    const before = text.slice(0, offset).split("\n");
    throw new UserError([
      { file: displayPath(file), line: before.length, col: (before[before.length - 1]?.length ?? 0) + 1, path: "", message: `is not valid JSON: ${message}` },
    ]);
  }
  const problems = shape?.(value) ?? [];
  if (problems.length > 0) throw jsonProblemsError(file, text, problems);
  return value;
}

function located(file: string, at: string, message: string): UserError {
  return new UserError([{ file: displayPath(file), line: 1, col: 1, path: at, message }]);
}

function isInside(dir: string, file: string): boolean {
  const rel = path.relative(path.resolve(dir), file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}
