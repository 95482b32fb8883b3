/**
 * Stacks that passed the policy gate, kept between processes (engine/gate-cache.ts): a later run
 * checks only stacks whose fingerprint has not passed under the same policy code, rule inputs
 * (the environment, the agencies with suppressions) and day; a gate that fails records nothing; a
 * damaged record is ignored; a verdict read from the record is the verdict of a gate without it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { GateCache, lastGateCacheUse } from "../../engine/gate-cache";
import { loadEstate } from "../../engine/load-estate";
import { cachedCodeFingerprint, stackFingerprints } from "../../engine/stack-reuse";
import { synthesize } from "../../engine/synth";
import { UserError } from "../../environments/diagnostics";
import { cacheOff, cacheProject } from "../support/cache-project";
import { REPO_ROOT } from "../support/synth";

const project = cacheProject();
const { cacheDir: cache, copyNational, expectSameTree } = project;

function gated(environment: string, out: string) {
  return synthesize({ repoRoot: REPO_ROOT, environment, out: project.out(out), policyGate: true });
}

/** The gate's record for an environment as it is now (or on another day). */
function openRecord(environment: string, now?: Date): GateCache | undefined {
  const { config, estate } = loadEstate(REPO_ROOT, environment);
  return GateCache.open(REPO_ROOT, config, stackFingerprints(estate, cachedCodeFingerprint(REPO_ROOT)), now);
}

/** Every stack's fingerprint as the environment is now. */
function fingerprintsOf(environment: string): Map<string, string> {
  return stackFingerprints(loadEstate(REPO_ROOT, environment).estate, cachedCodeFingerprint(REPO_ROOT));
}

/** Stacks whose fingerprint differs between two sets: the ones an edit changed. */
function changedStacks(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): string[] {
  return [...after].filter(([name, fingerprint]) => before.get(name) !== fingerprint).map(([name]) => name);
}

/** The gate's outcome: the error's message, or the output's bytes (the fingerprints file aside, which names the code). */
function outcome(environment: string, out: string): string {
  try {
    gated(environment, out);
  } catch (e) {
    if (e instanceof UserError) return `error: ${e.message}`;
    throw e;
  }
  return "passed";
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
    // The platform, management and backup stacks are checked again only if their bytes changed:
    // rules take no agency without suppressions as configuration.
    const before = fingerprintsOf(env);
    const agency = path.join(path.dirname(env), "national", "agencies", "xa-ba-na.yaml");
    const text = fs.readFileSync(agency, "utf8");
    fs.writeFileSync(agency, text.replace(/^( {2}cpu: )(\d+)$/m, (_m, key: string, n: string) => `${key}${Number(n) + 1}`));
    const changed = changedStacks(before, fingerprintsOf(env));
    const edited = gated(env, "second");
    expect(edited.rebuilt.length).toBeGreaterThan(0);
    expect([...edited.rebuilt].sort()).toEqual([...changed].sort());
    expect(changed.every((name) => name.startsWith("tenants-"))).toBe(true);
    expect(lastGateCacheUse()).toEqual({ checked: changed.length, passedBefore: stacks - changed.length });
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
    const before = fingerprintsOf(env);
    const agency = path.join(path.dirname(env), "national", "agencies", "xa-ba-na.yaml");
    const text = fs.readFileSync(agency, "utf8");
    // A contact's e-mail address: the agency is part of its tenants' fingerprints.
    const edited = text.replace(/(email: )(\S+)@/, (_m, key: string, user: string) => `${key}${user}x@`);
    expect(edited).not.toBe(text);
    fs.writeFileSync(agency, edited);
    const changed = changedStacks(before, fingerprintsOf(env));
    gated(env, "contacts-out");
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan(first.stacks.length);
    expect(lastGateCacheUse()).toEqual({ checked: changed.length, passedBefore: first.stacks.length - changed.length });
  });

  it("checks every stack again when the rules' inputs change, and gives the verdict of a gate without the record", () => {
    const env = copyNational("inputs");
    const stacks = gated(env, "inputs-out").stacks.length;
    const before = fingerprintsOf(env);
    // A suppression in an agency file: no stack's bytes change, but the rules' inputs do (the agency
    // becomes the rules' configuration, and an expired suppression is itself a violation).
    const agency = path.join(path.dirname(env), "national", "agencies", "xa-ba-na.yaml");
    const text = fs.readFileSync(agency, "utf8");
    const suppression = (expires: string) =>
      `${text.trimEnd()}\nsuppressions:\n  - rule: containers-have-probes\n    resource: kubernetes_deployment_v1.nothing\n    reason: a test of the gate's record of passed stacks\n    acceptedBy: the tests\n    expires: "${expires}"\n`;
    for (const [expires, verdict] of [
      ["2020-01-01", /^error: .*xa-ba-na\.yaml:\d+:\d+: .*\[suppression-expired\] the suppression of 'containers-have-probes' .*expired on 2020-01-01/s],
      ["2999-12-31", /^passed$/],
    ] as const) {
      fs.writeFileSync(agency, suppression(expires));
      const after = fingerprintsOf(env);
      const platform = [...after.keys()].filter((name) => !name.startsWith("tenants-"));
      expect(platform.every((name) => after.get(name) === before.get(name))).toBe(true);
      const withRecord = outcome(env, "inputs-out");
      expect(lastGateCacheUse().checked).toBe(stacks);
      expect(withRecord).toMatch(verdict);
      expect(cacheOff(() => outcome(env, "inputs-off"))).toBe(withRecord);
    }
    // Back as it was: the record of the first run was replaced, so everything is checked once more, then nothing.
    fs.writeFileSync(agency, text);
    expect(outcome(env, "inputs-out")).toBe("passed");
    expect(lastGateCacheUse()).toEqual({ checked: stacks, passedBefore: 0 });
    expect(outcome(env, "inputs-out")).toBe("passed");
    expect(lastGateCacheUse()).toEqual({ checked: 0, passedBefore: stacks });
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
