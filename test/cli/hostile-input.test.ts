/**
 * Hostile and broken environment files, end to end through the CLI: one located line per
 * problem on stderr, exit code 2, no stack trace, and the previous output left as it was.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readTree, REPO_ROOT, tempDir } from "../support/synth";
import { cli } from "../support/cli";

const dir = tempDir();
const out = path.join(dir, "cdktf.out");
const national = fs.readFileSync(path.join(REPO_ROOT, "environments", "national.yaml"), "utf8");


/** Writes a variant of national.yaml as `<dir>/<name>/national.yaml` and returns its path. */
function variant(name: string, text: string): string {
  const file = path.join(dir, name, "national.yaml");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

function replaceOnce(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

const cases: Array<[string, () => string, RegExp]> = [
  [
    "oversized file",
    () => `${national}\n# ${"x".repeat(1024 * 1024)}\n`,
    /^national\.yaml:1:1: <document>: file is too large: \d+ bytes, the limit for this kind of file is 1048576 bytes/,
  ],
  [
    "alias bomb",
    () => {
      const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
      for (let i = 1; i < 12; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? "*a" : `*l${i - 1}`).join(", ")}]`);
      return `${national}\n${levels.join("\n")}\n`;
    },
    /^national\.yaml:\d+:\d+: l\d+(\[\d+\])?: .*alias/,
  ],
  ["duplicate key", () => replaceOnce(national, "name: national\n", "name: national\nname: national\n"), /^national\.yaml:\d+:1: name: duplicate key 'name'/],
  ["YAML 1.1 directive", () => `%YAML 1.1\n---\n${national}`, /^national\.yaml:1:1: <document>: .*YAML 1\.1/],
  ["unknown tag", () => replaceOnce(national, "cloudName: govcloud", "cloudName: !!js/function govcloud"), /^national\.yaml:\d+:\d+: infrastructure\.cloudName: .*tag '!!js\/function'/],
  ["wrong type", () => replaceOnce(national, "replicas: 3", "replicas: three"), /^national\.yaml:\d+:\d+: regions\.north\.cluster\.controlPlane\.replicas: expected .*number.*"three"/],
  ["unknown field", () => replaceOnce(national, "          flavor: gc.sys.8c32g\n", "          flavor: gc.sys.8c32g\n          diskGib: 300\n"), /^national\.yaml:\d+:\d+: regions\.north\.cluster\.nodePools\.system\.diskGib: unknown field 'diskGib'; did you mean 'diskGiB'\?$/],
  ["bad Kubernetes name", () => replaceOnce(national, "    ingress-nginx: {}", "    Ingress_Nginx: {}"), /^national\.yaml:\d+:\d+: platform\.namespaces\.Ingress_Nginx: .*DNS-1123/],
];

describe("hostile environment files", () => {
  let before: Map<string, Buffer>;
  beforeAll(() => {
    // A copy of national in the same project as the variants: local state must be reachable from --out.
    const good = cli("synth", "--env", variant("good", national), "--out", out, "--quiet");
    expect(good).toMatchObject({ code: 0, stderr: "" });
    before = readTree(out);
  });

  afterEach(() => {
    // Every failed synth leaves the previous output byte for byte, and no temporary folder.
    const after = readTree(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), file).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(".cdktf.out."))).toEqual([]);
  });

  it.each(cases)("%s: one located line, exit code 2", (name, make, expected) => {
    const file = variant(name.replace(/\W+/g, "-"), make());
    const cwd = process.cwd();
    process.chdir(path.dirname(file));
    try {
      const result = cli("synth", "--env", file, "--out", out);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
    } finally {
      process.chdir(cwd);
    }
  });

  it("reports every problem of a file at once, in line order", () => {
    let text = replaceOnce(national, "replicas: 3", "replicas: three");
    text = replaceOnce(text, "    ingress-nginx: {}", "    Ingress_Nginx: {}");
    text = replaceOnce(text, "pue: 1.40", "pue: 9");
    const result = cli("synth", "--env", variant("several", text), "--out", out);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe("govcloud: 3 problems; nothing was written");
    const lineNumbers = lines.slice(0, 3).map((l) => Number(l.split(":")[1]));
    expect([...lineNumbers].sort((a, b) => a - b)).toEqual(lineNumbers);
  });

  it("names the known environments when one does not exist", () => {
    const result = cli("synth", "--env", "nationl", "--out", out);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/environments\/nationl\.yaml:1:1: <document>: no environment named 'nationl'; known environments: dev, national/);
  });

  it("the installed command exits 2 without a stack trace", () => {
    const file = variant("spawned", replaceOnce(national, "replicas: 3", "replicas: three"));
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, "bin", "govcloud.cjs"), "synth", "--env", file, "--out", out], {
      encoding: "utf8",
      env: { ...process.env, GOVCLOUD_DEBUG: "" },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/national\.yaml:\d+:\d+: regions\.north\.cluster\.controlPlane\.replicas: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("usage errors", () => {
  it("exit with code 2", () => {
    expect(cli("synth", "--no-such-option").code).toBe(2);
    expect(cli("no-such-command").code).toBe(2);
  });

  it("--help exits 0", () => {
    expect(cli("synth", "--help").code).toBe(0);
  });
});
