/**
 * `govcloud synth`: environment file -> validated config -> cdktf app -> cdktf.out, swapped in
 * only when everything succeeded.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeShardLock } from "../environments/tenant-stack-lock";
import { buildApp } from "../stacks/govcloud-app";
import { withoutTokenStackTraces } from "../stacks/stack-traces";
import { loadEstate } from "./load-estate";
import { replaceDirectory } from "./output-directory";
import { buildSources, writeSources } from "./source-map-file";

export interface SynthOptions {
  readonly repoRoot: string;
  readonly environment: string;
  /** Output folder, absolute or relative to the current directory. */
  readonly out: string;
  /** Fail when agencies were added or removed without updating the tenant-stack lock. */
  readonly frozenLock?: boolean;
}

export interface StackSummary {
  readonly name: string;
  readonly resources: number;
  readonly dependencies: readonly string[];
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly StackSummary[];
  /** The tenant-stack lock file, when this run updated it. */
  readonly lockUpdated?: string;
}

/** Synthesizes one environment. Throws UserError for bad input; earlier output stays intact. */
export function synthesize(options: SynthOptions): SynthResult {
  const loaded = loadEstate(options.repoRoot, options.environment, { frozenLock: options.frozenLock });
  const outdir = path.resolve(options.out);
  const stacks = replaceDirectory(outdir, (temp) => {
    withoutTokenStackTraces(() => buildApp(loaded.estate, { outdir: temp }).synth());
    writeSources(temp, buildSources(loaded.config, options.repoRoot));
    return summarize(temp);
  });
  // Recorded only once the output exists, so a failed synth changes nothing at all.
  const lockUpdated = loaded.lockChanged && writeShardLock(loaded.lockPath, loaded.estate.lock) ? loaded.lockPath : undefined;
  return { outdir, stacks, ...(lockUpdated === undefined ? {} : { lockUpdated }) };
}

/** Stack names, dependencies and resource counts of a synthesized folder, in deploy order. */
export function summarize(outdir: string): StackSummary[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string; dependencies: string[] }>;
  };
  const summaries = Object.entries(manifest.stacks).map(([name, stack]) => {
    const tf = JSON.parse(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    const resources = Object.values(tf.resource ?? {})
      .flatMap((byName) => Object.values(byName))
      .reduce<number>((n, body) => n + instanceCount(body), 0);
    return { name, resources, dependencies: [...stack.dependencies].sort() };
  });
  return deployOrder(summaries);
}

/** Resource instances of one block: the size of its for_each map, else one. */
function instanceCount(body: unknown): number {
  const forEach = (body as { for_each?: unknown }).for_each;
  return forEach !== null && typeof forEach === "object" ? Object.keys(forEach).length : 1;
}

/** Topological order (dependencies first), ties broken by name so the order is stable. */
export function deployOrder<T extends { name: string; dependencies: readonly string[] }>(stacks: readonly T[]): T[] {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const done = new Set<string>();
  const order: T[] = [];
  const visit = (stack: T, seen: Set<string>): void => {
    if (done.has(stack.name)) return;
    if (seen.has(stack.name)) throw new Error(`internal: stack dependency cycle through ${stack.name}`);
    seen.add(stack.name);
    for (const dep of [...stack.dependencies].sort()) {
      const target = byName.get(dep);
      if (target !== undefined) visit(target, seen);
    }
    done.add(stack.name);
    order.push(stack);
  };
  for (const stack of [...stacks].sort((a, b) => (a.name < b.name ? -1 : 1))) visit(stack, new Set());
  return order;
}
