/**
 * Every rule's compliant and non-compliant fixtures, one module per pack under ./packs/
 * (mirroring policies/<pack>/). They run in this one test file because each test file is its
 * own process, and each process pays about a second to load @pulumi/policy. The last test checks
 * that they cover every rule by its id and every resource type the rule declares.
 */
import { describe, expect, it } from "vitest";
import { PACKS } from "../../policies/packs";
import { COVERAGE, declaredTypes } from "./support";
import "./packs/kubernetes-security";
import "./packs/tenant-isolation";
import "./packs/data-residency";
import "./packs/backup";
import "./packs/green";
import "./packs/security-level";

// Runs after every pack's fixtures above (a file's tests run in order): it reads what they showed.
describe("fixture coverage", () => {
  it("every rule, by id, has a passing and a failing fixture for every resource type it declares", () => {
    const missing: string[] = [];
    for (const pack of PACKS) {
      for (const { rule } of pack.rules) {
        const coverage = COVERAGE.get(rule.name);
        const types = declaredTypes(rule);
        if (coverage === undefined) {
          missing.push(`${rule.name}: no fixture runs it`);
        } else if (types.length === 0) {
          // A stack rule: it declares no types; it must pass one fixture and fail another.
          if (!coverage.anyPass) missing.push(`${rule.name}: no passing fixture`);
          if (!coverage.anyFail) missing.push(`${rule.name}: no failing fixture`);
        } else {
          for (const type of types) {
            if (!coverage.passed.has(type)) missing.push(`${rule.name}: no passing ${type} fixture`);
            if (!coverage.failed.has(type)) missing.push(`${rule.name}: no failing ${type} fixture`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
