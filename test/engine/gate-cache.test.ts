/**
 * Stacks that passed the policy gate, kept between processes (engine/gate-cache.ts): a later run
 * checks only stacks whose fingerprint has not passed under the same policy code, settings and
 * day; a gate that fails records nothing; a damaged record is ignored.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { GateCache, lastGateCacheUse } from "../../engine/gate-cache";
import { loadEstate } from "../../engine/load-estate";
import { cachedCodeFingerprint, stackFingerprints } from "../../engine/stack-reuse";
import { synthesize } from "../../engine/synth";
import { UserError } from "../../environments/diagnostics";
import { cacheProject } from "../support/cache-project";
import { REPO_ROOT } from "../support/synth";

const project = cacheProject();
const { cacheDir: cache, copyNational, expectSameTree } = project;

function gated(environment: string, out: string) {
  return synthesize({ repoRoot: REPO_ROOT, environment, out: project.out(out), policyGate: true });
}

/** The gate's record for an environment as it is now (or on another day). */
function openRecord(environment: string, now?: Date): GateCache | undefined {
  const { config, estate } = loadEstate(REPO_ROOT, environment);
  return GateCache.open(REPO_ROOT, config, estate, stackFingerprints(estate, cachedCodeFingerprint(REPO_ROOT)), now);
}

/**
 * Stacks the gate checks again after an edit to `agency` that changed no stack outside it: its
 * tenant stacks, and the stacks that are not tenant stacks (rules may report there about any agency).
 */
function recheckedAfterEditing(environment: string, agency: string, stacks: readonly { name: string }[]): number {
  const { estate } = loadEstate(REPO_ROOT, environment);
  const tenantStacks = new Map(estate.tenantStacks.map((plan) => [plan.name, plan.agencies]));
  return stacks.filter((s) => tenantStacks.get(s.name)?.includes(agency) ?? true).length;
}

describe("the policy gate's record of passed stacks", () => {
  it("checks every stack once, then only the stacks an edit can have changed", () => {
    const env = copyNational("edits");
    const first = gated(env, "first");
    const stacks = first.stacks.length;
    expect(lastGateCacheUse()).toEqual({ checked: stacks, passedBefore: 0 });
    // A fresh folder: every stack is built again, identical, and none is checked again.
    gated(env, "second");
    expect(lastGateCacheUse()).toEqual({ checked: 0, passedBefore: stacks });
    expectSameTree("first", "second");
    // One agency edited: the stacks it changed are rebuilt and checked, no others.
    const agency = path.join(path.dirname(env), "national", "agencies", "xa-ba-na.yaml");
    const text = fs.readFileSync(agency, "utf8");
    fs.writeFileSync(agency, text.replace(/^( {2}cpu: )(\d+)$/m, (_m, key: string, n: string) => `${key}${Number(n) + 1}`));
    const edited = gated(env, "second");
    expect(edited.rebuilt.length).toBeGreaterThan(0);
    const checked = recheckedAfterEditing(env, "xa-ba-na", first.stacks);
    expect(checked).toBeGreaterThanOrEqual(edited.rebuilt.length);
    expect(checked).toBeLessThan(stacks);
    expect(lastGateCacheUse()).toEqual({ checked, passedBefore: stacks - checked });
  });

  it("is kept per day, and a damaged record is not used", () => {
    const env = copyNational("days");
    const first = gated(env, "days-out");
    const today = openRecord(env) as GateCache;
    expect(today.passedCount()).toBe(first.stacks.length);
    // Suppressions expire and approvals fall due: another day checks everything again.
    expect(openRecord(env, new Date(Date.now() + 2 * 86_400_000))?.passedCount()).toBe(0);
    for (const file of fs.readdirSync(cache).filter((f) => f.startsWith("gate-"))) {
      const bytes = fs.readFileSync(path.join(cache, file));
      fs.writeFileSync(path.join(cache, file), bytes.subarray(0, bytes.length - 1));
    }
    expect(openRecord(env)?.passedCount()).toBe(0);
    const again = gated(env, "days-out-2");
    expect(lastGateCacheUse()).toEqual({ checked: again.stacks.length, passedBefore: 0 });
    expect(openRecord(env)?.passedCount()).toBe(again.stacks.length);
  });

  it("checks again the stacks of an agency whose values changed, even where no resource did", () => {
    const env = copyNational("contacts");
    const first = gated(env, "contacts-out");
    const agency = path.join(path.dirname(env), "national", "agencies", "xa-ba-na.yaml");
    const text = fs.readFileSync(agency, "utf8");
    // A contact's e-mail address: rules are given the agencies as configuration (placeholders).
    const edited = text.replace(/(email: )(\S+)@/, (_m, key: string, user: string) => `${key}${user}x@`);
    expect(edited).not.toBe(text);
    fs.writeFileSync(agency, edited);
    gated(env, "contacts-out");
    const expected = recheckedAfterEditing(env, "xa-ba-na", first.stacks);
    expect(expected).toBeLessThan(first.stacks.length);
    expect(lastGateCacheUse()).toEqual({ checked: expected, passedBefore: first.stacks.length - expected });
  });

  it("records nothing when the gate fails, so the violation is reported again", () => {
    const env = copyNational("failing", (text) =>
      text.replace("tenancy:\n", 'tenancy:\n  extraRoleRules:\n    developer:\n      - apiGroups: ["*"]\n        resources: ["*"]\n        verbs: ["*"]\n'),
    );
    for (let run = 0; run < 2; run++) {
      let error: unknown;
      try {
        gated(env, "failing-out");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toMatch(/national\.yaml:\d+:\d+: platform-north\/kubernetes_cluster_role_v1\.\S+: \[rbac-has-no-wildcards-or-escalation\]/);
      expect(openRecord(env)?.passedCount()).toBe(0);
    }
  });
});
