/**
 * Synth owns only the files it writes: Terraform's working files in a stack folder survive every
 * synth, including one that rebuilds that stack and one that removes it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { synthesize } from "../../engine/synth";
import { carryOverWorkingFiles, undoCarryOver } from "../../engine/working-files";
import { REPO_ROOT, tempDir } from "../support/synth";
import { agenciesOf, copyEnvironment } from "../support/estate-copy";

const root = tempDir();

/** Terraform's working files as `terraform init` and `terraform plan -out` leave them. */
function addWorkingFiles(stackDir: string): Record<string, string> {
  fs.mkdirSync(path.join(stackDir, ".terraform", "providers", "registry.terraform.io"), { recursive: true });
  fs.writeFileSync(path.join(stackDir, ".terraform", "terraform.tfstate"), '{"backend":{"type":"local"}}');
  fs.symlinkSync("/usr/share/terraform/plugins", path.join(stackDir, ".terraform", "providers", "registry.terraform.io", "hashicorp"));
  const files = { ".terraform.lock.hcl": 'provider "registry.terraform.io/hashicorp/kubernetes" {}\n', plan: "saved plan", "change.tfplan": "another plan", "notes.txt": "mine" };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(stackDir, name), text);
  return files;
}

function expectWorkingFiles(stackDir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) expect(fs.readFileSync(path.join(stackDir, name), "utf8"), name).toBe(text);
  expect(fs.readFileSync(path.join(stackDir, ".terraform", "terraform.tfstate"), "utf8")).toContain("backend");
  expect(fs.readlinkSync(path.join(stackDir, ".terraform", "providers", "registry.terraform.io", "hashicorp"))).toBe("/usr/share/terraform/plugins");
}

describe("working files", () => {
  it("survive a synth that rebuilds their stack and one that reuses it", () => {
    const project = path.join(root, "rebuild");
    const env = copyEnvironment(project);
    const out = path.join(project, "cdktf.out");
    synthesize({ repoRoot: REPO_ROOT, environment: env, out, deployable: true });
    const rebuiltStack = path.join(out, "stacks", "tenants-north-000");
    const reusedStack = path.join(out, "stacks", "tenants-central-000");
    const rebuiltFiles = addWorkingFiles(rebuiltStack);
    const reusedFiles = addWorkingFiles(reusedStack);
    fs.writeFileSync(path.join(out, "README.local"), "top-level note");
    const before = fs.readFileSync(path.join(rebuiltStack, "cdk.tf.json"), "utf8");

    // An edit of a north agency's quota rebuilds its north stack (and its DR stack in the south).
    const file = path.join(agenciesOf(env), "bo-y-te.yaml");
    const text = fs.readFileSync(file, "utf8");
    expect(text).toMatch(/\n {2}cpu: \d+/);
    fs.writeFileSync(file, text.replace(/\n {2}cpu: (\d+)/, (_m, n: string) => `\n  cpu: ${Number(n) + 1}`));
    const result = synthesize({ repoRoot: REPO_ROOT, environment: env, out, deployable: true });

    expect(result.rebuilt).toContain("tenants-north-000");
    expect(result.rebuilt).not.toContain("tenants-central-000");
    expect(fs.readFileSync(path.join(rebuiltStack, "cdk.tf.json"), "utf8")).not.toBe(before);
    expectWorkingFiles(rebuiltStack, rebuiltFiles);
    expectWorkingFiles(reusedStack, reusedFiles);
    expect(fs.readFileSync(path.join(out, "README.local"), "utf8")).toBe("top-level note");
    expect(result.removedStacksKept).toEqual([]);
    // Nothing is left beside the output.
    expect(fs.readdirSync(project).filter((name) => name.startsWith(".cdktf.out"))).toEqual([]);
  });

  it("stay in the folder of a stack that is no longer synthesized, without its configuration", () => {
    const previous = path.join(root, "unit", "previous");
    const next = path.join(root, "unit", "next");
    for (const stack of ["kept", "gone", "plain"]) {
      fs.mkdirSync(path.join(previous, "stacks", stack), { recursive: true });
      fs.writeFileSync(path.join(previous, "stacks", stack, "cdk.tf.json"), "{}");
    }
    fs.writeFileSync(path.join(previous, "manifest.json"), "{}");
    const kept = addWorkingFiles(path.join(previous, "stacks", "kept"));
    const gone = addWorkingFiles(path.join(previous, "stacks", "gone"));
    fs.mkdirSync(path.join(next, "stacks", "kept"), { recursive: true });
    fs.writeFileSync(path.join(next, "stacks", "kept", "cdk.tf.json"), '{"new":true}');
    fs.writeFileSync(path.join(next, "manifest.json"), "{}");

    const carried = carryOverWorkingFiles(previous, next);
    expect(carried.removedStacks).toEqual(["gone"]);
    expectWorkingFiles(path.join(next, "stacks", "kept"), kept);
    expectWorkingFiles(path.join(next, "stacks", "gone"), gone);
    // Synth's own files are never carried: the new ones stand, the removed stack has none.
    expect(fs.readFileSync(path.join(next, "stacks", "kept", "cdk.tf.json"), "utf8")).toBe('{"new":true}');
    expect(fs.existsSync(path.join(next, "stacks", "gone", "cdk.tf.json"))).toBe(false);
    expect(fs.existsSync(path.join(next, "stacks", "plain"))).toBe(false);

    undoCarryOver(carried);
    expectWorkingFiles(path.join(previous, "stacks", "gone"), gone);
    expect(fs.existsSync(path.join(next, "stacks", "gone", "plan"))).toBe(false);
  });

  it("start from the environment's committed provider lock file, which never overwrites one a stack folder has", () => {
    const project = path.join(root, "locks");
    const env = copyEnvironment(project, "dev");
    const locks = path.join(project, "environments", "dev", "provider-locks");
    fs.mkdirSync(locks, { recursive: true });
    fs.writeFileSync(path.join(locks, "platform.terraform.lock.hcl"), "# committed\n");
    const out = path.join(project, "cdktf.out");
    const first = synthesize({ repoRoot: REPO_ROOT, environment: env, out, deployable: true });
    const platforms = first.stacks.map((s) => s.name).filter((name) => name.startsWith("platform-"));
    expect(platforms.length).toBeGreaterThan(0);
    for (const stack of platforms) expect(fs.readFileSync(path.join(out, "stacks", stack, ".terraform.lock.hcl"), "utf8"), stack).toBe("# committed\n");
    // terraform init -upgrade rewrites one; the next synth keeps it.
    fs.writeFileSync(path.join(out, "stacks", platforms[0] as string, ".terraform.lock.hcl"), "# upgraded\n");
    synthesize({ repoRoot: REPO_ROOT, environment: env, out, deployable: true });
    expect(fs.readFileSync(path.join(out, "stacks", platforms[0] as string, ".terraform.lock.hcl"), "utf8")).toBe("# upgraded\n");
  });
});
