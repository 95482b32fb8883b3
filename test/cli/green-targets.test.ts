/**
 * A region over the PUE limit, through the CLI: one located line `file:line:col: path: message`,
 * exit code 2, nothing written; and the same region passes with a dated exemption.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "../support/synth";
import { cli } from "../support/cli";

const dir = tempDir();
const national = fs.readFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), "utf8");


/** A variant of national (with its agencies) as `<dir>/<name>/national.yaml`. */
function variant(name: string, text: string): string {
  const file = path.join(dir, name, "national.yaml");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(dir, name, "national"), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  expect(index).toBeGreaterThanOrEqual(0);
  return text.slice(0, index).split("\n").length;
}

describe("green targets through the CLI", () => {
  const hostile = national.replace("      pue: 1.40\n", "      pue: 1.55\n");

  it("fails a region over the PUE limit with one located line and exit code 2, writing nothing", () => {
    expect(hostile).not.toBe(national);
    const file = variant("pue", hostile);
    const out = path.join(dir, "pue-out");
    const cwd = process.cwd();
    process.chdir(path.dirname(file));
    try {
      const result = cli("synth", "--env", file, "--out", out);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      const line = lineOf(hostile, "pue: 1.55");
      expect(result.stderr).toBe(
        `national.yaml:${line}:12: regions.south.energy.pue: is 1.55, over the green target of at most 1.4 (green.targets.maxPue); improve the site, or add a dated exemption for region 'south' under green.exemptions (reason, approvedBy, expires)\n`,
      );
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      process.chdir(cwd);
    }
  });

  it("accepts the same region with an unexpired exemption, and rejects a short reason", () => {
    const exempt = `${hostile}\ngreen:\n  exemptions:\n    - region: south\n      reason: cooling retrofit of hall B finishes in 2027\n      approvedBy: Bộ Khoa học và Công nghệ, 123/QĐ-BKHCN\n      expires: 2099-12-31\n`;
    expect(cli("validate", "--env", variant("exempt", exempt)).code).toBe(0);
    const short = exempt.replace("cooling retrofit of hall B finishes in 2027", "cooling");
    const result = cli("validate", "--env", variant("short", short));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/national\.yaml:\d+:\d+: green\.exemptions\[0\]\.reason: .*at least 10 characters/);
  });
});
