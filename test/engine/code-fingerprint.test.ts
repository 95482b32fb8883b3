/**
 * The code fingerprint of stack reuse covers the code synthesis can load, found in the source
 * text of its modules, not a list of folders: a module that synthesis reaches but the fingerprint
 * missed would let an edited build reuse stale stacks.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { fingerprintFiles, importedCodeFiles, stampedFingerprint } from "../../engine/code-fingerprint";
import { codeFingerprint, synthesisCodeFiles } from "../../engine/stack-reuse";
import { withEnvironmentVariable } from "../support/cache-project";
import { REPO_ROOT, tempDir } from "../support/synth";

describe("codeFingerprint", () => {
  const files = synthesisCodeFiles(REPO_ROOT).map((f) => path.relative(REPO_ROOT, f));

  it("covers every repository module that the synthesis entries can load, as esbuild follows them", () => {
    const reachable = reachableRepositoryModules(["engine/synth.ts", "stacks/govcloud-app.ts"]);
    expect(reachable.length).toBeGreaterThan(50);
    expect(reachable.filter((f) => !files.includes(f))).toEqual([]);
  });

  it("covers nothing but repository source: no tests, no dependencies", () => {
    for (const file of files) {
      expect(file).toMatch(/^(constructs|core|engine|environments|estate|policies|stacks)\/.+\.(ts|cjs|json)$/);
    }
  });

  it("covers the threads synthesis starts: the second thread and the policy gate's, which synthesize too", () => {
    expect(files).toEqual(expect.arrayContaining(["engine/second-thread-worker.ts", "engine/policy-gate-worker.ts", "engine/worker-synthesis.ts", "stacks/govcloud-app.ts"]));
  });

  it("covers the policy gate's code, which verdicts kept between processes depend on (engine/gate-cache.ts)", () => {
    const gate = importedCodeFiles(REPO_ROOT, [path.join(REPO_ROOT, "engine", "policy-gate-worker.cjs")]).map((f) => path.relative(REPO_ROOT, f));
    expect(gate.length).toBeGreaterThan(50);
    expect(gate.filter((f) => !files.includes(f))).toEqual([]);
  });

  it("is found without loading the synthesis code", () => {
    const script = `require("./core/register.cjs"); const { codeFingerprint } = require("./engine/stack-reuse.ts"); codeFingerprint(process.cwd()); console.log(Object.keys(require.cache).some((f) => f.includes("node_modules/cdktf/")));`;
    expect(execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" }).trim()).toBe("false");
  });

  it("is the same every time it is computed", () => {
    expect(codeFingerprint(REPO_ROOT)).toBe(codeFingerprint(REPO_ROOT));
    expect(codeFingerprint(REPO_ROOT)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("importedCodeFiles (the policy gate's code, which runs on its own thread)", () => {
  const files = importedCodeFiles(REPO_ROOT, [path.join(REPO_ROOT, "engine", "policy-gate-worker.cjs")]).map((f) => path.relative(REPO_ROOT, f));

  it("covers every repository module the gate's thread can load, as esbuild follows them", () => {
    const reachable = reachableRepositoryModules(["engine/policy-gate-worker.ts"]);
    expect(reachable.length).toBeGreaterThan(50);
    expect(reachable.filter((f) => !files.includes(f))).toEqual([]);
    // The data a rule reads from beside its code (provider blocks) counts too.
    expect(files).toContain("policies/engine/provider-blocks.json");
  });
});

/** The repository's TypeScript modules that esbuild reaches from `entryPoints`, dependencies left out. */
function reachableRepositoryModules(entryPoints: string[]): string[] {
  const { metafile } = buildSync({
    absWorkingDir: REPO_ROOT,
    entryPoints,
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    packages: "external",
    logLevel: "silent",
    outdir: "unused",
  });
  return Object.keys(metafile.inputs).filter((f) => f.endsWith(".ts") && !f.startsWith("node_modules/"));
}

describe("stampedFingerprint", () => {
  /** A project of two source files and a lock, last modified an hour ago; its cache in GOVCLOUD_CACHE_DIR. */
  function project(): { root: string; files: string[]; settle: () => void } {
    const root = tempDir();
    const files = ["a.ts", "b.ts", "package-lock.json"].map((name) => path.join(root, name));
    for (const file of files) fs.writeFileSync(file, `// ${path.basename(file)}\n`);
    const settle = () => {
      const hourAgo = new Date(Date.now() - 3_600_000);
      for (const file of files) fs.utimesSync(file, hourAgo, hourAgo);
    };
    settle();
    return { root, files, settle };
  }

  it("is taken from the cache while no file changes, and worked out again after any edit, even one that keeps size and time", () => {
    const { root, files, settle } = project();
    const sources = files.slice(0, 2);
    let listed = 0;
    const list = () => {
      listed++;
      return sources;
    };
    withEnvironmentVariable("GOVCLOUD_CACHE_DIR", path.join(root, "cache"), () => {
      const first = stampedFingerprint(root, "test", list);
      expect(first).toBe(fingerprintFiles(root, sources));
      expect(stampedFingerprint(root, "test", list)).toBe(first);
      expect(listed).toBe(1);
      for (const file of files) {
        const { mtime } = fs.statSync(file);
        const text = fs.readFileSync(file, "utf8");
        fs.writeFileSync(file, text.replace("//", "/*"));
        fs.utimesSync(file, mtime, mtime);
        const edited = stampedFingerprint(root, "test", list);
        expect(edited, file).not.toBe(first);
        expect(edited, file).toBe(fingerprintFiles(root, sources));
        fs.writeFileSync(file, text);
        settle();
        expect(stampedFingerprint(root, "test", list)).toBe(first);
      }
      expect(listed).toBe(1 + 2 * files.length);
    });
  });

  it("records nothing for files modified in the last seconds, which it reads every time", () => {
    const { root } = project();
    let listed = 0;
    withEnvironmentVariable("GOVCLOUD_CACHE_DIR", path.join(root, "cache"), () => {
      const file = path.join(root, "a.ts");
      fs.writeFileSync(file, "// now\n");
      for (let i = 0; i < 2; i++) stampedFingerprint(root, "test", () => (listed++, [file]));
    });
    expect(listed).toBe(2);
  });
});
