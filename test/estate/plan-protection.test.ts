import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { synthesizedOutput } from "../support/synthesized";
import { formatAttributePath, preventDestroyBlocks, protectedDeletions, protectionOf } from "../../estate/plan-protection";
import { readStacks } from "../support/synth";

const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8"));

describe("protectedDeletions", () => {
  it("flags a plan that replaces a tenant namespace, with Terraform's reason and the attribute that forces it", () => {
    const findings = protectedDeletions(fixture("plan-replace-tenant-namespace.json"));
    expect(findings.map((f) => f.address)).toEqual([
      'kubernetes_namespace_v1.tenant["bo-tai-chinh"]',
      'kubernetes_manifest.tenant_backup_schedule["xa-ba-na/to-south"]',
    ]);
    const [namespace, schedule] = findings;
    expect(namespace).toMatchObject({
      type: "kubernetes_namespace_v1",
      name: "tenant",
      index: "bo-tai-chinh",
      actions: ["delete", "create"],
      replace: true,
      actionReason: "replace_because_cannot_update",
      replacePaths: [["metadata", 0, "name"]],
    });
    expect(namespace!.message).toBe(
      'kubernetes_namespace_v1.tenant["bo-tai-chinh"] would be replaced (destroyed, then created empty) (replace_because_cannot_update: an attribute that cannot change in place changed; forced by metadata[0].name) — tenant namespace: deleting it deletes every object and volume of the agency in it',
    );
    expect(schedule).toMatchObject({ replace: false, actionReason: "delete_because_each_key", replacePaths: [] });
    expect(schedule!.protection).toMatch(/^Velero Schedule: /);
  });

  it("passes a plan that only adds resources (and leaves the rest alone)", () => {
    expect(protectedDeletions(fixture("plan-add-only.json"))).toEqual([]);
  });

  it("ignores updates, unprotected replacements, data sources and deposed objects", () => {
    const plan = fixture("plan-replace-tenant-namespace.json") as { resource_changes: Array<Record<string, unknown>> };
    const addresses = protectedDeletions(plan).map((f) => f.address);
    expect(addresses).not.toContain('kubernetes_namespace_v1.tenant["xa-ba-na"]'); // update
    expect(addresses).not.toContain('kubernetes_config_map_v1.stateful_service["bo-tai-chinh/ledger-db"]'); // not protected
    expect(addresses).not.toContain("data.kubernetes_namespace_v1.tenant");
    const deposed = { ...plan.resource_changes[0]!, deposed: "00000001" };
    expect(protectedDeletions({ resource_changes: [deposed] })).toEqual([]);
  });

  it("protects what the configuration marks prevent_destroy, beyond the type and name rules", () => {
    const plan = { resource_changes: [{ address: "kubernetes_secret_v1.keys", mode: "managed", type: "kubernetes_secret_v1", name: "keys", change: { actions: ["delete"] } }] };
    expect(protectedDeletions(plan)).toEqual([]);
    const [finding] = protectedDeletions(plan, { protectedBlocks: new Set(["kubernetes_secret_v1.keys"]) });
    expect(finding!.protection).toBe("declared lifecycle.prevent_destroy in the configuration");
  });

  it("refuses what is not a plan", () => {
    expect(() => protectedDeletions([])).toThrow(/not a Terraform plan/);
    expect(() => protectedDeletions({ resource_changes: {} })).toThrow(/not a Terraform plan/);
    expect(protectedDeletions({ format_version: "1.2" })).toEqual([]);
  });

  it("protects every namespace, claim, volume, claim-templated StatefulSet and Velero object, whatever its block is named", () => {
    const claimTemplate = { spec: [{ volume_claim_template: [{ metadata: [{ name: "data" }] }] }] };
    const manifest = (apiVersion: string, kind: string, spec: Record<string, unknown> = {}) => ({ manifest: { apiVersion, kind, metadata: { name: "x" }, spec } });
    const protectedBodies: [string, Record<string, unknown>, RegExp][] = [
      ["kubernetes_namespace_v1", {}, /^namespace: /],
      ["kubernetes_namespace", {}, /^namespace: /],
      ["kubernetes_persistent_volume_claim_v1", {}, /^persistent volume claim: /],
      ["kubernetes_persistent_volume_claim", {}, /^persistent volume claim: /],
      ["kubernetes_persistent_volume_v1", {}, /^persistent volume: /],
      ["kubernetes_persistent_volume", {}, /^persistent volume: /],
      ["kubernetes_stateful_set_v1", claimTemplate, /^StatefulSet with volume claim templates: /],
      ["kubernetes_stateful_set", claimTemplate, /^StatefulSet with volume claim templates: /],
      ["kubernetes_manifest", manifest("v1", "Namespace"), /^namespace: /],
      ["kubernetes_manifest", manifest("v1", "PersistentVolumeClaim"), /^persistent volume claim: /],
      ["kubernetes_manifest", manifest("v1", "PersistentVolume"), /^persistent volume: /],
      ["kubernetes_manifest", manifest("apps/v1", "StatefulSet", { volumeClaimTemplates: [{ metadata: { name: "data" } }] }), /^StatefulSet with /],
      ["kubernetes_manifest", manifest("velero.io/v1", "BackupStorageLocation"), /^Velero BackupStorageLocation: /],
      ["kubernetes_manifest", manifest("velero.io/v1", "VolumeSnapshotLocation"), /^Velero VolumeSnapshotLocation: /],
      ["kubernetes_manifest", manifest("velero.io/v1", "Schedule"), /^Velero Schedule: /],
    ];
    const unprotected: [string, Record<string, unknown>][] = [
      ["kubernetes_stateful_set_v1", { spec: [{ volume_claim_template: [] }] }],
      ["kubernetes_manifest", manifest("apps/v1", "StatefulSet")],
      ["kubernetes_manifest", manifest("v1", "ConfigMap")],
      ["kubernetes_config_map_v1", {}],
    ];
    const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/).filter((n) => n !== "tenant_backup_schedule" && !n.startsWith("velero_"));
    const destroying = fc.constantFrom(["delete"], ["delete", "create"], ["create", "delete"]);
    const keeping = fc.constantFrom(["update"], ["no-op"], ["create"], ["read"]);
    const change = (type: string, block: string, before: Record<string, unknown>, actions: readonly string[], reason?: string) => ({
      resource_changes: [
        { address: `${type}.${block}`, mode: "managed", type, name: block, change: { actions, before, after: actions.includes("create") ? before : null }, ...(reason === undefined ? {} : { action_reason: reason }) },
      ],
    });
    fc.assert(
      fc.property(fc.constantFrom(...protectedBodies), name, destroying, fc.constantFrom(undefined, "replace_because_cannot_update", "delete_because_no_resource_config"), ([type, before, protection], block, actions, reason) => {
        const findings = protectedDeletions(change(type, block, before, actions, reason));
        expect(findings).toHaveLength(1);
        expect(findings[0]!.protection).toMatch(protection);
        expect(findings[0]!.replace).toBe((actions as readonly string[]).includes("create"));
        if (reason !== undefined) expect(findings[0]!.message).toContain(`(${reason}: `);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...protectedBodies), name, keeping, ([type, before], block, actions) => {
        expect(protectedDeletions(change(type, block, before, actions))).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...unprotected), name, destroying, ([type, before], block, actions) => {
        expect(protectedDeletions(change(type, block, before, actions))).toEqual([]);
      }),
    );
  });

  it("writes attribute paths the way Terraform users read them", () => {
    expect(formatAttributePath(["spec", 0, "template", 0, "metadata"])).toBe("spec[0].template[0].metadata");
  });
});

describe("protection rules and the synthesized configuration agree", () => {
  let blocks: Set<string>;
  beforeAll(() => {
    const out = synthesizedOutput("national");
    blocks = new Set([...readStacks(out).values()].flatMap((doc) => [...preventDestroyBlocks(doc)]));
  });

  it("every prevent_destroy block of national is protected by the type and name rules alone", () => {
    expect([...blocks].sort()).toEqual(
      expect.arrayContaining([
        "kubernetes_manifest.tenant_backup_schedule",
        "kubernetes_manifest.velero_backup_location_local",
        "kubernetes_manifest.velero_snapshot_location_local",
        "kubernetes_namespace_v1.tenant",
        "kubernetes_persistent_volume_claim_v1.stateful_service",
      ]),
    );
    for (const block of blocks) {
      const [type, name] = block.split(".") as [string, string];
      expect(protectionOf(type, name), block).toBeDefined();
    }
  });
});
