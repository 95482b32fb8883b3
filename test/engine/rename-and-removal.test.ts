/**
 * Day-2 changes to agencies, end to end on a copy of national: a rename that follows the README
 * replaces nothing (home and DR tenants), removing an agency's file is refused unless the file
 * retires it, and synth prints what changed (destroys first); `govcloud diff` shows the same.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compareAddresses, listAddresses } from "../../engine/resource-addresses";
import { manifestStacks, outputChanges, parseInstances, readAhead, scanInstances, stackChanges } from "../../engine/changes";
import { synthesize } from "../../engine/synth";
import { readStacks, readTree, REPO_ROOT, tempDir, type TerraformJson } from "../support/synth";
import { cli } from "../support/cli";
import { agenciesOf, copyEnvironment } from "../support/estate-copy";

const root = tempDir();
const RETIRED = "retired:\n  decision: 45/QĐ-BTC of the Ministry of Finance\n  date: 2026-11-30\n  backupRetentionDays: 3650\n";

/** Every for_each instance: `<stack> <address>` -> values. */
function instances(stacks: Map<string, TerraformJson>): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const [stack, doc] of stacks) {
    for (const [type, byName] of Object.entries(doc.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        for (const [key, values] of Object.entries((body.for_each ?? {}) as Record<string, Record<string, unknown>>)) out.set(`${stack} ${type}.${name}[${JSON.stringify(key)}]`, values);
      }
    }
  }
  return out;
}

/** Renames an agency as the README says: rename the file, set the new id and renamedFrom, update references. */
function renameAgency(env: string, from: string, to: string, edit: (text: string) => string = (t) => t): void {
  const dir = agenciesOf(env);
  const text = fs.readFileSync(path.join(dir, `${from}.yaml`), "utf8");
  fs.rmSync(path.join(dir, `${from}.yaml`));
  fs.writeFileSync(path.join(dir, `${to}.yaml`), edit(text.replace(`\nid: ${from}\n`, `\nid: ${to}\nrenamedFrom: ${from}\n`)));
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replaceAll(`agency: ${from}\n`, `agency: ${to}\n`));
  }
}

describe("renaming an agency as the README says", () => {
  const project = path.join(root, "rename");
  const env = copyEnvironment(project);
  const out = path.join(project, "cdktf.out");
  let before: Map<string, Record<string, unknown>>;
  let beforeAddresses: string[];
  let after: Map<string, Record<string, unknown>>;
  let result: ReturnType<typeof synthesize>;
  let moves: Map<string, string>;

  beforeAll(() => {
    synthesize({ repoRoot: REPO_ROOT, environment: env, out, deployable: true });
    before = instances(readStacks(out));
    beforeAddresses = listAddresses(out);
    // The Ministry of Finance: a stateful ledger with volumes, a dependency of Hà Nội's portal,
    // home tenant in the north and DR tenant in the south.
    renameAgency(env, "bo-tai-chinh", "bo-tai-chinh-va-kho-bac");
    result = synthesize({ repoRoot: REPO_ROOT, environment: env, out, deployable: true });
    after = instances(readStacks(out));
    moves = new Map(compareAddresses(beforeAddresses, out).moved.map((line) => line.split(" -> ") as [string, string]));
  });

  it("keeps every address: each of the agency's instances is moved, none destroyed", () => {
    const { lost, moved } = compareAddresses(beforeAddresses, out);
    expect(lost).toEqual([]);
    expect(moved.length).toBe(beforeAddresses.filter((a) => /\["(?:[^"]*->)?bo-tai-chinh[/"]/.test(a)).length);
    expect(result.changes?.flatMap((c) => c.destroyed)).toEqual([]);
  });

  it("keeps the namespace tenant-bo-tai-chinh in the home and the DR region", () => {
    const namespaces = [...before].filter(([address]) => address.includes('kubernetes_namespace_v1.tenant["bo-tai-chinh"]'));
    expect(namespaces.map(([address]) => address.split(" ")[0]).sort()).toEqual(["tenants-north-000", "tenants-south-000"]);
    for (const [address, values] of namespaces) {
      const target = moves.get(address) as string;
      expect(target).toBe(address.replace('["bo-tai-chinh"]', '["bo-tai-chinh-va-kho-bac"]'));
      expect(after.get(target)?.name).toBe("tenant-bo-tai-chinh");
      expect(values.name).toBe("tenant-bo-tai-chinh");
    }
  });

  it("keeps the name, namespace and selector of every object of every instance that moved", () => {
    expect(moves.size).toBeGreaterThan(40);
    for (const [from, to] of moves) {
      const a = before.get(from) as Record<string, unknown>;
      const b = after.get(to) as Record<string, unknown>;
      for (const field of ["name", "namespace", "selector", "manifest_name", "group", "peer_namespace", "peer_labels"]) expect(b[field], `${to} ${field}`).toEqual(a[field]);
      const manifest = (x: Record<string, unknown>) => (x.manifest as { metadata?: { name?: string } } | undefined)?.metadata?.name;
      expect(manifest(b), to).toBe(manifest(a));
    }
  });

  it("keeps the objects of other agencies that name it (Hà Nội's portal calls its portal)", () => {
    const edge = [...after.keys()].find((a) => a.includes("allow_egress_to_dependency") && a.includes("->bo-tai-chinh-va-kho-bac/"));
    expect(edge).toBeDefined();
    const from = [...moves].find(([, to]) => to === edge)?.[0] as string;
    expect(after.get(edge as string)?.peer_namespace).toBe("tenant-bo-tai-chinh");
    expect(after.get(edge as string)?.name).toBe(before.get(from)?.name);
  });

  it("reads every stack line by line as JSON.parse reads it (the changes summary's fast path)", () => {
    for (const [stack, file] of manifestStacks(out)) {
      const text = fs.readFileSync(file, "utf8");
      const scanned = scanInstances(text);
      const parsed = parseInstances(text);
      expect(scanned, stack).toBeDefined();
      expect([...(scanned?.instances.keys() ?? [])].sort(), stack).toEqual([...parsed.instances.keys()].sort());
      expect(scanned?.moved, stack).toEqual(parsed.moved);
      const values = (t: string | undefined) => (t === undefined || !t.includes("\0") ? undefined : JSON.parse(t.slice(t.indexOf("\0") + 1)));
      for (const [address, t] of parsed.instances) expect(values(scanned?.instances.get(address)), `${stack} ${address}`).toEqual(values(t));
    }
    expect(readStacks(out).get("tenants-north-000")).toHaveProperty("moved");
    // Text laid out otherwise is not guessed at.
    expect(scanInstances(JSON.stringify({ resource: { t: { r: { for_each: { a: {} } } } } }))).toBeUndefined();
  });

  it("passes govcloud addresses against the committed list of the copy (RoleBindings included)", () => {
    const check = cli("addresses", "--env", env);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('kubernetes_role_binding_v1.tenant_admins["bo-tai-chinh/bo-tai-chinh-admins"] -> tenants-north-000 kubernetes_role_binding_v1.tenant_admins["bo-tai-chinh-va-kho-bac/bo-tai-chinh-admins"]');
    expect(check.stdout).toMatch(/, none lost\n$/);
  });

  it("is refused when it would move the agency's tenants to another region, saying why", () => {
    const other = path.join(root, "rename-region");
    const otherEnv = copyEnvironment(other);
    renameAgency(otherEnv, "bo-tai-chinh", "bo-tai-chinh-moi", (text) => text.replace("drRegion: south", "drRegion: central"));
    const run = cli("synth", "--env", otherEnv, "--out", path.join(other, "cdktf.out"));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bo-tai-chinh-moi\.yaml:\d+:\d+: renamedFrom: the rename from bo-tai-chinh would destroy its tenant in south \(namespace tenant-bo-tai-chinh/);
    expect(fs.existsSync(path.join(other, "cdktf.out"))).toBe(false);
  });

  it("is refused when renamedFrom names no agency that existed", () => {
    const other = path.join(root, "rename-unknown");
    const otherEnv = copyEnvironment(other);
    renameAgency(otherEnv, "xa-ba-na", "xa-ba-na-moi", (text) => text.replace("renamedFrom: xa-ba-na\n", "renamedFrom: xa-khong-co\n"));
    const run = cli("synth", "--env", otherEnv, "--out", path.join(other, "cdktf.out"));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/xa-ba-na-moi\.yaml:\d+:\d+: renamedFrom: .*has no agency 'xa-khong-co' to rename/);
    expect(run.stderr).toMatch(/xa-ba-na: agency xa-ba-na is gone but not retired/);
  });

  it("is refused when it would rename a namespace in place (renamedFrom on an agency that kept its id)", () => {
    const other = path.join(root, "rename-in-place");
    const otherEnv = copyEnvironment(other);
    const out2 = path.join(other, "cdktf.out");
    expect(cli("synth", "--env", otherEnv, "--out", out2, "--quiet").code).toBe(0);
    const file = path.join(agenciesOf(otherEnv), "xa-ba-na.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("\nid: xa-ba-na\n", "\nid: xa-ba-na\nrenamedFrom: xa-cu\n"));
    const run = cli("synth", "--env", otherEnv, "--out", out2);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/manifest\.json:1:1: tenants-central-000 kubernetes_namespace_v1\.tenant\["xa-ba-na"\]: would be replaced/);
  });
});

describe("removing an agency that holds data", () => {
  const project = path.join(root, "removal");
  const env = copyEnvironment(project);
  const out = path.join(project, "cdktf.out");
  const file = path.join(agenciesOf(env), "bo-tai-chinh.yaml");
  let original: string;
  let previous: Map<string, Buffer>;

  beforeAll(() => {
    expect(cli("synth", "--env", env, "--out", out, "--quiet").code).toBe(0);
    previous = readTree(out);
    original = fs.readFileSync(file, "utf8");
  });

  it("by deleting its file is refused with exit code 2, naming the agency, its namespaces and volumes", () => {
    fs.rmSync(file);
    const run = cli("synth", "--env", env, "--out", out);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /resource-addresses\.txt:1:1: bo-tai-chinh: agency bo-tai-chinh is gone but not retired: synth would destroy namespace tenant-bo-tai-chinh in north, south, 3 PersistentVolumeClaim\(s\), 1 StatefulSet\(s\)/,
    );
    expect(run.stdout).toBe("");
    // The previous output is untouched.
    const now = readTree(out);
    expect([...now.keys()].sort()).toEqual([...previous.keys()].sort());
    for (const [name, bytes] of previous) expect(now.get(name)?.equals(bytes), name).toBe(true);
  });

  it("with a placeholder retirement decision is refused at the field", () => {
    fs.writeFileSync(file, `${original}${RETIRED.replace("45/QĐ-BTC of the Ministry of Finance", "TODO")}`);
    const run = cli("synth", "--env", env, "--out", out);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bo-tai-chinh\.yaml:\d+:\d+: retired\.decision: must name the real decision/);
  });

  it("proceeds when its file retires it, and prints the destroys first, per stack", () => {
    // Hà Nội's portal no longer calls the retired ministry.
    const hanoi = path.join(agenciesOf(env), "thanh-pho-ha-noi.yaml");
    const text = fs.readFileSync(hanoi, "utf8");
    fs.writeFileSync(hanoi, text.replace(/\n {4}dependsOn:\n {6}- agency: bo-tai-chinh\n {8}workload: portal/, ""));
    fs.writeFileSync(file, `${original}${RETIRED}`);
    const run = cli("synth", "--env", env, "--out", out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("retired agencies dropped from the output (their namespaces and volumes are destroyed at the next apply): bo-tai-chinh");
    const summary = run.stdout.slice(run.stdout.indexOf("Changes against the previous output"));
    expect(summary).toMatch(/^ {2}tenants-north-000 +\d+ destroyed, \d+ added, \d+ changed, \d+ moved$/m);
    expect(summary).toContain('    destroy kubernetes_persistent_volume_claim_v1.stateful_service["bo-tai-chinh/ledger-db/0"]');
    expect(summary).toContain('    destroy kubernetes_namespace_v1.tenant["bo-tai-chinh"]');
  });

  it("a node pool removed is refused unless --allow-removal names it", () => {
    const project2 = path.join(root, "pool");
    const env2 = copyEnvironment(project2);
    const text = fs.readFileSync(env2, "utf8");
    // The first storage pool of the file (the north region's), to its next sibling key.
    const removed = text.replace(/\n {8}storage:\n(?: {10}.*\n)+/, "\n");
    expect(removed).not.toBe(text);
    fs.writeFileSync(env2, removed);
    const refused = cli("synth", "--env", env2, "--out", path.join(project2, "cdktf.out"));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/national\.yaml:\d+:\d+: regions\.north\.cluster\.nodePools\.storage: node pool north\/storage is gone/);
    const allowed = cli("synth", "--env", env2, "--out", path.join(project2, "cdktf.out"), "--allow-removal", "north/storage", "--quiet");
    expect(allowed.code, allowed.stderr).toBe(0);
  });
});

describe("changes summary and govcloud diff", () => {
  it("classifies instances as added, changed, moved and destroyed", () => {
    const dir = path.join(root, "changes");
    fs.mkdirSync(dir, { recursive: true });
    const doc = (instances: Record<string, unknown>, moved: Array<{ from: string; to: string }> = []) => ({ resource: { t: { r: { x: 1, for_each: instances } } }, ...(moved.length > 0 ? { moved } : {}) });
    fs.writeFileSync(path.join(dir, "a.json"), JSON.stringify(doc({ keep: 1, edit: 1, old: 1, gone: 1, ns: { name: "tenant-a" } })));
    fs.writeFileSync(path.join(dir, "b.json"), JSON.stringify(doc({ keep: 1, edit: 2, new: 1, fresh: 1, ns: { name: "tenant-b" } }, [{ from: 't.r["old"]', to: 't.r["new"]' }])));
    expect(stackChanges("s", path.join(dir, "a.json"), path.join(dir, "b.json"))).toEqual({
      stack: "s",
      added: ['t.r["fresh"]'],
      changed: ['t.r["edit"]', 't.r["ns"]'],
      moved: ['t.r["old"] -> t.r["new"]'],
      destroyed: ['t.r["gone"]'],
      replaced: ['t.r["ns"]'],
    });
    expect(stackChanges("s", path.join(dir, "a.json"), undefined).destroyed).toHaveLength(5);
  });

  it("gives the same changes with the previous stacks read ahead (a re-synthesis reads them while the gate's thread synthesizes)", () => {
    const doc = (instances: Record<string, unknown>) => ({ resource: { t: { r: { x: 1, for_each: instances } } } });
    const output = (name: string, stacks: Record<string, unknown>, indent?: number) => {
      const dir = path.join(root, "ahead", name);
      for (const [stack, body] of Object.entries(stacks)) {
        fs.mkdirSync(path.join(dir, "stacks", stack), { recursive: true });
        fs.writeFileSync(path.join(dir, "stacks", stack, "cdk.tf.json"), JSON.stringify(body, null, indent));
      }
      const manifest = { stacks: Object.fromEntries(Object.keys(stacks).map((stack) => [stack, { synthesizedStackPath: `stacks/${stack}/cdk.tf.json` }])) };
      fs.writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
      return dir;
    };
    const stacks = { edited: doc({ keep: 1, edit: 1, ns: { name: "a" } }), same: doc({ keep: 1 }), gone: doc({ x: 1 }) };
    const next = { edited: doc({ keep: 1, edit: 2, ns: { name: "b" }, fresh: 1 }), same: doc({ keep: 1 }), added: doc({ y: 1 }) };
    // Laid out as synth writes (scanned) and on one line (parsed): both ways of reading.
    for (const indent of [2, undefined]) {
      const previous = output(`previous-${indent}`, stacks, indent);
      const nextDir = output(`next-${indent}`, next, indent);
      const ahead = readAhead(previous, ["edited", "same", "added"]);
      expect([...ahead.keys()].sort()).toEqual(["edited", "same"]);
      const changes = outputChanges(previous, nextDir);
      expect(changes.map((c) => c.stack)).toEqual(["added", "edited", "gone"]);
      expect(outputChanges(previous, nextDir, new Set(), ahead)).toEqual(changes);
      // A stack read ahead from another file is read again, not taken for it.
      const other = path.join(nextDir, "stacks", "same", "cdk.tf.json");
      expect(stackChanges("edited", other, path.join(nextDir, "stacks", "edited", "cdk.tf.json"), ahead.get("edited"))).toEqual(
        stackChanges("edited", other, path.join(nextDir, "stacks", "edited", "cdk.tf.json")),
      );
    }
  });

  it("govcloud diff shows what a synth would change against an output folder, and writes nothing", () => {
    const project = path.join(root, "diff");
    const env = copyEnvironment(project);
    const out = path.join(project, "cdktf.out");
    expect(cli("synth", "--env", env, "--out", out, "--quiet").code).toBe(0);
    const same = cli("diff", "--env", env, "--against", out);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toBe("No changes against the previous output.\n");
    renameAgency(env, "xa-ba-na", "xa-ba-na-moi");
    const before = readTree(out);
    const run = cli("diff", "--env", env, "--against", out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ {2}tenants-central-000 +0 destroyed, 0 added, \d+ changed, \d+ moved$/m);
    expect(readTree(out).size).toBe(before.size);
    expect(cli("diff", "--help").code).toBe(0);
    const missing = cli("diff", "--env", env, "--against", path.join(project, "nothing"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no synthesized output here");
  });
});
