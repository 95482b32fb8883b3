/**
 * `govcloud synth --watch` as a user runs it: the first synthesis, one line per later run, bad
 * input reported without stopping, and Ctrl-C ends it with exit code 0.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "../support/synth";

const root = tempDir();

describe("govcloud synth --watch", () => {
  it("synthesizes after each save until interrupted", async () => {
    fs.cpSync(path.join(REPO_ROOT, "environments", "national"), path.join(root, "national"), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), path.join(root, "national.yaml"));
    const agency = path.join(root, "national", "agencies", "xa-ba-na.yaml");
    const original = fs.readFileSync(agency, "utf8");

    const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin", "govcloud.cjs"), "synth", "--watch", "--env", path.join(root, "national.yaml"), "--out", path.join(root, "out")], {
      cwd: root,
      env: { ...process.env, GOVCLOUD_DEBUG: "" },
    });
    let stdout = "";
    let stderr = "";
    const waiting = new Set<() => void>();
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const check of waiting) check();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const check of waiting) check();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    // Resolves once the stream (stdout unless told) has shown `pattern` `times` times.
    const waitFor = (pattern: RegExp, times: number, stream: () => string = () => stdout) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if ((stream().match(new RegExp(pattern, `${pattern.flags}g`)) ?? []).length < times) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        void exited.then(() => reject(new Error(`exited early:\n${stdout}\n${stderr}`)));
        check();
      });
    try {
      await waitFor(/watching for changes/, 1);
      expect(stdout).toMatch(/^Synthesized environment .* \(deploy in this order\):$/m);

      fs.writeFileSync(agency, `${original}bogus: [\n`);
      await waitFor(/watching for changes/, 2);
      expect(stdout).toMatch(/synthesis failed after changes to national\/agencies\/xa-ba-na\.yaml; the previous output is unchanged/);
      // stderr is another pipe: its lines may arrive after stdout's.
      await waitFor(/^national\/agencies\/xa-ba-na\.yaml:\d+:\d+: /m, 1, () => stderr);

      fs.writeFileSync(agency, original.replace(/^( {2}cpu: )(\d+)$/m, (_m, key: string, n: string) => `${key}${Number(n) + 1}`));
      await waitFor(/watching for changes/, 3);
      expect(stdout).toMatch(/rebuilt tenants-\w+-000, tenants-\w+-000 in \d+ ms after changes to national\/agencies\/xa-ba-na\.yaml; 8 stack\(s\) unchanged/);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/stopped\n$/);
  }, 60_000);
});
