import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  checkSynthOutput,
  checkTerraformJson,
  loadProviderSchemas,
  providerSchemasDir,
  type Block,
  type ProviderSchemas,
  type SchemaProblem,
} from "./provider-schema";

// Resolved once at import: the env stubs in the providerSchemasDir tests must not move it.
const schemasDir = providerSchemasDir();

/** Expected problem with a message substring, so wording tweaks don't churn every assertion. */
function problem(address: string, path: string, messagePart: string): SchemaProblem {
  return { address, path, message: expect.stringContaining(messagePart) as unknown as string };
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-schema-test-"));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("providerSchemasDir", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("resolves a relative PROVIDER_SCHEMAS_DIR against the repository root, even if missing", () => {
    vi.stubEnv("PROVIDER_SCHEMAS_DIR", "../no-such-folder");
    expect(providerSchemasDir()).toBe(path.resolve(__dirname, "..", "..", "..", "no-such-folder"));
  });

  it("keeps an absolute PROVIDER_SCHEMAS_DIR", () => {
    vi.stubEnv("PROVIDER_SCHEMAS_DIR", "/somewhere/schemas");
    expect(providerSchemasDir()).toBe(path.resolve("/somewhere/schemas"));
  });

  it("falls back to ../shared/provider-schemas next to the repository when unset", () => {
    vi.stubEnv("PROVIDER_SCHEMAS_DIR", "");
    const fallback = path.resolve(__dirname, "..", "..", "..", "shared", "provider-schemas");
    expect(providerSchemasDir()).toBe(fs.existsSync(fallback) ? fallback : undefined);
  });
});

describe("loadProviderSchemas errors", () => {
  it("throws a clear error for a missing folder", () => {
    expect(() => loadProviderSchemas("/no/such/provider-schemas")).toThrow(/provider schemas folder .* cannot be read/);
  });

  it("throws a clear error for a folder without schema files", () => {
    withTempDir((dir) => {
      fs.writeFileSync(path.join(dir, "README.md"), "not a schema");
      expect(() => loadProviderSchemas(dir)).toThrow(/contains no \*\.json schema files/);
    });
  });

  it("throws when a file is not provider-schema output", () => {
    withTempDir((dir) => {
      fs.writeFileSync(path.join(dir, "x.json"), JSON.stringify({ hello: 1 }));
      expect(() => loadProviderSchemas(dir)).toThrow(/no provider_schemas object/);
    });
  });
});

// A wrong or missing folder must show up as a failed test, never as skipped ones.
it("the provider schema folder exists", () => {
  expect(fs.existsSync(schemasDir), `provider schemas expected in ${schemasDir}`).toBe(true);
});

describe("checkTerraformJson against the real provider schemas", () => {
  let schemas: ProviderSchemas;

  beforeAll(() => {
    schemas = loadProviderSchemas(schemasDir);
  });

  const check = (doc: unknown): SchemaProblem[] => checkTerraformJson(doc, schemas);
  const namespace = (body: Record<string, unknown>) => ({ resource: { kubernetes_namespace_v1: { tenant: body } } });
  const release = (body: Record<string, unknown>) => ({ resource: { helm_release: { ingress: body } } });
  const validRelease = {
    name: "ingress-nginx",
    chart: "ingress-nginx",
    repository: "https://charts.internal.gov.vn/ingress-nginx",
    version: "4.12.1",
    namespace: "ingress",
    values: ["controller:\n  replicaCount: 3\n"],
    set: [
      { name: "controller.service.type", value: "ClusterIP" },
      { name: "controller.metrics.enabled", value: "true" },
    ],
  };

  it("loads both providers", () => {
    expect(schemas.resources.has("kubernetes_namespace_v1")).toBe(true);
    expect(schemas.resources.has("helm_release")).toBe(true);
    expect(schemas.dataSources.has("helm_template")).toBe(true);
  });

  it("accepts a valid kubernetes_namespace_v1 with cdktf metadata and meta-arguments", () => {
    const doc = namespace({
      "//": { metadata: { path: "govcloud/tenant", uniqueId: "tenant" } },
      depends_on: ["helm_release.ingress"],
      lifecycle: { prevent_destroy: true },
      provider: "kubernetes.hanoi",
      metadata: [{ name: "tenant-a", labels: { "govcloud.gov.vn/tenant": "a" }, annotations: { owner: "mof" } }],
      wait_for_default_service_account: true,
      timeouts: { delete: "10m" },
    });
    expect(check(doc)).toEqual([]);
  });

  it("accepts a valid kubernetes_network_policy_v1", () => {
    const doc = {
      resource: {
        kubernetes_network_policy_v1: {
          default_deny: {
            metadata: [{ name: "default-deny", namespace: "tenant-a" }],
            spec: [
              {
                pod_selector: [{}],
                policy_types: ["Ingress", "Egress"],
                ingress: [
                  {
                    from: [
                      { namespace_selector: [{ match_labels: { "kubernetes.io/metadata.name": "ingress" } }] },
                      { ip_block: [{ cidr: "10.0.0.0/8", except: ["10.99.0.0/16"] }] },
                    ],
                    ports: [{ port: "443", protocol: "TCP" }],
                  },
                ],
                egress: [
                  {
                    to: [
                      {
                        pod_selector: [
                          { match_expressions: [{ key: "app", operator: "In", values: ["dns", "proxy"] }] },
                        ],
                      },
                    ],
                    ports: [{ port: "53", protocol: "UDP", end_port: 53 }],
                  },
                ],
              },
            ],
          },
        },
      },
    };
    expect(check(doc)).toEqual([]);
  });

  it("accepts a valid helm_release with values and set", () => {
    expect(check(release(validRelease))).toEqual([]);
  });

  it("accepts a block written as one object instead of an array", () => {
    expect(check(namespace({ metadata: { name: "tenant-a" } }))).toEqual([]);
  });

  it("applies Terraform's implicit conversions", () => {
    const doc = release({
      ...validRelease,
      namespace: 42, // number -> string
      timeout: "300", // numeric string -> number
      atomic: "true", // string -> bool
      set: [{ name: "replicas", value: 3 }],
    });
    expect(check(doc)).toEqual([]);
  });

  it("accepts null for optional attributes and flags it for required ones", () => {
    const doc = release({ ...validRelease, repository: null, values: null, chart: null });
    expect(check(doc)).toEqual([problem("helm_release.ingress", "chart", 'required attribute "chart" is null')]);
  });

  it("reports an unknown attribute", () => {
    const doc = namespace({ metadata: [{ name: "tenant-a", label: { a: "b" } }], waitForDefaultServiceAccount: true });
    expect(check(doc)).toEqual([
      problem("kubernetes_namespace_v1.tenant", "metadata[0].label", 'unknown attribute or block "label"'),
      problem("kubernetes_namespace_v1.tenant", "waitForDefaultServiceAccount", 'unknown attribute or block "waitForDefaultServiceAccount"'),
    ]);
  });

  it("reports a missing required metadata block, whether absent, null or empty", () => {
    expect(check(namespace({ wait_for_default_service_account: true }))).toEqual([
      problem("kubernetes_namespace_v1.tenant", "metadata", 'missing required block "metadata"'),
    ]);
    expect(check(namespace({ metadata: null }))).toEqual([
      problem("kubernetes_namespace_v1.tenant", "metadata", 'missing required block "metadata"'),
    ]);
    expect(check(namespace({ metadata: [] }))).toEqual([
      problem("kubernetes_namespace_v1.tenant", "metadata", 'missing required block "metadata"'),
    ]);
  });

  it("reports missing required attributes inside nested blocks", () => {
    const doc = {
      resource: {
        kubernetes_network_policy_v1: {
          p: { metadata: [{ name: "p" }], spec: [{ pod_selector: [{}] }] },
        },
      },
    };
    expect(check(doc)).toEqual([
      problem("kubernetes_network_policy_v1.p", "spec[0].policy_types", 'missing required attribute "policy_types"'),
    ]);
  });

  it("reports computed-only attributes that are set", () => {
    const doc = namespace({ metadata: [{ name: "tenant-a", uid: "1234", generation: 3, resource_version: null }] });
    expect(check(doc)).toEqual([
      problem("kubernetes_namespace_v1.tenant", "metadata[0].uid", 'attribute "uid" is computed-only'),
      problem("kubernetes_namespace_v1.tenant", "metadata[0].generation", 'attribute "generation" is computed-only'),
    ]);
    expect(check(release({ ...validRelease, status: "deployed", metadata: { name: "x" } }))).toEqual([
      problem("helm_release.ingress", "status", 'attribute "status" is computed-only'),
      problem("helm_release.ingress", "metadata", 'attribute "metadata" is computed-only'),
    ]);
  });

  it("reports wrong types, all of them", () => {
    const doc = {
      resource: {
        kubernetes_namespace_v1: {
          tenant: {
            metadata: [{ name: { value: "tenant-a" }, labels: "app=tenant", annotations: { owner: ["mof"] } }],
            wait_for_default_service_account: "yes",
          },
        },
        helm_release: { ingress: { ...validRelease, timeout: "5m", values: "replicaCount: 3", max_history: true } },
      },
    };
    expect(check(doc)).toEqual([
      problem("kubernetes_namespace_v1.tenant", "metadata[0].name", "expected string, got object"),
      problem("kubernetes_namespace_v1.tenant", "metadata[0].labels", 'expected map(string), got string "app=tenant"'),
      problem("kubernetes_namespace_v1.tenant", 'metadata[0].annotations["owner"]', "expected string, got array"),
      problem("kubernetes_namespace_v1.tenant", "wait_for_default_service_account", 'expected bool, got string "yes"'),
      problem("helm_release.ingress", "values", "expected list(string), got string"),
      problem("helm_release.ingress", "timeout", 'expected number, got string "5m"'),
      problem("helm_release.ingress", "max_history", "expected number, got boolean true"),
    ]);
  });

  it("reports too many items in a max_items=1 block", () => {
    const doc = namespace({ metadata: [{ name: "a" }, { name: "b" }] });
    expect(check(doc)).toEqual([
      problem("kubernetes_namespace_v1.tenant", "metadata", 'block "metadata" allows at most 1 item(s), got 2'),
    ]);
  });

  it("reports a single-mode block written as several objects", () => {
    const doc = namespace({ metadata: [{ name: "a" }], timeouts: [{ delete: "1m" }, { delete: "2m" }] });
    expect(check(doc)).toEqual([
      problem("kubernetes_namespace_v1.tenant", "timeouts", 'block "timeouts" allows at most 1 item(s), got 2'),
    ]);
  });

  it("reports unknown resource and data source types", () => {
    const doc = {
      resource: { kubernetes_namespace_v2: { tenant: { metadata: [{ name: "a" }] } } },
      data: { kubernetes_tenant: { current: {} } },
    };
    expect(check(doc)).toEqual([
      problem("kubernetes_namespace_v2.tenant", "", 'unknown resource type "kubernetes_namespace_v2"'),
      problem("data.kubernetes_tenant.current", "", 'unknown data source type "kubernetes_tenant"'),
    ]);
  });

  it("checks data sources, with their own schema", () => {
    const doc = {
      data: {
        kubernetes_namespace_v1: { kube_system: { metadata: [{ name: "kube-system" }], spec: [{ finalizers: [] }] } },
        helm_template: { ingress: { name: "ingress", chart: "ingress-nginx", set: [{ name: "a", value: "b" }] } },
      },
    };
    expect(check(doc)).toEqual([
      problem("data.kubernetes_namespace_v1.kube_system", "spec", 'attribute "spec" is computed-only'),
    ]);
  });

  it("reports unknown keys and missing required attributes in helm nested attributes", () => {
    const doc = release({
      ...validRelease,
      set: [{ name: "a", value: "b", typo: "x" }, { value: "no name" }],
      set_sensitive: [{ name: "password", value: "${var.password}", sensitive: true }],
      postrender: { binary_path: "/usr/bin/kustomize", arg: ["build"] },
    });
    expect(check(doc)).toEqual([
      problem("helm_release.ingress", "set[0].typo", 'unknown attribute "typo"'),
      problem("helm_release.ingress", "set[1].name", 'missing required attribute "name"'),
      problem("helm_release.ingress", "set_sensitive[0].sensitive", 'unknown attribute "sensitive"'),
      problem("helm_release.ingress", "postrender.arg", 'unknown attribute "arg"'),
    ]);
  });

  it("requires nested list attributes to be arrays, not a single object", () => {
    const doc = release({ ...validRelease, set: { name: "a", value: "b" } });
    expect(check(doc)).toEqual([problem("helm_release.ingress", "set", "expected a list of objects, got object")]);
  });

  it("treats ${...} strings as values of any type, without descending", () => {
    const doc = {
      resource: {
        kubernetes_namespace_v1: {
          whole_block: { metadata: "${local.metadata}" },
          block_item: { metadata: ["${local.metadata}"] },
          attributes: {
            metadata: [{ name: "${var.name}", labels: "${local.labels}", annotations: { owner: "${var.owner}" } }],
            wait_for_default_service_account: "${var.wait}",
          },
        },
        helm_release: {
          ingress: { ...validRelease, values: "${local.values}", set: "${local.sets}", timeout: "${var.timeout}" },
          items: { ...validRelease, set: ["${local.first_set}", { name: "b", value: "${tostring(var.b)}" }] },
        },
      },
    };
    expect(check(doc)).toEqual([]);
  });

  it("checks dynamic blocks from cdktf iterators and does not count them", () => {
    const doc = {
      resource: {
        kubernetes_network_policy_v1: {
          p: {
            metadata: [{ name: "p" }],
            spec: [
              {
                pod_selector: [{}],
                policy_types: ["Ingress"],
                dynamic: {
                  ingress: { for_each: "${var.rules}", iterator: "each", content: { ports: [{ port: "${each.value}", proto: "TCP" }] } },
                  egres: { for_each: "${var.rules}", content: {} },
                },
              },
            ],
          },
        },
      },
    };
    expect(check(doc)).toEqual([
      problem("kubernetes_network_policy_v1.p", "spec[0].dynamic.ingress.content.ports[0].proto", 'unknown attribute or block "proto"'),
      problem("kubernetes_network_policy_v1.p", "spec[0].dynamic.egres", 'dynamic block "egres" is not a block type'),
    ]);
  });

  it("checks every stack of a synth output folder and prefixes the stack name", () => {
    withTempDir((outdir) => {
      const stacks = {
        hanoi: namespace({ metadata: [{ name: "a", uid: "x" }] }),
        "da-nang": release(validRelease),
      };
      const manifest: Record<string, unknown> = { version: "0.21.0", stacks: {} };
      for (const [name, doc] of Object.entries(stacks)) {
        const rel = path.join("stacks", name, "cdk.tf.json");
        fs.mkdirSync(path.join(outdir, "stacks", name), { recursive: true });
        fs.writeFileSync(path.join(outdir, rel), JSON.stringify(doc));
        (manifest.stacks as Record<string, unknown>)[name] = { name, synthesizedStackPath: rel, workingDirectory: path.join("stacks", name) };
      }
      fs.writeFileSync(path.join(outdir, "manifest.json"), JSON.stringify(manifest));
      expect(checkSynthOutput(outdir, schemas)).toEqual([
        problem("hanoi/kubernetes_namespace_v1.tenant", "metadata[0].uid", "computed-only"),
      ]);
    });
  });
});

// The real schemas have no map-mode blocks, object attributes written by users, or nested maps.
describe("checkTerraformJson on shapes the real schemas lack", () => {
  const block: Block = {
    attributes: {
      selector: { optional: true, type: ["object", { app: "string", tier: "string" }] },
      pair: { optional: true, type: ["tuple", ["string", "number"]] },
      routes: {
        optional: true,
        nested_type: { nesting_mode: "map", attributes: { target: { required: true, type: "string" } } },
      },
      limited: {
        optional: true,
        nested_type: { nesting_mode: "list", max_items: 1, attributes: { a: { optional: true, type: "string" } } },
      },
    },
    block_types: {
      listener: {
        nesting_mode: "map",
        max_items: 2,
        block: { attributes: { port: { required: true, type: "number" } } },
      },
    },
  };
  const schemas: ProviderSchemas = { resources: new Map([["test_thing", block]]), dataSources: new Map() };
  const check = (body: Record<string, unknown>) => checkTerraformJson({ resource: { test_thing: { t: body } } }, schemas);

  it("accepts valid values", () => {
    expect(
      check({
        selector: { app: "web" },
        pair: ["a", 1],
        routes: { "/": { target: "web" } },
        listener: { http: { port: 80 }, https: [{ port: "443" }] },
      }),
    ).toEqual([]);
  });

  it("flags unknown object keys and wrong types, but not missing object keys", () => {
    expect(check({ selector: { app: 1, zone: "a" }, pair: ["a", "b"] })).toEqual([
      problem("test_thing.t", "selector.zone", 'unknown object attribute "zone"'),
      problem("test_thing.t", "pair[1]", 'expected number, got string "b"'),
    ]);
  });

  it("checks map-mode blocks and nested map attributes per label", () => {
    expect(
      check({
        routes: { "/": {} },
        listener: { http: { port: "eighty" }, https: [{ port: 443 }, { port: 8443 }], admin: { port: 9000 } },
        limited: [{ a: "x" }, { a: "y" }],
      }),
    ).toEqual([
      problem("test_thing.t", 'routes["/"].target', 'missing required attribute "target"'),
      problem("test_thing.t", 'listener["http"].port', 'expected number, got string "eighty"'),
      problem("test_thing.t", 'listener["https"]', 'duplicate block label "https"'),
      problem("test_thing.t", "listener", 'block "listener" allows at most 2 item(s), got 4'),
      problem("test_thing.t", "limited", "list attribute allows at most 1 item(s), got 2"),
    ]);
  });

  it("does not treat prototype members as schema names", () => {
    expect(check({ constructor: "x", toString: "y" })).toEqual([
      problem("test_thing.t", "constructor", 'unknown attribute or block "constructor"'),
      problem("test_thing.t", "toString", 'unknown attribute or block "toString"'),
    ]);
  });

  it("reports a document that is not an object", () => {
    expect(checkTerraformJson([], schemas)).toEqual([problem("", "", "document must be a JSON object")]);
  });
});
