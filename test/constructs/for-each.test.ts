/**
 * A ForEachDataStack writes what a plain cdktf stack writes: the instance maps come in after
 * cdktf's resolver, and the resource bodies are resolved once instead of three times, but the
 * document is the same.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, DefaultTokenResolver, type IResolvable, Lazy, StringConcat, TerraformStack, Testing, Token, Tokenization } from "cdktf";
import fc from "fast-check";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { afterAll, describe, expect, it } from "vitest";
import { ForEachDataStack, forEachResource, resolveMostlyPlain } from "../../constructs/for-each";
import { TenantBackupSchedules } from "../../constructs/tenant-backup-schedules";
import { TenantBaseline } from "../../constructs/tenant-baseline";
import { TenantWorkloads } from "../../constructs/tenant-workloads";
import { loadEnvironmentConfig } from "../../environments";
import { lockFilePath, readShardLock } from "../../environments/tenant-stack-lock";
import { buildEstate } from "../../estate/estate";
import type { Blocks } from "../../estate/tenant-model";
import { REPO_ROOT } from "../support/synth";

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-for-each-"));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

/** Every tenant stack of the sample estate: together they use every template and every baseline block. */
function sampleStackBlocks(): Blocks[] {
  const config = loadEnvironmentConfig(REPO_ROOT, "national");
  const { estate, problems } = buildEstate(config, readShardLock(lockFilePath(config.environmentPath)));
  if (estate === undefined) throw new Error(problems.map((p) => p.message).join("\n"));
  return estate.tenantStacks.map((s) => s.blocks);
}

/** The tenant constructs over `blocks`, in a stack of the given class, synthesized by cdktf's own serializer. */
function synthTenants(blocks: Blocks, Stack: typeof TerraformStack): unknown {
  const app = new App({ outdir, stackTraces: false });
  const stack = new Stack(app, "tenants");
  const baseline = new TenantBaseline(stack, "baseline", { blocks });
  const dependsOn = baseline.namespaces === undefined ? {} : { dependsOn: [baseline.namespaces] };
  new TenantWorkloads(stack, "workloads", { blocks, ...dependsOn });
  new TenantBackupSchedules(stack, "backup-schedules", { blocks, ...dependsOn });
  return JSON.parse(Testing.synth(stack));
}

describe("ForEachDataStack", () => {
  it("writes the same document as a plain cdktf stack, for every tenant stack of the sample estate", () => {
    const stacks = sampleStackBlocks();
    expect(stacks.length).toBeGreaterThan(2);
    for (const blocks of stacks) {
      const plain = synthTenants(blocks, TerraformStack);
      expect(synthTenants(blocks, ForEachDataStack)).toEqual(plain);
      // Not vacuous: the document has every block, each with its instances.
      const resources = (plain as { resource: Record<string, Record<string, { for_each: Record<string, unknown> }>> }).resource;
      const blockCount = Object.values(resources).reduce((n, byName) => n + Object.keys(byName).length, 0);
      expect(blockCount).toBe(blocks.size);
    }
  });

  it("refuses a for_each resource that refers to another stack, which cdktf would have wired across stacks", () => {
    // Without provider constructs: cdktf's validation would fail first.
    const app = new App({ outdir, stackTraces: false, skipValidation: true });
    const platform = new TerraformStack(app, "platform");
    const shared = new NamespaceV1(platform, "shared", { metadata: { name: "shared" } });
    const tenants = new ForEachDataStack(app, "tenants");
    forEachResource(tenants, new Map([["a", { name: "a" }]]), (it) =>
      new ConfigMapV1(tenants, "config", { forEach: it, metadata: { name: it.getString("name"), namespace: shared.metadata.name } }),
    );
    expect(() => app.synth()).toThrow(/tenants\/config refers to .* of stack platform; a for_each resource of a ForEachDataStack may refer only to its own stack/);
  });

  it("keeps references within its own stack", () => {
    const app = new App({ outdir, stackTraces: false });
    const tenants = new ForEachDataStack(app, "tenants");
    const namespace = new NamespaceV1(tenants, "namespace", { metadata: { name: "shared" } });
    forEachResource(tenants, new Map([["a", { name: "a" }]]), (it) =>
      new ConfigMapV1(tenants, "config", { forEach: it, metadata: { name: it.getString("name"), namespace: namespace.metadata.name }, dependsOn: [namespace] }),
    );
    const doc = JSON.parse(Testing.synth(tenants)) as { resource: { kubernetes_config_map_v1: { config: Record<string, unknown> } } };
    expect(doc.resource.kubernetes_config_map_v1.config).toMatchObject({
      depends_on: ["kubernetes_namespace_v1.namespace"],
      metadata: { name: "${each.value.name}", namespace: "${kubernetes_namespace_v1.namespace.metadata[0].name}" },
      for_each: { a: { name: "a" } },
    });
  });
});

describe("resolveMostlyPlain", () => {
  const app = new App({ outdir, stackTraces: false });
  const scope = new TerraformStack(app, "resolve");
  const resolve = (value: unknown) => Tokenization.resolve(value, { scope, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
  const resolvable = (value: unknown): IResolvable => ({ creationStack: [], resolve: () => value, toString: () => "resolvable" });

  // Plain JSON-like data with every kind of token cdktf encodes, alone and inside strings.
  const text = fc.oneof(fc.string(), fc.constantFrom("1.5e3", "x-2e+5", "${each.value.a}", "$${literal}", Token.STRING_MAP_TOKEN_VALUE, Token.ANY_MAP_TOKEN_VALUE));
  const token = fc.oneof(
    text.map((t) => Token.asString(resolvable(t))),
    text.map((t) => `pre-${Token.asString(resolvable(t))}-post`),
    fc.integer().map((n) => Token.asNumber(resolvable(n))),
    fc.array(text, { maxLength: 3 }).map((l) => Token.asList(resolvable(l))),
    fc.dictionary(fc.string(), text, { maxKeys: 3 }).map((m) => Token.asStringMap(resolvable(m))),
    text.map((t) => resolvable(t)),
    text.map((t) => Lazy.stringValue({ produce: () => t })),
  );
  const leaf = fc.oneof(text, fc.double({ noNaN: true }), fc.constant(Token.NUMBER_MAP_TOKEN_VALUE), fc.boolean(), fc.constant(null), fc.constant(undefined), token);
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("node"), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.string(), token.filter((t) => typeof t === "string")), tie("node"), { maxKeys: 4 })),
  })).node;

  it("resolves what cdktf's resolver resolves, to the same value", () => {
    fc.assert(
      fc.property(value, (v) => {
        let expected: unknown;
        try {
          expected = resolve(v);
        } catch (error) {
          // Where cdktf refuses a value (a map token as a scalar, say), so must this.
          expect(() => resolveMostlyPlain(v, resolve)).toThrow((error as Error).message);
          return;
        }
        expect(resolveMostlyPlain(v, resolve)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("leaves plain data to itself and hands every token to cdktf", () => {
    const handed: unknown[] = [];
    const body = { name: "${each.value.name}", replicas: 2, labels: { app: "web" }, list: ["a", undefined, "b"], ref: Token.asString(resolvable("x")) };
    expect(resolveMostlyPlain(body, (v) => (handed.push(v), resolve(v)))).toEqual({ name: "${each.value.name}", replicas: 2, labels: { app: "web" }, list: ["a", "b"], ref: "x" });
    expect(handed).toEqual([body.ref]);
  });
});
