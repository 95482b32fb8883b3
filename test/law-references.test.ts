/**
 * Current law: personal data protection rests on the Personal Data Protection Law (Law
 * 91/2025/QH15) and Decree 356/2025/NĐ-CP. Decree 13/2023/NĐ-CP may be named only as history,
 * on a line that says it was replaced, anywhere in the sources, schemas, environments and docs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/synth";

const SKIP = new Set(["node_modules", ".git", "cdktf.out", "state", "bench"]);
const TEXT = /\.(ts|cjs|mts|json|ya?ml|md)$/;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : TEXT.test(entry.name) ? [full] : [];
  });
}

describe("law references", () => {
  const all = files(REPO_ROOT).filter((f) => f !== __filename);

  it("name Decree 13/2023/NĐ-CP only as replaced", () => {
    const current: string[] = [];
    for (const file of all) {
      fs.readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/Decree 13\b|13\/2023\/NĐ-CP/.test(line) && !/replaced/.test(line)) current.push(`${path.relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(current).toEqual([]);
  });

  it("cite the Personal Data Protection Law where personal data is described: schema, onboarding, policy catalog", () => {
    for (const file of ["schemas/agency.schema.json", "cli/onboard.ts", "docs/policies.md", "README.md"]) {
      expect(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"), file).toMatch(/91\/2025\/QH15/);
    }
    expect(fs.readFileSync(path.join(REPO_ROOT, "docs/policies.md"), "utf8")).toContain("personal-data-has-impact-assessment");
  });
});
