/**
 * The rehearsal the policy gate's thread of a re-synthesis synthesizes while it waits: a cut-down
 * tenant stack of the last synthesis, kept in the persistent cache, synthesized into a scratch
 * folder that is removed, and never an error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEstate } from "../../engine/load-estate";
import { recordRehearsal, rehearsalOf, rehearseSynthesis } from "../../engine/synthesis-rehearsal";
import { synthesizeTenantStacks } from "../../engine/worker-synthesis";
import { stackShape } from "../../engine/tenant-keys";
import type { Estate } from "../../estate/estate";
import type { TenantTask } from "../../estate/tenant-task";
import { cacheProject } from "../support/cache-project";
import { readTree, REPO_ROOT, tempDir } from "../support/synth";

const project = cacheProject();
let estate: Estate;

beforeAll(() => {
  estate = loadEstate(REPO_ROOT, project.copyNational("rehearsal")).estate;
});

/** What a tenant brings to a rehearsal: its role and its workloads' templates. */
const features = (task: TenantTask) => [task.role, ...task.workloads.map((name) => task.agency.workloads[name]?.template)];

/** The scratch folders of rehearsals left in the persistent cache. */
const leftovers = () => {
  const folder = path.join(project.cacheDir, "rehearsals");
  return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
};

describe("a synthesis rehearsal", () => {
  it("is the smallest tenant stack, cut down to tenants that cover all its roles and templates, in the stack's order", () => {
    const smallest = [...estate.tenantStacks].sort((a, b) => a.resources - b.resources)[0];
    const rehearsal = rehearsalOf(estate);
    expect(smallest).toBeDefined();
    expect(rehearsal?.plan.name).toBe(smallest?.name);
    const tenants = rehearsal?.plan.tenants ?? [];
    const all = smallest?.tenants ?? [];
    expect(tenants.length).toBe(Math.min(all.length, 30));
    expect(tenants).toEqual(all.filter((task) => tenants.includes(task)));
    expect(new Set(tenants.flatMap(features))).toEqual(new Set(all.flatMap(features)));
    expect(rehearsal?.plan.agencies).toEqual([...new Set(tenants.map((task) => task.agency.id))].sort());
  });

  it("synthesizes what was recorded into a scratch folder that it removes", () => {
    recordRehearsal(REPO_ROOT, estate);
    expect(rehearseSynthesis(REPO_ROOT)).toEqual([rehearsalOf(estate)?.plan.name]);
    expect(leftovers()).toEqual([]);
  });

  it("removes the scratch folders a process left when it ended while rehearsing, not those of a rehearsal under way", () => {
    recordRehearsal(REPO_ROOT, estate);
    const folder = path.join(project.cacheDir, "rehearsals");
    const old = path.join(folder, "run-left");
    const current = path.join(folder, "run-now");
    for (const dir of [old, current]) fs.mkdirSync(path.join(dir, "stacks"), { recursive: true });
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    fs.utimesSync(old, twoMinutesAgo, twoMinutesAgo);
    expect(rehearseSynthesis(REPO_ROOT)).toHaveLength(1);
    expect(leftovers()).toEqual(["run-now"]);
    fs.rmSync(current, { recursive: true });
  });

  it("does nothing without a record, or with a damaged one", () => {
    const files = () => fs.readdirSync(project.cacheDir).filter((name) => name.startsWith("synthesis-rehearsal-"));
    recordRehearsal(REPO_ROOT, estate);
    const [file] = files();
    expect(file).toBeDefined();
    const record = path.join(project.cacheDir, file as string);
    const bytes = fs.readFileSync(record);
    fs.writeFileSync(record, bytes.subarray(0, bytes.length - 1));
    expect(rehearseSynthesis(REPO_ROOT)).toEqual([]);
    fs.rmSync(record);
    expect(rehearseSynthesis(REPO_ROOT)).toEqual([]);
  });

  it("leaves what the thread synthesizes after it unchanged", () => {
    const plan = stackShape(estate.tenantStacks[0] as Estate["tenantStacks"][number]);
    const job = (outdir: string) => ({ environment: estate.environment, plans: [plan], outdir });
    const before = tempDir();
    const after = tempDir();
    synthesizeTenantStacks(job(before), [plan.name]);
    recordRehearsal(REPO_ROOT, estate);
    expect(rehearseSynthesis(REPO_ROOT)).toHaveLength(1);
    synthesizeTenantStacks(job(after), [plan.name]);
    const a = readTree(before);
    const b = readTree(after);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, bytes] of a) expect(b.get(file)?.equals(bytes), file).toBe(true);
  });
});
