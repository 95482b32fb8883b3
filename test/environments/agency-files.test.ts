/**
 * Which files of an agencies folder are agencies: YAML files that are not hidden. Editors keep
 * backups and lock files next to the file being edited, and synth --watch runs on every save.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { isAgencyFileName, loadEnvironmentConfig } from "../../environments";
import { REPO_ROOT, tempDir } from "../support/synth";

describe("agency files", () => {
  it("are .yaml and .yml files that are not hidden", () => {
    expect(["xa-ba-na.yaml", "so-y-te.yml"].every(isAgencyFileName)).toBe(true);
    expect([".#xa-ba-na.yaml", ".xa-ba-na.yaml.swp", "xa-ba-na.yaml~", "notes.txt", "4913"].some(isAgencyFileName)).toBe(false);
  });

  it("leave an editor's lock file out of the environment", () => {
    const root = tempDir();
    fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(root, "national"), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), path.join(root, "national.yaml"));
    // Emacs marks a file being edited with a dangling symbolic link named .#<file>.
    fs.symlinkSync("user@host.1234:1700000000", path.join(root, "national", "agencies", ".#xa-ba-na.yaml"));
    const config = loadEnvironmentConfig(REPO_ROOT, path.join(root, "national.yaml"));
    expect(config.agencies.map((a) => path.basename(a.path))).not.toContain(".#xa-ba-na.yaml");
    expect(config.agencies).toHaveLength(8);
  });
});
