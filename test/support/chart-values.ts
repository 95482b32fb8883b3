/**
 * Helm values against the charts' own defaults in `../shared/charts` (its README lists each chart,
 * version and source commit): which values paths a chart does not have, and which images a
 * release would pull.
 *
 * A values path is **known** to a chart when
 * - it exists in the chart's values.yaml (the defaults), or
 * - it lies below a key whose default is an empty map `{}` or `null` (a free-form map the chart
 *   renders as it is: `labels: {}`, `nodeSelector: {}`, `resources: {}`), or below a map whose
 *   every default key holds a `/` (a map of Kubernetes label keys: `nodeSelector:
 *   {kubernetes.io/os: linux}`, whose keys are data, not settings), or
 * - it is a field of a Kubernetes object that the chart renders as it is, by key name: below
 *   `securityContext`, `containerSecurityContext` or `podSecurityContext`, a top-level field of
 *   the Kubernetes SecurityContext or PodSecurityContext (field names read from the
 *   kubernetes-models package's type definitions); below `resources`, `limits` or `requests`
 *   with a resource name (`cpu`, `memory`, `ephemeral-storage`), or
 * - it is **documented**: below the deepest part of the path that the defaults have (its
 *   "parent block": the parent key's line and every following line indented deeper, up to the
 *   next key at the same or a lower indentation), each remaining key of the path appears, in order,
 *   as a commented-out key: a comment line `# <key>:` (one or more `#`, any text after the
 *   colon), indented deeper than the parent key; a commented-out `# <key>: {}` documents
 *   everything below it. The root's block is the whole file.
 * A path under the key of a subchart (kube-prometheus-stack's `grafana`, ...) is checked against
 * that subchart's folder, whose defaults the parent's values.yaml overrides.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

type Json = Record<string, unknown>;

/** `../shared/charts`: always a path; a missing folder fails the tests, never skips them. */
export const CHARTS_DIR = path.resolve(__dirname, "..", "..", "..", "shared", "charts");

export interface Chart {
  readonly name: string;
  readonly version: string;
  readonly appVersion: string;
  readonly folder: string;
  readonly defaults: Json;
  /** values.yaml, line by line. */
  readonly lines: readonly string[];
  /** Subcharts by the key their values go under (their name or alias). */
  readonly subcharts: ReadonlyMap<string, Chart>;
}

const charts = new Map<string, Chart>();

/** Field names of a kubernetes-models type, from its type definitions. */
function kubernetesFields(type: string): Set<string> {
  const file = require.resolve(`kubernetes-models/v1/${type}`).replace(/\.js$/, ".d.ts");
  return new Set([...fs.readFileSync(file, "utf8").matchAll(/^\s*"([A-Za-z]+)"\?:/gm)].map((m) => m[1]!));
}

const SECURITY_CONTEXT_KEYS = new Set(["securityContext", "containerSecurityContext", "podSecurityContext"]);
let securityContextFields: Set<string> | undefined;

/** Whether `tail` (keys below `key`) are fields of the Kubernetes object a key of that name renders. */
function kubernetesObjectField(key: string, tail: readonly string[]): boolean {
  if (SECURITY_CONTEXT_KEYS.has(key)) {
    securityContextFields ??= new Set([...kubernetesFields("SecurityContext"), ...kubernetesFields("PodSecurityContext")]);
    return tail.length >= 1 && securityContextFields.has(tail[0]!);
  }
  if (key === "resources") {
    return tail.length === 2 && (tail[0] === "limits" || tail[0] === "requests") && ["cpu", "memory", "ephemeral-storage"].includes(tail[1]!);
  }
  return false;
}

/** The chart folder `<name>-<version>` (versions exactly as the release pins them). */
export function loadChart(name: string, version: string): Chart {
  return loadFolder(path.join(CHARTS_DIR, `${name}-${version}`));
}

function loadFolder(folder: string): Chart {
  const known = charts.get(folder);
  if (known !== undefined) return known;
  if (!fs.existsSync(path.join(folder, "values.yaml"))) throw new Error(`no chart defaults at ${folder} (see ../shared/charts/README.md)`);
  const meta = YAML.parse(fs.readFileSync(path.join(folder, "Chart.yaml"), "utf8")) as {
    name: string;
    version: string;
    appVersion?: string;
    dependencies?: { name: string; version: string; alias?: string }[];
  };
  const text = fs.readFileSync(path.join(folder, "values.yaml"), "utf8");
  const subcharts = new Map<string, Chart>();
  for (const dep of meta.dependencies ?? []) {
    // Only a subchart of the version the parent asks for (`5.33.*` is a wildcard); local subcharts
    // (kyverno's grafana, crds) are not in ../shared/charts and stay part of the parent.
    const wanted = new RegExp(`^${dep.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-${String(dep.version).replace(/\./g, "\\.").replace(/\*/g, "[0-9]+")}$`);
    const candidates = fs.readdirSync(CHARTS_DIR).filter((f) => wanted.test(f));
    if (candidates.length === 1) subcharts.set(dep.alias ?? dep.name, loadFolder(path.join(CHARTS_DIR, candidates[0]!)));
  }
  const chart: Chart = {
    name: meta.name,
    version: meta.version,
    appVersion: String(meta.appVersion ?? ""),
    folder,
    defaults: (YAML.parse(text) ?? {}) as Json,
    lines: text.split("\n"),
    subcharts,
  };
  charts.set(folder, chart);
  return chart;
}

export function isMap(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Every values path of `values` that `chart` does not know (see the module comment), as dotted paths. */
export function unknownPaths(chart: Chart, values: Json): string[] {
  const unknown: string[] = [];
  walk(chart, values, chart.defaults, [], unknown, "");
  return unknown;
}

function walk(chart: Chart, ours: Json, defaults: unknown, at: string[], unknown: string[], prefix: string): void {
  for (const [key, value] of Object.entries(ours)) {
    const here = [...at, key];
    const subchart = at.length === 0 ? chart.subcharts.get(key) : undefined;
    if (subchart !== undefined && isMap(value)) {
      // The parent's values.yaml may set the subchart's values too: they override its defaults.
      const merged = mergeDefaults(subchart.defaults, chart.defaults[key]);
      walk(subchart, value, merged, [], unknown, `${prefix}${key}.`);
      continue;
    }
    if (isMap(defaults) && Object.hasOwn(defaults, key)) {
      const d = defaults[key];
      const labelMap = isMap(d) && Object.keys(d).every((k) => k.includes("/"));
      if (isMap(value) && isMap(d) && Object.keys(d).length > 0 && !labelMap) walk(chart, value, d, here, unknown, prefix);
      continue; // a scalar, a list (lists replace), or below a free-form `{}` / `null` / label map
    }
    const parentKey = at[at.length - 1];
    for (const tail of leafPaths(key, value)) {
      if (parentKey !== undefined && kubernetesObjectField(parentKey, tail)) continue;
      if (at.length >= 2 && kubernetesObjectField(at[at.length - 2]!, [parentKey!, ...tail])) continue;
      if (!documented(chart, at, [tail])) unknown.push(`${prefix}${[...at, ...tail].join(".")}`);
    }
  }
}

/** The key and, for a map, every path below it, each as a list of keys from `key`. */
function leafPaths(key: string, value: unknown): string[][] {
  if (!isMap(value) || Object.keys(value).length === 0) return [[key]];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(k, v).map((p) => [key, ...p]));
}

const COMMENTED_KEY = /^(\s*)#+\s*([A-Za-z0-9_./-]+|"[^"]+"|'[^']+'):(\s|$)/;

/** Whether every path of `tails` is spelled out, in order, by commented-out keys in the block of `parent`. */
function documented(chart: Chart, parent: readonly string[], tails: readonly string[][]): boolean {
  const block = blockOf(chart.lines, parent);
  if (block === undefined) return false;
  return tails.every((tail) => {
    let from = block.start;
    for (const key of tail) {
      let found = -1;
      for (let i = from; i < block.end; i++) {
        const m = COMMENTED_KEY.exec(chart.lines[i]!);
        if (m !== null && m[1]!.length > block.indent && m[2]!.replace(/^["']|["']$/g, "") === key) {
          found = i;
          break;
        }
      }
      if (found < 0) return false;
      // A commented-out free-form map (`# podLabels: {}`) documents whatever goes below it.
      if (/:\s*\{\}\s*$/.test(chart.lines[found]!)) return true;
      from = found + 1;
    }
    return true;
  });
}

/** The lines [start, end) of the block of the key at `keys` in a values file, and its indentation (-1 for the root). */
function blockOf(lines: readonly string[], keys: readonly string[]): { start: number; end: number; indent: number } | undefined {
  let start = 0;
  let end = lines.length;
  let indent = -1;
  for (const key of keys) {
    let found = -1;
    let childIndent = -1;
    for (let i = start; i < end; i++) {
      const m = /^(\s*)([^\s#][^:]*?):(\s|$)/.exec(lines[i]!);
      if (m === null || m[1]!.length <= indent) continue;
      if (childIndent < 0) childIndent = m[1]!.length;
      if (m[1]!.length === childIndent && m[2]!.replace(/^["']|["']$/g, "") === key) {
        found = i;
        break;
      }
    }
    if (found < 0) return undefined;
    indent = childIndent;
    start = found + 1;
    end = lines.length;
    for (let i = start; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === "" || /^\s*#/.test(line)) continue;
      if (line.length - line.trimStart().length <= indent) {
        end = i;
        break;
      }
    }
  }
  return { start, end, indent };
}

/** `over` deep-merged onto `base` (maps merge, everything else replaces). */
function mergeDefaults(base: Json, over: unknown): Json {
  if (!isMap(over)) return base;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isMap(v) && isMap(out[k]) ? mergeDefaults(out[k] as Json, v) : v;
  return out;
}

/** One image a release would pull: where in the values, and the reference the chart builds. */
export interface ImageReference {
  /** Dotted values path of the image (subchart paths under their key). */
  readonly path: string;
  /** Registry host, `undefined` when the reference names none (Docker Hub). */
  readonly registry: string | undefined;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/**
 * How each chart's templates build an image reference from its values (their `_helpers.tpl`
 * at the commits of ../shared/charts/README.md):
 * - `global`: the chart-wide registry value, and whether it wins over an image's own `registry`
 *   (kube-prometheus-stack and its subcharts: `global.imageRegistry` wins; ingress-nginx and
 *   kyverno: the image's own `registry` wins, `global.image.registry` is the fallback);
 * - `appVersionTag`: an empty tag means the chart's appVersion (cert-manager, kyverno,
 *   kube-prometheus-stack and its subcharts, ingress-nginx); otherwise an empty tag is not a pin
 *   (velero's kubectl image then takes the cluster's version; kepler's default tag is `latest`).
 */
const IMAGE_RULES: Readonly<Record<string, { readonly global?: (root: Json) => unknown; readonly globalWins: boolean; readonly appVersionTag: boolean }>> = {
  "cert-manager": { globalWins: false, appVersionTag: true },
  "ingress-nginx": { global: (v) => at(v, ["global", "image", "registry"]), globalWins: false, appVersionTag: true },
  kepler: { globalWins: false, appVersionTag: false },
  kyverno: { global: (v) => at(v, ["global", "image", "registry"]), globalWins: false, appVersionTag: true },
  "kube-prometheus-stack": { global: (v) => at(v, ["global", "imageRegistry"]), globalWins: true, appVersionTag: true },
  velero: { globalWins: false, appVersionTag: false },
};

function at(value: unknown, keys: readonly string[]): unknown {
  let current = value;
  for (const key of keys) current = isMap(current) ? current[key] : undefined;
  return current;
}

/** `over` deep-merged onto `base` as Helm merges user values: maps merge, `null` deletes, the rest replaces. */
export function helmMerge(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over === undefined ? base : over;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = helmMerge(out[k], v);
  }
  return out;
}

/**
 * Every image a release of `chart` with `values` would pull: image maps (`repository` or
 * `image`, with `registry`, `tag`, `digest` or `sha`) under keys ending in `image`, and image
 * strings under `image` keys (containers in lists), outside any map with `enabled: false`.
 */
export function imageReferences(chart: Chart, values: Json): ImageReference[] {
  const rule = IMAGE_RULES[chart.name];
  if (rule === undefined) throw new Error(`no image rule for chart ${chart.name}: read its templates and add one`);
  const merged = helmMerge(chart.defaults, values) as Json;
  const globalRegistry = rule.global?.(merged);
  const found: ImageReference[] = [];
  const visit = (node: unknown, where: string[], c: Chart, defaultsOf: Json): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...where, String(i)], c, defaultsOf));
      return;
    }
    if (!isMap(node) || node.enabled === false) return;
    for (const [key, value] of Object.entries(node)) {
      const here = [...where, key];
      if (where.length === 0 && c === chart && chart.subcharts.has(key)) {
        const sub = chart.subcharts.get(key)!;
        visit(helmMerge(sub.defaults, value), here, sub, sub.defaults);
        continue;
      }
      if (/image$/i.test(key) && typeof value === "string" && key === "image" && value !== "") {
        found.push({ path: here.join("."), ...parseReference(value) });
      } else if (/image$/i.test(key) && isMap(value) && (typeof value.repository === "string" || typeof value.image === "string")) {
        found.push({ path: here.join("."), ...resolveImage(value, globalRegistry, rule, c) });
      } else {
        visit(value, here, c, defaultsOf);
      }
    }
  };
  visit(merged, [], chart, chart.defaults);
  return found;
}

function resolveImage(
  image: Json,
  globalRegistry: unknown,
  rule: (typeof IMAGE_RULES)[string],
  chart: Chart,
): Omit<ImageReference, "path"> {
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const repositoryText = str(image.repository) ?? str(image.image) ?? "";
  const own = str(image.registry);
  const global = str(globalRegistry);
  const fromRepository = parseReference(repositoryText);
  const registry = (rule.globalWins ? (global ?? own) : (own ?? global)) ?? str(image.defaultRegistry) ?? fromRepository.registry;
  const repository = registry === fromRepository.registry ? fromRepository.repository : repositoryText;
  const digest = str(image.digest) ?? str(image.sha);
  const tag = str(image.tag) ?? (typeof image.tag === "number" ? String(image.tag) : undefined) ?? (rule.appVersionTag ? chart.appVersion || undefined : undefined);
  return { registry, repository, tag, digest };
}

/** `host/path:tag@digest` split up; a first segment without `.` or `:` (or `localhost`) is not a host. */
export function parseReference(reference: string): Omit<ImageReference, "path"> {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const registry = first !== "" && (first.includes(".") || first.includes(":") || first === "localhost") ? first : undefined;
  if (registry !== undefined) rest = rest.slice(slash + 1);
  const colon = rest.lastIndexOf(":");
  const tag = colon >= 0 ? rest.slice(colon + 1) : undefined;
  return { registry, repository: colon >= 0 ? rest.slice(0, colon) : rest, tag, digest };
}

/** Why an image is not pulled from `registry` at a pinned tag or digest, or undefined when it is. */
export function imageProblem(image: ImageReference, registry: string): string | undefined {
  const ref = `${image.registry ?? "(Docker Hub)"}/${image.repository}${image.tag === undefined ? "" : `:${image.tag}`}${image.digest === undefined ? "" : `@${image.digest}`}`;
  if (image.registry !== registry) return `${image.path}: ${ref} is not pulled from the region's registry ${registry}`;
  if (image.digest !== undefined) return /^sha256:[0-9a-f]{64}$/.test(image.digest) ? undefined : `${image.path}: ${ref} has a malformed digest`;
  if (image.tag === undefined) return `${image.path}: ${ref} has no tag or digest (the chart would choose one)`;
  if (image.tag === "latest") return `${image.path}: ${ref} is tagged latest`;
  return undefined;
}
