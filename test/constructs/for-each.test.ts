/**
 * A ForEachDataStack writes what a plain cdktf stack writes: the instance maps come in after
 * cdktf's resolver, and the resource bodies are resolved once instead of three times, but the
 * document is the same.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, Aspects, DefaultTokenResolver, type IResolvable, Lazy, LocalBackend, StringConcat, TerraformResource, TerraformStack, Testing, Token, Tokenization } from "cdktf";
import fc from "fast-check";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { afterAll, describe, expect, it } from "vitest";
import { ForEachDataStack, forEachResource, resolveMostlyPlain, SharedBodies } from "../../constructs/for-each";
import { GreenLabelsAspect } from "../../constructs/green-labels-aspect";
import { TenantBackupSchedules } from "../../constructs/tenant-backup-schedules";
import { TenantBaseline } from "../../constructs/tenant-baseline";
import { TenantWorkloads } from "../../constructs/tenant-workloads";
import { loadEnvironmentConfig } from "../../environments";
import { lockFilePath, readShardLock } from "../../environments/tenant-stack-lock";
import { buildEstate } from "../../estate/estate";
import { BASELINE_BLOCKS } from "../../estate/tenant-baseline-instances";
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

/** The tenant constructs over `blocks`, in a stack of the given class. */
function tenantStack(blocks: Blocks, Stack: typeof TerraformStack, id = "tenants"): TerraformStack {
  const app = new App({ outdir, stackTraces: false });
  const stack = new Stack(app, id);
  addTenantConstructs(stack, blocks);
  return stack;
}

/** The tenant constructs over `blocks`, as TenantStack adds them. */
function addTenantConstructs(stack: TerraformStack, blocks: Blocks): void {
  const baseline = new TenantBaseline(stack, "baseline", { blocks });
  const dependsOn = baseline.namespaces === undefined ? {} : { dependsOn: [baseline.namespaces] };
  new TenantWorkloads(stack, "workloads", { blocks, ...dependsOn });
  new TenantBackupSchedules(stack, "backup-schedules", { blocks, ...dependsOn });
}

/** The tenant constructs over `blocks`, in a stack of the given class, synthesized by cdktf's own serializer. */
function synthTenants(blocks: Blocks, Stack: typeof TerraformStack): unknown {
  return JSON.parse(Testing.synth(tenantStack(blocks, Stack)));
}

/** A ForEachDataStack's document as it is written, `//` metadata included (Testing.synth drops it). */
function documentOf(stack: ForEachDataStack): { resource: Record<string, Record<string, Record<string, unknown>>> } {
  return JSON.parse(JSON.stringify(stack.toTerraform())) as { resource: Record<string, Record<string, Record<string, unknown>>> };
}

/** The tenant stack over `blocks` named `id`, sharing its bodies in `bodies` when given. */
function tenantDocument(blocks: Blocks, id: string, bodies?: SharedBodies): ReturnType<typeof documentOf> {
  const stack = tenantStack(blocks, ForEachDataStack, id) as ForEachDataStack;
  if (bodies !== undefined) stack.shareBodies(bodies, shapeOf(blocks));
  return documentOf(stack);
}

/** The blocks that have instances: what a tenant stack's bodies depend on. */
function shapeOf(blocks: Blocks): string {
  return [...blocks].filter(([, instances]) => instances.size > 0).map(([block]) => block).sort().join(" ");
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

  it("writes the same documents when stacks of the same shape share their bodies, each with its own metadata", () => {
    const stacks = sampleStackBlocks();
    // Every stack twice, under another name the second time: the second takes every body.
    const bodies = new SharedBodies();
    const shared = [...stacks, ...stacks].map((blocks, i) => tenantDocument(blocks, `tenants-${i}`, bodies));
    const alone = [...stacks, ...stacks].map((blocks, i) => tenantDocument(blocks, `tenants-${i}`));
    expect(shared).toEqual(alone);
    // Resolved once per shape and resource; every other stack took them.
    const resources = (blocks: Blocks) => [...blocks.values()].filter((instances) => instances.size > 0).length;
    const perShape = [...new Map(stacks.map((blocks) => [shapeOf(blocks), blocks])).values()].reduce((n, blocks) => n + resources(blocks), 0);
    expect(bodies.use).toEqual({ resolved: perShape, reused: 2 * stacks.reduce((n, blocks) => n + resources(blocks), 0) - perShape, templated: 0 });
    // Not vacuous: each body's metadata names its own stack.
    shared.forEach((doc, i) => {
      const bodiesOf = Object.values(doc.resource).flatMap((byName) => Object.values(byName));
      expect(bodiesOf.length).toBeGreaterThan(0);
      for (const body of bodiesOf) expect((body["//"] as { metadata: { path: string } }).metadata.path.startsWith(`tenants-${i}/`)).toBe(true);
    });
  });

  it("keeps the stored bodies frozen, so that nothing done to one stack's document reaches another", () => {
    const [blocks] = sampleStackBlocks();
    if (blocks === undefined) throw new Error("no tenant stack");
    const bodies = new SharedBodies();
    const app = new App({ outdir, stackTraces: false });
    const stack = new ForEachDataStack(app, "tenants");
    new TenantBaseline(stack, "baseline", { blocks });
    stack.shareBodies(bodies, shapeOf(blocks));
    const first = stack.toTerraform() as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const second = stack.toTerraform() as typeof first;
    expect(bodies.use.reused).toBeGreaterThan(0);
    const namespace = second.resource.kubernetes_namespace_v1?.tenant?.metadata as Record<string, unknown>;
    expect(Object.isFrozen(namespace)).toBe(true);
    expect(() => {
      namespace.name = "changed";
    }).toThrow(TypeError);
    expect(first).toEqual(second);
  });

  it("does not share a body whose `//` holds more than the metadata it rewrites for each stack", () => {
    const bodies = new SharedBodies();
    const documents = ["tenants-0", "tenants-1"].map((id) => {
      const app = new App({ outdir, stackTraces: false });
      const stack = new ForEachDataStack(app, id);
      const noted = forEachResource(stack, new Map([["a", { name: "a" }]]), (it) => new ConfigMapV1(stack, "noted", { forEach: it, metadata: { name: it.getString("name") } }));
      noted.addOverride("//.note", `written for ${id}`);
      forEachResource(stack, new Map([["b", { name: "b" }]]), (it) => new ConfigMapV1(stack, "plain", { forEach: it, metadata: { name: it.getString("name") } }));
      stack.shareBodies(bodies, "one shape");
      return documentOf(stack);
    });
    // The plain one is shared; the noted one is resolved in each stack, with its own note.
    expect(bodies.use).toEqual({ resolved: 3, reused: 1, templated: 0 });
    expect(documents.map((doc) => doc.resource.kubernetes_config_map_v1?.noted?.["//"])).toEqual([
      { metadata: { path: "tenants-0/noted", uniqueId: "noted" }, note: "written for tenants-0" },
      { metadata: { path: "tenants-1/noted", uniqueId: "noted" }, note: "written for tenants-1" },
    ]);
    expect(documents[1]?.resource.kubernetes_config_map_v1?.plain?.["//"]).toEqual({ metadata: { path: "tenants-1/plain", uniqueId: "plain" } });
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

describe("ForEachDataStack.resourcesFromShape", () => {
  const GREEN = { "green.govcloud.gov.vn/site": "test" };

  /**
   * A stack as TenantStack makes one: a backend, a provider, the green labels aspect, the shape's
   * bodies shared, `before` (renames), then its resources from the shape, else the tenant
   * constructs (and `more` after them). Synthesized by cdktf, aspects and all; the document as
   * written, `//` metadata included.
   */
  function shapedDocument(
    blocks: Blocks,
    id: string,
    bodies: SharedBodies,
    add: { readonly before?: (stack: ForEachDataStack) => void; readonly more?: (stack: ForEachDataStack) => void } = {},
  ): { document: ReturnType<typeof documentOf> & { moved?: { from: string; to: string }[] }; fromShape: boolean; resources: number } {
    const dir = fs.mkdtempSync(path.join(outdir, "shape-"));
    const app = new App({ outdir: dir, stackTraces: false });
    const stack = new ForEachDataStack(app, id);
    new LocalBackend(stack, { path: `${id}.tfstate` });
    new KubernetesProvider(stack, "kubernetes", { configContext: "test" });
    Aspects.of(stack).add(new GreenLabelsAspect({ labels: GREEN }));
    stack.shareBodies(bodies, shapeOf(blocks));
    add.before?.(stack);
    const fromShape = stack.resourcesFromShape(blocks);
    if (!fromShape) {
      addTenantConstructs(stack, blocks);
      add.more?.(stack);
    }
    app.synth();
    const document = JSON.parse(fs.readFileSync(path.join(dir, "stacks", id, "cdk.tf.json"), "utf8")) as ReturnType<typeof shapedDocument>["document"];
    return { document, fromShape, resources: stack.node.findAll().filter((c) => c instanceof TerraformResource).length };
  }

  it("writes what each stack writes alone, from the first stack of its shape, without building its resources", () => {
    const stacks = sampleStackBlocks();
    const shapes = new Set(stacks.map(shapeOf)).size;
    // Every stack twice, under another name the second time.
    const bodies = new SharedBodies();
    const shared = [...stacks, ...stacks].map((blocks, i) => shapedDocument(blocks, `tenants-${i}`, bodies));
    const alone = [...stacks, ...stacks].map((blocks, i) => shapedDocument(blocks, `tenants-${i}`, new SharedBodies()));
    expect(shared.map((s) => s.document)).toEqual(alone.map((s) => s.document));
    // The first stack of each shape built its resources and left them; every other took them.
    expect(shared.filter((s) => !s.fromShape)).toHaveLength(shapes);
    expect(bodies.use.templated).toBe(2 * stacks.length - shapes);
    for (const s of shared) expect(s.resources === 0).toBe(s.fromShape);
    expect(alone.every((s) => !s.fromShape && s.resources > 0)).toBe(true);
    // Not vacuous: each stack's bodies name it, and its instances are its own, with the aspect's labels.
    shared.forEach(({ document }, i) => {
      const namespaces = document.resource.kubernetes_namespace_v1?.tenant as { "//": { metadata: { path: string } }; for_each: Record<string, { labels: Record<string, string> }> };
      expect(namespaces["//"].metadata.path).toBe(`tenants-${i}/baseline/namespace`);
      const blocks = stacks[i % stacks.length] as Blocks;
      expect(Object.keys(namespaces.for_each).sort()).toEqual([...(blocks.get(BASELINE_BLOCKS.namespace)?.keys() ?? [])].sort());
      for (const instance of Object.values(namespaces.for_each)) expect(instance.labels).toMatchObject(GREEN);
    });
  });

  it("writes moved blocks for renamed agencies in a stack that takes its resources from its shape", () => {
    const [blocks] = sampleStackBlocks();
    if (blocks === undefined) throw new Error("no tenant stack");
    const agency = [...(blocks.get(BASELINE_BLOCKS.namespace)?.keys() ?? [])][0] as string;
    const before = (stack: ForEachDataStack) => stack.addAgencyRename(`former-${agency}`, agency);
    const bodies = new SharedBodies();
    shapedDocument(blocks, "tenants-renamed", bodies, { before });
    const fromShape = shapedDocument(blocks, "tenants-renamed", bodies, { before });
    const alone = shapedDocument(blocks, "tenants-renamed", new SharedBodies(), { before });
    expect(fromShape.fromShape).toBe(true);
    expect(fromShape.document).toEqual(alone.document);
    expect(fromShape.document.moved).toContainEqual({ from: `kubernetes_namespace_v1.tenant["former-${agency}"]`, to: `kubernetes_namespace_v1.tenant["${agency}"]` });
  });

  it("leaves nothing when the first stack of a shape adds an element of its own, or instances that are not one of its inputs", () => {
    const [blocks] = sampleStackBlocks();
    if (blocks === undefined) throw new Error("no tenant stack");
    const additions: Record<string, (stack: ForEachDataStack) => void> = {
      "a resource without for_each": (stack) => new NamespaceV1(stack, "extra", { metadata: { name: "extra" } }),
      "instances made from its inputs": (stack) =>
        forEachResource(stack, new Map(blocks.get(BASELINE_BLOCKS.namespace)), (it) => new ConfigMapV1(stack, "copied", { forEach: it, metadata: { name: it.getString("name") } })),
    };
    for (const [what, more] of Object.entries(additions)) {
      const bodies = new SharedBodies();
      const first = shapedDocument(blocks, "tenants-0", bodies, { more });
      const second = shapedDocument(blocks, "tenants-1", bodies, { more });
      expect(first.fromShape, what).toBe(false);
      expect(second.fromShape, what).toBe(false);
      expect(bodies.use.templated, what).toBe(0);
      // The second built its own, with the addition.
      expect(second.document, what).toEqual(shapedDocument(blocks, "tenants-1", new SharedBodies(), { more }).document);
    }
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
