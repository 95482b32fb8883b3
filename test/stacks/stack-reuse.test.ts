/**
 * Re-synthesis rebuilds only the stacks whose inputs changed, and the result is byte for byte
 * what a full synthesis writes, in a fresh process or in a long-running session (synth --watch).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { synthesize, SynthSession } from "../../engine/synth";
import { watchSynth } from "../../engine/watch";
import { loadEnvironmentConfig } from "../../environments";
import { UserError } from "../../environments/diagnostics";
import { lockFilePath, readShardLock } from "../../environments/tenant-stack-lock";
import { buildEstate } from "../../estate/estate";
import { tenantDigest } from "../../engine/tenant-keys";
import { readTree, REPO_ROOT, tempDir } from "../support/synth";

const root = tempDir();

function estateCopy(name: string): string {
  const dir = path.join(root, name);
  fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(dir, "national"), { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), path.join(dir, "national.yaml"));
  return path.join(dir, "national.yaml");
}

describe("tenant digests", () => {
  it("change for the tenant an edit reaches through a dependency, and only for the tenants it reaches", () => {
    const env = estateCopy("digests");
    const digests = () => {
      const config = loadEnvironmentConfig(REPO_ROOT, env);
      const { estate } = buildEstate(config, readShardLock(lockFilePath(config.environmentPath)));
      const north = estate?.tenantStacks.find((s) => s.name === "tenants-north-000");
      if (north === undefined) throw new Error("no north stack");
      return new Map(north.tenants.map((task) => [task.agency.id, tenantDigest(task)]));
    };
    const before = digests();
    // Hà Nội's portal calls the Ministry of Finance's portal: its egress allow names the port.
    const finance = path.join(path.dirname(env), "national", "agencies", "bo-tai-chinh.yaml");
    fs.writeFileSync(finance, fs.readFileSync(finance, "utf8").replace("    host: dichvucong.mof.gov.vn\n", "    host: dichvucong.mof.gov.vn\n    port: 9090\n"));
    const after = digests();
    expect(after.get("bo-tai-chinh")).not.toBe(before.get("bo-tai-chinh"));
    expect(after.get("thanh-pho-ha-noi")).not.toBe(before.get("thanh-pho-ha-noi"));
    expect(after.get("phuong-hoan-kiem")).toBe(before.get("phuong-hoan-kiem"));
  });
});

describe("re-synthesis", () => {
  it("reuses every stack when nothing changed", () => {
    const env = estateCopy("same");
    const out = path.join(root, "same", "cdktf.out");
    const first = synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    expect(first.reused).toBe(0);
    const before = readTree(out);
    const second = synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    expect(second.reused).toBe(second.stacks.length);
    const after = readTree(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);
  });

  it("tells its progress: what it read, what it rebuilds and what it links", () => {
    const env = estateCopy("progress");
    const out = path.join(root, "progress", "cdktf.out");
    const messages: string[] = [];
    const onProgress = (message: string, elapsedMs: number) => {
      expect(elapsedMs).toBeGreaterThanOrEqual(0);
      messages.push(message);
    };
    synthesize({ repoRoot: REPO_ROOT, environment: env, out, policyGate: true, onProgress });
    expect(messages).toEqual([
      "read 8 agency files and planned 3 tenant stack(s)",
      "synthesizing 10 of 10 stacks",
      "synthesized 10 of 10 stacks",
      "waiting for the policy checks of 10 stack(s) (run on the second thread as they were written)",
    ]);
    messages.length = 0;
    synthesize({ repoRoot: REPO_ROOT, environment: env, out, onProgress });
    expect(messages).toEqual(["read 8 agency files and planned 3 tenant stack(s)", "synthesizing 0 of 10 stacks (10 unchanged, linked from the previous output)"]);
  });

  it("rebuilds only the stacks an edited agency lives in, and writes what a full synthesis writes", () => {
    const env = estateCopy("edited");
    const out = path.join(root, "edited", "cdktf.out");
    synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    const agency = path.join(path.dirname(env), "national", "agencies", "phuong-hoan-kiem.yaml");
    fs.writeFileSync(agency, fs.readFileSync(agency, "utf8").replace("  cpu: 2\n", "  cpu: 3\n"));
    const incremental = synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    // Phường Hoàn Kiếm lives in north (home) and central (disaster recovery).
    expect(incremental.reused).toBeGreaterThan(0);
    expect(incremental.reused).toBeLessThan(incremental.stacks.length);
    const full = synthesize({ repoRoot: REPO_ROOT, environment: env, out: path.join(root, "edited", "full", "cdktf.out") });
    expect(full.reused).toBe(0);
    const a = readTree(out);
    const b = readTree(full.outdir);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [file, bytes] of b) expect(a.get(file)?.equals(bytes), file).toBe(true);
  });

  it("links sources.json when no agency's id or workload moved, and writes it again when one did", () => {
    const env = estateCopy("sources");
    const out = path.join(root, "sources", "cdktf.out");
    const inode = () => fs.statSync(path.join(out, "sources.json")).ino;
    const idLine = () => (JSON.parse(fs.readFileSync(path.join(out, "sources.json"), "utf8")) as { agencies: Record<string, { line: number }> }).agencies["phuong-hoan-kiem"]?.line;
    synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    const first = inode();
    const line = idLine() as number;
    const agency = path.join(path.dirname(env), "national", "agencies", "phuong-hoan-kiem.yaml");
    const text = fs.readFileSync(agency, "utf8");
    fs.writeFileSync(agency, text.replace("  cpu: 2\n", "  cpu: 3\n"));
    synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    expect(inode()).toBe(first);
    expectSameAsFullSynthesis(env, out, "quota edited");
    // A comment line above the id moves every position of the file.
    fs.writeFileSync(agency, `# Phường Hoàn Kiếm\n${text}`);
    synthesize({ repoRoot: REPO_ROOT, environment: env, out });
    expect(inode()).not.toBe(first);
    expect(idLine()).toBe(line + 1);
    expectSameAsFullSynthesis(env, out, "comment added");
  });
});

/** Asserts that `out` holds exactly what a full synthesis of `env` writes. */
function expectSameAsFullSynthesis(env: string, out: string, label: string): void {
  const full = synthesize({ repoRoot: REPO_ROOT, environment: env, out: path.join(root, "full", label, "cdktf.out") });
  const a = readTree(out);
  const b = readTree(full.outdir);
  expect([...a.keys()].sort(), label).toEqual([...b.keys()].sort());
  for (const [file, bytes] of b) expect(a.get(file)?.equals(bytes), `${label}: ${file}`).toBe(true);
}

describe("a synth session", () => {
  it("follows a series of edits, rebuilding only what each changed, and always writes what a full synthesis writes", () => {
    const env = estateCopy("session");
    const agencies = path.join(path.dirname(env), "national", "agencies");
    const out = path.join(root, "session", "cdktf.out");
    const session = new SynthSession();
    try {
      const run = () => synthesize({ repoRoot: REPO_ROOT, environment: env, out, policyGate: true }, session);
      expect(run().rebuilt).toHaveLength(10);

      // 1. An agency's quota: its home (north) and disaster-recovery (central) stacks.
      const hoanKiem = path.join(agencies, "phuong-hoan-kiem.yaml");
      const original = fs.readFileSync(hoanKiem, "utf8");
      fs.writeFileSync(hoanKiem, original.replace("  cpu: 2\n", "  cpu: 3\n"));
      expect(run().rebuilt).toEqual(["tenants-central-000", "tenants-north-000"]);
      expectSameAsFullSynthesis(env, out, "edited");

      // 2. A broken file fails with its location, and the output stays as it was.
      const before = readTree(out);
      fs.writeFileSync(hoanKiem, `${original}bogus: [\n`);
      expect(run).toThrow(UserError);
      const after = readTree(out);
      for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);

      // 3. Back to the original: the stacks change back.
      fs.writeFileSync(hoanKiem, original);
      expect(run().rebuilt).toEqual(["tenants-central-000", "tenants-north-000"]);
      expectSameAsFullSynthesis(env, out, "restored");

      // 4. A new agency (regions as Hoàn Kiếm): its tenants join the stacks and the lock, the
      //    weekly restore drill in central, where its backups are copied, gains a target, and the
      //    backup alerts of both its regions (north and central) watch its Schedules.
      fs.writeFileSync(
        path.join(agencies, "phuong-ba-dinh.yaml"),
        original
          .replaceAll("phuong-hoan-kiem", "phuong-ba-dinh")
          .replaceAll("Phường Hoàn Kiếm", "Phường Ba Đình")
          .replace("vanphong.hoankiem", "vanphong.badinh")
          .replace("hoankiem.hanoi.gov.vn", "badinh.hanoi.gov.vn"),
      );
      const added = run();
      expect(added.rebuilt).toEqual(["platform-central", "platform-north", "tenants-central-000", "tenants-north-000"]);
      expect(added.lockUpdated).toBeDefined();
      expectSameAsFullSynthesis(env, out, "added");

      // 5. And removed again.
      fs.rmSync(path.join(agencies, "phuong-ba-dinh.yaml"));
      expect(run().rebuilt).toEqual(["platform-central", "platform-north", "tenants-central-000", "tenants-north-000"]);
      expectSameAsFullSynthesis(env, out, "removed");

      // 6. Nothing changed: nothing rebuilt.
      expect(run().rebuilt).toEqual([]);

      // 7. The environment: a region's renewable share is in the green labels of every instance
      //    there, so nothing written before may be reused.
      fs.writeFileSync(env, fs.readFileSync(env, "utf8").replace("renewableShare: 0.30", "renewableShare: 0.35"));
      expect(run().rebuilt).toHaveLength(10);
      expectSameAsFullSynthesis(env, out, "environment");

      // 8. And an agency again, after the environment changed.
      fs.writeFileSync(hoanKiem, original.replace("  cpu: 2\n", "  cpu: 4\n"));
      expect(run().rebuilt).toEqual(["tenants-central-000", "tenants-north-000"]);
      expectSameAsFullSynthesis(env, out, "after-environment");
    } finally {
      session.close();
    }
  });

  it("synthesizes again when a watched file changes", async () => {
    const env = estateCopy("watch");
    const out = path.join(root, "watch", "cdktf.out");
    const hoanKiem = path.join(path.dirname(env), "national", "agencies", "phuong-hoan-kiem.yaml");
    const runs: { rebuilt: readonly string[]; changed: readonly string[] }[] = [];
    let notify: () => void = () => undefined;
    const watcher = watchSynth(
      { repoRoot: REPO_ROOT, environment: env, out },
      {
        onSynthesized: (result, _ms, changed) => {
          runs.push({ rebuilt: result.rebuilt, changed });
          notify();
        },
        onFailed: (error) => {
          throw error;
        },
      },
    );
    try {
      expect(runs).toHaveLength(1); // the first run happens before watchSynth returns
      const next = new Promise<void>((resolve) => (notify = resolve));
      fs.writeFileSync(hoanKiem, fs.readFileSync(hoanKiem, "utf8").replace("  cpu: 2\n", "  cpu: 3\n"));
      await next;
      expect(runs[1]).toEqual({ rebuilt: ["tenants-central-000", "tenants-north-000"], changed: [hoanKiem] });
    } finally {
      watcher.close();
    }
  });
});
