/**
 * A re-synthesis hands the few tenant stacks an edit changed to the policy gate's thread, which
 * has loaded the synthesis code meanwhile: it synthesizes them into a folder of its own, and then
 * checks them like any other. The output is what the main thread would write, and the gate still
 * gates.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readTree, REPO_ROOT, tempDir } from "../support/synth";
import { agenciesOf, copyEnvironment } from "../support/estate-copy";
import { synthesize } from "../../engine/synth";
import { PolicyGate } from "../../engine/policy-gate";
import { loadEstate } from "../../engine/load-estate";
import { stackShape } from "../../engine/tenant-keys";
import { buildSources } from "../../environments/source-map-file";
import { UserError } from "../../environments/diagnostics";
import type { TenantStackShape } from "../../estate/estate";

const root = tempDir();

/** National in a project of its own under the test's folder. */
const estateCopy = (name: string) => copyEnvironment(path.join(root, name));

describe("a re-synthesis with the policy gate", () => {
  it("synthesizes the changed tenant stacks on the gate's thread and writes what a full synthesis writes", () => {
    const env = estateCopy("edited");
    const out = path.join(root, "edited", "cdktf.out");
    synthesize({ repoRoot: REPO_ROOT, environment: env, out, policyGate: true });
    const agency = path.join(agenciesOf(env), "phuong-hoan-kiem.yaml");
    fs.writeFileSync(agency, fs.readFileSync(agency, "utf8").replace("  cpu: 2\n", "  cpu: 3\n"));
    const messages: string[] = [];
    const again = synthesize({ repoRoot: REPO_ROOT, environment: env, out, policyGate: true, onProgress: (message) => messages.push(message) });
    expect(again.rebuilt).toEqual(["tenants-central-000", "tenants-north-000"]);
    expect(messages).toContain("synthesizing 2 tenant stack(s) on the policy gate's thread");
    // Without the persistent cache (as in these tests) the gate has passed none of them before:
    // the linked ones wait for the thread to finish synthesizing, then all ten are checked.
    expect(messages).toContain("waiting for the policy checks of 10 stack(s) (run on the second thread as they were written)");
    // Nothing of the gate's own folder is left behind.
    expect(fs.readdirSync(path.dirname(out)).filter((name) => name.includes(".gate"))).toEqual([]);
    const full = synthesize({ repoRoot: REPO_ROOT, environment: env, out: path.join(root, "edited", "full", "cdktf.out") });
    const a = readTree(out);
    const b = readTree(full.outdir);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [file, bytes] of b) expect(a.get(file)?.equals(bytes), file).toBe(true);
  });
});

describe("the gate's thread synthesizing", () => {
  it("writes the stacks it is given, which its check then judges", () => {
    const env = estateCopy("violation");
    const loaded = loadEstate(REPO_ROOT, env);
    const plan = loaded.estate.tenantStacks.find((s) => s.agencies.includes("phuong-hoan-kiem") && s.regionId === "north");
    expect(plan).toBeDefined();
    // An image by tag, not by digest, as no agency file can ask for (its schema refuses it):
    // only the gate's check of what the thread synthesized can find it.
    const shape = stackShape(plan as TenantStackShape);
    const tenants = shape.tenants.map((task) =>
      task.agency.id !== "phuong-hoan-kiem"
        ? task
        : {
            ...task,
            agency: {
              ...task.agency,
              workloads: Object.fromEntries(Object.entries(task.agency.workloads).map(([id, w]) => [id, { ...w, image: "registry.north.govcloud.gov.vn/phuong-hoan-kiem/cong-thong-tin:latest" }])),
            },
          },
    );
    const outdir = path.join(root, "violation", "gate-out");
    const gate = new PolicyGate({ preloadSynthesis: true });
    try {
      gate.prepare(REPO_ROOT, loaded.config, buildSources(loaded.config, REPO_ROOT));
      gate.synthesize({ environment: loaded.estate.environment, plans: [{ ...shape, tenants }], outdir });
      const written = gate.finishSynthesis();
      expect(written).toEqual([shape.name]);
      expect(fs.existsSync(path.join(outdir, "stacks", shape.name, "cdk.tf.json"))).toBe(true);
      // As synth does: what the thread wrote is checked next, on the same thread.
      gate.submit({ repoRoot: REPO_ROOT, dir: outdir, environment: env, stacks: written });
      let error: unknown;
      try {
        gate.verdict(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      const messages = (error as UserError).diagnostics.map((d) => `${d.path}: ${d.message}`);
      expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) expect(message).toMatch(new RegExp(`^${shape.name}/.*\\[images-from-in-country-registries-pinned\\]`));
    } finally {
      gate.close();
    }
  });
});
