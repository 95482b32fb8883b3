/**
 * Keys are derived from the data (engine/tenant-keys.ts): a field added to a tenant task or to a
 * tenant stack's plan changes its key, its digest and the stack's fingerprint without any change
 * to the key code; equal data gives equal keys, however it was copied.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stackFingerprints } from "../../engine/stack-reuse";
import { stackShape, taskKey, tenantDigest } from "../../engine/tenant-keys";
import { loadEnvironmentConfig } from "../../environments";
import { lockFilePath, readShardLock } from "../../environments/tenant-stack-lock";
import { buildEstate, type Estate } from "../../estate/estate";
import type { TenantTask } from "../../estate/tenant-task";
import { REPO_ROOT } from "../support/synth";

const config = loadEnvironmentConfig(REPO_ROOT, "national");
const built = buildEstate(config, readShardLock(lockFilePath(config.environmentPath)));
if (built.estate === undefined) throw new Error(built.problems.map((p) => p.message).join("\n"));
const estate: Estate = built.estate;
const tasks = estate.tenantStacks.flatMap((plan) => plan.tenants);

/** A field no TenantTask has, with a JSON value. */
const extraField = fc.record({
  name: fc.string({ minLength: 1, maxLength: 12 }).filter((name) => !(name in (tasks[0] as object)) && name !== "__proto__"),
  value: fc.jsonValue(),
});

describe("derived keys", () => {
  it("every task of the estate has a key of its own, the same for a copy", () => {
    expect(new Set(tasks.map(taskKey)).size).toBe(new Set(tasks.map((t) => JSON.stringify({ ...t, agency: undefined }))).size);
    for (const task of tasks) expect(taskKey(structuredClone(task))).toBe(taskKey(task));
  });

  it("changing any field of any task but its agency changes its key", () => {
    for (const task of tasks) {
      for (const field of Object.keys(task) as (keyof TenantTask)[]) {
        if (field === "agency") continue;
        const other = tasks.find((t) => JSON.stringify(t[field]) !== JSON.stringify(task[field]));
        const changed = { ...task, [field]: other?.[field] ?? [task[field], "changed"] } as TenantTask;
        expect(taskKey(changed), `${task.regionId}/${task.agency.id}: ${field}`).not.toBe(taskKey(task));
      }
    }
  });

  it("a field added to a task changes its key and digest, without touching the key code", () => {
    fc.assert(
      fc.property(fc.constantFrom(...tasks), extraField, (task, extra) => {
        const widened = { ...task, [extra.name]: extra.value } as TenantTask;
        expect(taskKey(widened)).not.toBe(taskKey(task));
        expect(tenantDigest(widened)).not.toBe(tenantDigest(task));
      }),
    );
  });

  it("a field added to a tenant stack's plan changes that stack's fingerprint and no other", () => {
    const code = "code";
    const before = stackFingerprints(estate, code);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: estate.tenantStacks.length - 1 }), extraField, (index, extra) => {
        const tenantStacks = estate.tenantStacks.map((plan, i) => (i === index ? { ...stackShape(plan), [extra.name]: extra.value, blocks: plan.blocks } : plan));
        const after = stackFingerprints({ ...estate, tenantStacks }, code);
        for (const [name, fingerprint] of before) {
          if (name === estate.tenantStacks[index]?.name) expect(after.get(name)).not.toBe(fingerprint);
          else expect(after.get(name)).toBe(fingerprint);
        }
      }),
      { numRuns: 30 },
    );
  });
});
