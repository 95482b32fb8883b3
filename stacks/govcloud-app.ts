import { App, type TerraformStack } from "cdktf";
import type { Estate } from "../estate/estate";
import { backupStackInputs } from "../estate/backup";
import type { InstanceTextCache } from "../constructs/instance-text-cache";
import { sortedEntries } from "../core/compare";
import type * as ManagementStackModule from "./management-stack";
import type * as PlatformStackModule from "./platform-stack";
import { withoutTokenStackTraces } from "./stack-traces";
import { backupStackName, platformStackName } from "./stack-plan";
import type * as BackupStackModule from "./backup-stack";
import { TenantStack } from "./tenant-stack";

// The other kinds of stack are loaded when an app first builds one: a thread that synthesizes
// only tenant stacks (the policy gate's, in a re-synthesis) never loads the platform's code,
// about a fifth of a second of the synthesis code's loading.
/* eslint-disable @typescript-eslint/no-require-imports */
const managementStack = () => (require("./management-stack") as typeof ManagementStackModule).ManagementStack;
const platformStack = () => (require("./platform-stack") as typeof PlatformStackModule).PlatformStack;
const backupStack = () => (require("./backup-stack") as typeof BackupStackModule).BackupStack;
/* eslint-enable @typescript-eslint/no-require-imports */

export interface GovcloudAppOptions {
  /** Absolute path of the folder cdktf writes to. */
  readonly outdir: string;
  /**
   * Build only these stacks (others are left out of the app); used to rebuild only the stacks
   * whose inputs changed.
   * @default - every stack
   */
  readonly only?: ReadonlySet<string>;
  /** Written instances of earlier syntheses of this process (synth --watch). */
  readonly instanceTexts?: InstanceTextCache;
}

/**
 * What the app is built from: the estate, or the part of it a synthesis thread is sent, and
 * where the output is deployed from (`stateRoot`: from a stack folder to the project root, for
 * local state; see engine/state-location.ts; default: the output is `<root>/cdktf.out`).
 */
export type AppEstate = Pick<Estate, "environment" | "tenantStacks" | "backup"> & { readonly stateRoot?: string };

/**
 * Builds the cdktf app of one environment, in deploy order: the management stack (Cluster API
 * objects of every regional cluster), one platform stack per region after it, one backup stack
 * per region after its platform stack (with a backup plan), and the tenant stacks of each region
 * after that region's platform and backup stacks.
 */
export function buildApp(estate: AppEstate, options: GovcloudAppOptions): App {
  const env = estate.environment;
  const app = new App({ outdir: options.outdir, stackTraces: false, skipValidation: false });
  const wanted = (name: string) => options.only === undefined || options.only.has(name);
  const backend = (stackName: string) => ({ environment: env.name, stackName, ...(estate.stateRoot === undefined ? {} : { stateRoot: estate.stateRoot }) });

  // Dependencies are declared between stacks that exist in this app; a stack built alone keeps
  // its dependencies in the manifest through the caller (see engine/synth.ts).
  let management: TerraformStack | undefined;
  if (env.infrastructure.provider !== "existing" && wanted("management")) {
    const ManagementStack = managementStack();
    management = new ManagementStack(app, "management", { environment: env, backend: backend("management") });
  }
  const platforms = new Map<string, TerraformStack>();
  for (const [regionId] of sortedEntries(env.regions)) {
    const name = platformStackName(regionId);
    if (!wanted(name)) continue;
    const backup = estate.backup?.regions.get(regionId);
    const PlatformStack = platformStack();
    const platform = new PlatformStack(app, name, { environment: env, regionId, backend: backend(name), ...(backup === undefined ? {} : { backup }) });
    if (management !== undefined) platform.addDependency(management);
    platforms.set(regionId, platform);
  }
  const backups = new Map<string, TerraformStack>();
  for (const [regionId] of sortedEntries(env.regions)) {
    const name = backupStackName(regionId);
    const backup = estate.backup?.regions.get(regionId);
    if (backup === undefined || !wanted(name)) continue;
    const BackupStack = backupStack();
    const stack = new BackupStack(app, name, { environment: env, regionId, backend: backend(name), backup: backupStackInputs(backup) });
    const platform = platforms.get(regionId);
    if (platform !== undefined) stack.addDependency(platform);
    backups.set(regionId, stack);
  }
  for (const plan of estate.tenantStacks) {
    if (!wanted(plan.name)) continue;
    const tenants = new TenantStack(app, plan.name, { environment: env, plan, backend: backend(plan.name), ...(options.instanceTexts === undefined ? {} : { instanceTexts: options.instanceTexts }) });
    const platform = platforms.get(plan.regionId);
    if (platform !== undefined) tenants.addDependency(platform);
    const backup = backups.get(plan.regionId);
    if (backup !== undefined) tenants.addDependency(backup);
  }
  return app;
}


/**
 * Stacks per cdktf app when synthesizing in batches: bounds the construct tree held at once. One:
 * the policy gate of `govcloud synth` gets each stack as soon as it is written, so its checks keep
 * pace with synthesis instead of trailing a batch behind, and fewer objects live long enough to
 * be moved by the garbage collector (3,400 agencies, cold command: 9.33 s against 9.54 s with 16
 * and 9.61 s with 4, 646 against 727 MiB at the peak; medians of 5 alternated runs).
 */
export const STACKS_PER_BATCH = 1;

/**
 * Stacks taken at a time from a queue shared by two threads: small, so that neither waits long
 * for the other at the end.
 */
export const STACKS_PER_CLAIM = 4;

/**
 * The stacks to synthesize: a list, or a source that hands out up to `max` more each time it is
 * called (a queue shared with another thread) and none when there are no more.
 */
export type StackSource = readonly string[] | ((max: number) => readonly string[]);

export interface BatchOptions {
  /** Written instances of earlier syntheses of this process (synth --watch). */
  readonly instanceTexts?: InstanceTextCache;
  /** Called after each batch with the number of stacks synthesized so far and the batch's stacks. */
  readonly onBatch?: (done: number, batch: readonly string[]) => void;
}

/**
 * Synthesizes stacks of the estate into `outdir`, at most STACKS_PER_BATCH per cdktf app, so
 * that a national estate's hundred stacks never all hold their construct trees at once. The apps
 * write no manifest.json (cdktf's lists only its own app's stacks, and rewriting it after every
 * app took 0.13 s of a national synthesis): the caller writes the complete one afterwards, or
 * reads the stacks where they are (`stacks/<name>/cdk.tf.json`).
 */
export function synthesizeInBatches(estate: AppEstate, outdir: string, stacks: StackSource, options: BatchOptions = {}): void {
  const { instanceTexts, onBatch } = options;
  const next = typeof stacks === "function" ? stacks : listSource(stacks);
  let done = 0;
  for (;;) {
    const batch = next(STACKS_PER_BATCH);
    if (batch.length === 0) return;
    const only = new Set(batch);
    withoutTokenStackTraces(() => {
      const app = buildApp(estate, { outdir, only, ...(instanceTexts === undefined ? {} : { instanceTexts }) });
      app.manifest.writeToFile = () => undefined;
      app.synth();
    });
    done += batch.length;
    onBatch?.(done, batch);
  }
}

function listSource(stacks: readonly string[]): (max: number) => readonly string[] {
  let at = 0;
  return (max) => {
    const batch = stacks.slice(at, at + max);
    at += batch.length;
    return batch;
  };
}
