/**
 * Validates Kubernetes custom resources (the objects govcloud creates through the kubernetes
 * provider's `kubernetes_manifest`) against the real CustomResourceDefinitions in a folder
 * (`/work/shared/crds`, see its README), the way the API server and Terraform would see them.
 *
 * - `apiVersion` + `kind` pick the CRD and the version; the version must be served.
 * - `metadata` is checked minimally (name required and a DNS-1123 subdomain, namespace a DNS-1123
 *   label, labels/annotations string maps, no unknown ObjectMeta fields).
 * - Everything else is checked with ajv against the version's `openAPIV3Schema`, transformed so that:
 *   - every object schema with `properties` but neither `additionalProperties` nor
 *     `x-kubernetes-preserve-unknown-fields` rejects unknown fields (kubernetes_manifest rejects
 *     attributes missing from the schema, the API server would silently prune them);
 *   - `x-kubernetes-int-or-string: true` means integer or string;
 *   - `x-kubernetes-embedded-resource: true` allows (and requires) apiVersion/kind, allows metadata;
 *   - a `required` property that has a schema `default` is not required (the API server defaults
 *     before it validates);
 *   - `x-kubernetes-validations` (CEL), list-type/map-type markers are ignored.
 *
 * CRD files are parsed lazily (files named `<group>_*.yaml` first) and each (group/version, kind)
 * schema is compiled on first use; both are cached per folder for the life of the process.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";

export interface ManifestProblem {
  /** Dotted path to the offending field, e.g. `spec.controlPlaneRef.kind`, `spec.template.spec.ports[0].network`; `""` is the object itself. */
  path: string;
  message: string;
}

export interface CrdVersionInfo {
  group: string;
  version: string;
  kind: string;
  plural: string;
  scope: "Namespaced" | "Cluster";
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  /** The CRD file the version was read from. */
  file: string;
}

export interface CrdValidators {
  /** Whether the folder has a CRD for this apiVersion (`group/version`) and kind, with that version served. */
  has(apiVersion: string, kind: string): boolean;
  /** Problems of the object against its CRD; `[]` when it is valid. */
  validate(obj: unknown): ManifestProblem[];
  /** Facts about a version of a CRD (served, storage, deprecated, ...), or undefined when there is no such CRD version. */
  versionInfo(apiVersion: string, kind: string): CrdVersionInfo | undefined;
}

/**
 * The CRD folder for tests: `CRDS_DIR` resolved to an absolute path, else `<repo root>/../shared/crds`.
 * Always a path: a missing folder must fail the tests, never skip them.
 */
export function crdsDir(): string {
  const fromEnv = process.env.CRDS_DIR;
  if (fromEnv !== undefined && fromEnv.trim() !== "") return path.resolve(fromEnv);
  return path.resolve(__dirname, "..", "..", "..", "shared", "crds");
}

const registries = new Map<string, CrdRegistry>();

/**
 * Validators for the CRDs in `dir` (`*.yaml` / `*.yml` / `*.json` files holding
 * `apiextensions.k8s.io/v1` CustomResourceDefinitions). Throws if the folder is missing or holds
 * no CRD file. Instances are cached per folder.
 */
export function loadCrdValidators(dir: string): CrdValidators {
  const abs = path.resolve(dir);
  let registry = registries.get(abs);
  if (!registry) {
    registry = new CrdRegistry(abs);
    registries.set(abs, registry);
  }
  const r = registry;
  return {
    has: (apiVersion, kind) => r.lookup(apiVersion, kind)?.info.served === true,
    validate: (obj) => r.validate(obj),
    versionInfo: (apiVersion, kind) => {
      const entry = r.lookup(apiVersion, kind);
      return entry ? { ...entry.info } : undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

interface Entry {
  info: CrdVersionInfo;
  rawSchema: Json;
  validator?: ValidateFunction;
}

function isObject(x: unknown): x is Json {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf("/");
  return i < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

const key = (group: string, version: string, kind: string): string => `${group}/${version}|${kind}`;

class CrdRegistry {
  private readonly files: string[];
  private readonly parsed = new Set<string>();
  private readonly entries = new Map<string, Entry>();
  private readonly ajv: Ajv;
  private readonly knownFormats = new Set<string>();

  constructor(dir: string) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new Error(`CRD folder ${dir} does not exist or is not a directory`);
    }
    this.files = fs
      .readdirSync(dir)
      .filter((f) => /\.(ya?ml|json)$/i.test(f))
      .sort()
      .map((f) => path.join(dir, f));
    if (this.files.length === 0) throw new Error(`CRD folder ${dir} holds no .yaml/.yml/.json files`);
    this.ajv = new Ajv({
      strict: false,
      allErrors: true,
      // The CRDs were validated by the API server already; skipping the meta-schema check of these
      // very large schemas makes compiling noticeably faster.
      validateSchema: false,
      addUsedSchema: false,
      useDefaults: false,
      coerceTypes: false,
      messages: true,
    });
    registerFormats(this.ajv, this.knownFormats);
  }

  lookup(apiVersion: string, kind: string): Entry | undefined {
    if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
    const { group, version } = splitApiVersion(apiVersion);
    if (group === "") return undefined; // core API: not a CRD
    const k = key(group, version, kind);
    const hit = this.entries.get(k);
    if (hit) return hit;
    // controller-gen names CRD files `<group>_<plural>.yaml`: try those first, then everything else.
    const prefix = `${group}_`;
    for (const f of this.files) {
      if (path.basename(f).startsWith(prefix)) this.parseFile(f);
    }
    if (this.entries.has(k)) return this.entries.get(k);
    for (const f of this.files) this.parseFile(f);
    return this.entries.get(k);
  }

  validate(obj: unknown): ManifestProblem[] {
    if (!isObject(obj)) return [{ path: "", message: "must be an object" }];
    const { apiVersion, kind } = obj;
    const entry =
      typeof apiVersion === "string" && typeof kind === "string" ? this.lookup(apiVersion, kind) : undefined;
    if (!entry || !entry.info.served) {
      return [{ path: "", message: `no CRD for ${String(apiVersion)} ${String(kind)}` }];
    }
    const problems = validateMetadata(obj.metadata, entry.info.scope);
    const validator = this.compiled(entry);
    if (!validator(obj)) problems.push(...convertErrors(validator.errors ?? [], obj));
    return dedupe(problems);
  }

  private compiled(entry: Entry): ValidateFunction {
    if (!entry.validator) {
      const schema = transformSchema(entry.rawSchema, { root: true, formats: this.knownFormats, ajv: this.ajv });
      try {
        entry.validator = this.ajv.compile(schema);
      } catch (e) {
        const { group, version, kind, file } = entry.info;
        throw new Error(`cannot compile the schema of ${group}/${version} ${kind} (${file}): ${(e as Error).message}`);
      }
    }
    return entry.validator;
  }

  private parseFile(file: string): void {
    if (this.parsed.has(file)) return;
    this.parsed.add(file);
    const text = fs.readFileSync(file, "utf8");
    const docs = parseAllDocuments(text);
    const list = Array.isArray(docs) ? docs : [docs];
    for (const doc of list) {
      if (doc.errors.length > 0) throw new Error(`cannot parse ${file}: ${doc.errors[0]?.message}`);
      const crd: unknown = doc.toJS({ maxAliasCount: -1 });
      if (!isObject(crd) || crd.kind !== "CustomResourceDefinition" || crd.apiVersion !== "apiextensions.k8s.io/v1") continue;
      const spec = crd.spec;
      if (!isObject(spec) || typeof spec.group !== "string" || !isObject(spec.names) || !Array.isArray(spec.versions)) continue;
      const kind = spec.names.kind;
      if (typeof kind !== "string") continue;
      const plural = typeof spec.names.plural === "string" ? spec.names.plural : "";
      const scope = spec.scope === "Cluster" ? "Cluster" : "Namespaced";
      for (const v of spec.versions) {
        if (!isObject(v) || typeof v.name !== "string") continue;
        const schema = isObject(v.schema) && isObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : {};
        this.entries.set(key(spec.group, v.name, kind), {
          info: {
            group: spec.group,
            version: v.name,
            kind,
            plural,
            scope,
            served: v.served === true,
            storage: v.storage === true,
            deprecated: v.deprecated === true,
            file,
          },
          rawSchema: schema,
        });
      }
    }
  }
}

// --- schema transformation --------------------------------------------------------------------

interface TransformContext {
  root: boolean;
  formats: Set<string>;
  ajv: Ajv;
}

/** Keywords dropped from the copy: documentation and Kubernetes-only markers ajv has no use for. */
const DROPPED = new Set([
  "description",
  "example",
  "externalDocs",
  "default",
  "x-kubernetes-validations",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-int-or-string",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
]);

/** Deep copy of a CRD structural schema, made strict and ajv-friendly (see the module comment). */
function transformSchema(s: Json, ctx: TransformContext): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (DROPPED.has(k)) continue;
    if (k === "properties" && isObject(v)) {
      const props: Json = {};
      for (const [name, sub] of Object.entries(v)) {
        props[name] = isObject(sub) ? transformSchema(sub, { ...ctx, root: false }) : sub;
      }
      out.properties = props;
    } else if ((k === "items" || k === "additionalProperties" || k === "not") && isObject(v)) {
      out[k] = transformSchema(v, { ...ctx, root: false });
    } else if (k === "items" && Array.isArray(v)) {
      out.items = v.map((x) => (isObject(x) ? transformSchema(x, { ...ctx, root: false }) : x));
    } else if ((k === "allOf" || k === "anyOf" || k === "oneOf") && Array.isArray(v)) {
      out[k] = v.map((x) => (isObject(x) ? transformSchema(x, { ...ctx, root: false }) : x));
    } else if (k === "required" && Array.isArray(v)) {
      out.required = [...v];
    } else {
      out[k] = v;
    }
  }

  if (typeof out.pattern === "string") out.pattern = goPattern(out.pattern);

  if (typeof out.format === "string" && !ctx.formats.has(out.format)) {
    // The API server ignores formats it does not know; so do we.
    ctx.ajv.addFormat(out.format, true);
    ctx.formats.add(out.format);
  }

  if (s["x-kubernetes-int-or-string"] === true) {
    // Generated as `anyOf: [{type: integer}, {type: string}]`; a plain type union gives one clear
    // error ("must be integer or string") instead of three.
    const simple =
      Array.isArray(out.anyOf) &&
      out.anyOf.every((b) => isObject(b) && Object.keys(b).length === 1 && (b.type === "integer" || b.type === "string"));
    if (simple || out.anyOf === undefined) {
      delete out.anyOf;
      out.type = ["integer", "string"];
    }
  }

  if (s["x-kubernetes-embedded-resource"] === true) {
    const props = isObject(out.properties) ? out.properties : {};
    out.properties = { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, ...props };
    const req = Array.isArray(out.required) ? (out.required as unknown[]) : [];
    out.required = [...new Set([...req, "apiVersion", "kind"])];
  }

  if (ctx.root && isObject(out.properties)) {
    // metadata is checked by validateMetadata (the CRD says only `type: object`).
    out.properties = { ...out.properties, metadata: {} };
  }

  // A required field with a default is defaulted by the API server before validation.
  if (Array.isArray(out.required) && isObject(s.properties)) {
    const props = s.properties;
    out.required = (out.required as unknown[]).filter((name) => {
      const p = typeof name === "string" ? props[name] : undefined;
      return !(isObject(p) && p.default !== undefined);
    });
    if ((out.required as unknown[]).length === 0) delete out.required;
  }

  // kubernetes_manifest rejects attributes the schema does not know: close the objects.
  if (
    isObject(out.properties) &&
    s.additionalProperties === undefined &&
    s["x-kubernetes-preserve-unknown-fields"] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

/**
 * A Go (RE2) pattern as a JavaScript one. The API server compiles patterns with Go's regexp,
 * which has inline flags that JavaScript lacks: a leading `(?i)` (the PrometheusRule CRD's
 * `^(?i)(abort|warn)?$`) becomes case-insensitive letter classes.
 */
export function goPattern(pattern: string): string {
  const flag = /^(\^?)\(\?i\)/.exec(pattern);
  if (flag === null) return pattern;
  const rest = pattern.slice(flag[0].length);
  let out = "";
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (c === "\\") {
      out += c + (rest[i + 1] ?? "");
      i++;
    } else if (c === "[") {
      inClass = true;
      out += c;
    } else if (c === "]") {
      inClass = false;
      out += c;
    } else if (/[a-z]/i.test(c)) {
      const both = `${c.toLowerCase()}${c.toUpperCase()}`;
      out += inClass ? both : `[${both}]`;
    } else {
      out += c;
    }
  }
  return `${flag[1]}${out}`;
}

// --- formats ----------------------------------------------------------------------------------

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function registerFormats(ajv: Ajv, known: Set<string>): void {
  const add = (name: string, def: Parameters<Ajv["addFormat"]>[1]): void => {
    ajv.addFormat(name, def);
    known.add(name);
  };
  add("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX });
  add("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  add("float", { type: "number", validate: (n: number) => Number.isFinite(n) });
  add("double", { type: "number", validate: (n: number) => Number.isFinite(n) });
  const re = (name: string, r: RegExp): void => add(name, { type: "string", validate: (x: string) => r.test(x) });
  re("date-time", /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
  re("datetime", /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);
  re("date", /^\d{4}-\d{2}-\d{2}$/);
  re("duration", /^[-+]?(\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h|d|w))+$/);
  re("byte", /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  re("uuid", /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/);
  re("uuid3", /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-3[0-9a-fA-F]{3}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/);
  re("uuid4", /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/);
  re("uuid5", /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-5[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/);
  const ipv4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
  const ipv6 = /^(?=.*:)[0-9A-Fa-f:.]{2,45}$/;
  re("ipv4", ipv4);
  re("ipv6", ipv6);
  add("cidr", {
    type: "string",
    validate: (x: string) => {
      const m = /^(.+)\/(\d{1,3})$/.exec(x);
      if (!m) return false;
      const bits = Number(m[2]);
      return (ipv4.test(m[1] ?? "") && bits <= 32) || (ipv6.test(m[1] ?? "") && bits <= 128);
    },
  });
  re("mac", /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/);
  re("hostname", /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/);
  re("uri", /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/);
  re("email", /^[^\s@]+@[^\s@]+$/);
  re("password", /^/);
  re("bsonobjectid", /^[0-9a-fA-F]{24}$/);
  re("hexcolor", /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/);
}

// --- metadata ---------------------------------------------------------------------------------

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const OBJECT_META_FIELDS = new Set([
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
]);

function qualifiedNameProblem(k: string): string | undefined {
  const parts = k.split("/");
  if (parts.length > 2) return "must be a qualified name ([prefix/]name)";
  const name = parts[parts.length - 1] ?? "";
  if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    if (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix)) {
      return "prefix must be a DNS-1123 subdomain";
    }
  }
  if (name.length === 0 || name.length > 63 || !LABEL_NAME.test(name)) {
    return "name part must be at most 63 alphanumeric characters, '-', '_' or '.', starting and ending alphanumeric";
  }
  return undefined;
}

function validateMetadata(meta: unknown, scope: "Namespaced" | "Cluster"): ManifestProblem[] {
  if (meta === undefined) return [{ path: "metadata", message: "missing required field 'metadata'" }];
  if (!isObject(meta)) return [{ path: "metadata", message: "must be object" }];
  const problems: ManifestProblem[] = [];
  for (const k of Object.keys(meta)) {
    if (!OBJECT_META_FIELDS.has(k)) problems.push({ path: joinPath("metadata", k), message: `unknown field '${k}'` });
  }
  const { name, namespace } = meta;
  if (name === undefined) {
    problems.push({ path: "metadata.name", message: "missing required field 'name'" });
  } else if (typeof name !== "string") {
    problems.push({ path: "metadata.name", message: "must be string" });
  } else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    problems.push({
      path: "metadata.name",
      message: `'${name}' must be a DNS-1123 subdomain (at most 253 lower-case alphanumeric characters, '-' or '.', starting and ending alphanumeric)`,
    });
  }
  if (namespace !== undefined) {
    if (typeof namespace !== "string") {
      problems.push({ path: "metadata.namespace", message: "must be string" });
    } else if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
      problems.push({
        path: "metadata.namespace",
        message: `'${namespace}' must be a DNS-1123 label (at most 63 lower-case alphanumeric characters or '-', starting and ending alphanumeric)`,
      });
    } else if (scope === "Cluster") {
      problems.push({ path: "metadata.namespace", message: "must not be set on a cluster-scoped resource" });
    }
  }
  for (const field of ["labels", "annotations"] as const) {
    const m = meta[field];
    if (m === undefined) continue;
    const base = `metadata.${field}`;
    if (!isObject(m)) {
      problems.push({ path: base, message: "must be object" });
      continue;
    }
    for (const [k, v] of Object.entries(m)) {
      const p = joinPath(base, k);
      const keyProblem = qualifiedNameProblem(k);
      if (keyProblem) problems.push({ path: p, message: `key '${k}' ${keyProblem}` });
      if (typeof v !== "string") {
        problems.push({ path: p, message: "must be string" });
      } else if (field === "labels" && (v.length > 63 || !LABEL_VALUE.test(v))) {
        problems.push({
          path: p,
          message: `label value '${v}' must be at most 63 alphanumeric characters, '-', '_' or '.', starting and ending alphanumeric`,
        });
      }
    }
  }
  return problems;
}

// --- ajv errors -> problems -------------------------------------------------------------------

function joinPath(base: string, k: string | number, isIndex = false): string {
  if (isIndex) return `${base}[${k}]`;
  const s = String(k);
  const seg = /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(s) ? s : `[${JSON.stringify(s)}]`;
  if (base === "") return seg;
  return seg.startsWith("[") ? `${base}${seg}` : `${base}.${seg}`;
}

/** JSON pointer (ajv instancePath) -> dotted path, using the data to tell array indexes from keys. */
function dottedPath(pointer: string, data: unknown): string {
  if (pointer === "") return "";
  const tokens = pointer
    .split("/")
    .slice(1)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  let out = "";
  let cur: unknown = data;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      out = joinPath(out, t, true);
      cur = cur[Number(t)];
    } else {
      out = joinPath(out, t);
      cur = isObject(cur) ? cur[t] : undefined;
    }
  }
  return out;
}

function describeValue(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

function convertErrors(errors: ErrorObject[], data: unknown): ManifestProblem[] {
  // For failed anyOf/oneOf, report the combinator once rather than every failed branch.
  const combinators = errors
    .filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")
    .map((e) => `${e.schemaPath}/`);
  const problems: ManifestProblem[] = [];
  for (const e of errors) {
    if (combinators.some((c) => e.schemaPath.startsWith(c))) continue;
    const at = dottedPath(e.instancePath, data);
    const p = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case "additionalProperties": {
        const name = String(p.additionalProperty);
        problems.push({ path: joinPath(at, name), message: `unknown field '${name}'` });
        break;
      }
      case "required": {
        const name = String(p.missingProperty);
        problems.push({ path: joinPath(at, name), message: `missing required field '${name}'` });
        break;
      }
      case "type": {
        const t = Array.isArray(p.type) ? p.type : String(p.type).split(",");
        problems.push({ path: at, message: `must be ${t.join(" or ")}` });
        break;
      }
      case "enum": {
        const allowed = Array.isArray(p.allowedValues) ? p.allowedValues : [];
        problems.push({ path: at, message: `must be one of: ${allowed.map(describeValue).join(", ")}` });
        break;
      }
      case "format":
        problems.push({ path: at, message: `must be a valid ${String(p.format)}` });
        break;
      case "pattern":
        problems.push({ path: at, message: `must match pattern ${String(p.pattern)}` });
        break;
      case "minLength":
        problems.push({ path: at, message: `must be at least ${String(p.limit)} characters long` });
        break;
      case "maxLength":
        problems.push({ path: at, message: `must be at most ${String(p.limit)} characters long` });
        break;
      case "minItems":
        problems.push({ path: at, message: `must have at least ${String(p.limit)} items` });
        break;
      case "maxItems":
        problems.push({ path: at, message: `must have at most ${String(p.limit)} items` });
        break;
      case "minProperties":
        problems.push({ path: at, message: `must have at least ${String(p.limit)} fields` });
        break;
      case "maxProperties":
        problems.push({ path: at, message: `must have at most ${String(p.limit)} fields` });
        break;
      case "minimum":
      case "maximum":
      case "exclusiveMinimum":
      case "exclusiveMaximum":
        problems.push({ path: at, message: `must be ${String(p.comparison)} ${String(p.limit)}` });
        break;
      default:
        problems.push({ path: at, message: e.message ?? `fails ${e.keyword}` });
    }
  }
  return problems;
}

function dedupe(problems: ManifestProblem[]): ManifestProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.path}\u0000${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
