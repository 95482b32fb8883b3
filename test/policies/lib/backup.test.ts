/**
 * Which namespaces a Velero Schedule backs up (includedNamespaces, excludedNamespaces, globs with
 * `*` and `?`). Names without a glob are compared as strings rather than compiled; this holds the
 * selection to Velero's rule written as regular expressions only.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PolicyResource } from "../../../policies/engine/resource";
import { veleroSchedules } from "../../../policies/lib/backup";

/** A Schedule as rules receive it (the engine's resource, typed as @pulumi/policy's). */
type RuleResource = Parameters<typeof veleroSchedules>[0][number];

function scheduleResource(included: readonly string[], excluded: readonly string[]): RuleResource {
  const resource = new PolicyResource({
    stack: "tenants-north-000",
    address: 'kubernetes_manifest.tenant_backup_schedule["a"]',
    type: "kubernetes_manifest",
    name: "tenant_backup_schedule",
    key: "a",
    props: {
      manifest: {
        apiVersion: "velero.io/v1",
        kind: "Schedule",
        metadata: { name: "a", namespace: "velero" },
        spec: { schedule: "0 */6 * * *", template: { includedNamespaces: included, excludedNamespaces: excluded } },
      },
    },
  });
  return resource as unknown as RuleResource;
}

/** Velero's selection with every name as a pattern: `*` any run of characters, `?` one. */
function byPatterns(included: readonly string[], excluded: readonly string[], namespace: string): boolean {
  const re = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === "*" ? ".*" : c === "?" ? "." : `\\${c}`))}$`, "s");
  const any = (patterns: readonly string[]) => patterns.some((p) => re(p).test(namespace));
  return (included.length === 0 || any(included)) && !any(excluded);
}

describe("veleroSchedules: namespace selection", () => {
  const name = fc.stringMatching(/^[a-c.*?-]{0,4}$/);

  it("selects what Velero's patterns select, for names with and without globs", () => {
    fc.assert(
      fc.property(fc.array(name, { maxLength: 3 }), fc.array(name, { maxLength: 3 }), fc.stringMatching(/^[a-c.-]{0,4}$/), (included, excluded, namespace) => {
        const [schedule] = veleroSchedules([scheduleResource(included, excluded)]);
        expect(schedule?.selects(namespace)).toBe(byPatterns(included, excluded, namespace));
      }),
      { numRuns: 3000 },
    );
  });

  it("matches a name without globs only exactly, a glob by its pattern, and leaves out what is excluded", () => {
    const [exact] = veleroSchedules([scheduleResource(["tenant-a.b"], [])]);
    expect(exact?.selects("tenant-a.b")).toBe(true);
    expect(exact?.selects("tenant-axb")).toBe(false);
    expect(exact?.literalNamespaces).toEqual(["tenant-a.b"]);
    const [glob] = veleroSchedules([scheduleResource(["tenant-*"], ["tenant-?"])]);
    expect(glob?.selects("tenant-ab")).toBe(true);
    expect(glob?.selects("tenant-a")).toBe(false);
    expect(glob?.selects("platform")).toBe(false);
    expect(glob?.literalNamespaces).toBeUndefined();
  });
});
