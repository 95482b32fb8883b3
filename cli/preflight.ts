/**
 * `govcloud preflight --env <name> [--kubeconfig <file>]`: what can be checked before the first
 * apply without reaching a cluster. Every kube context the environment names (the management
 * cluster's, each region's, a kubernetes state backend's) must be in the kubeconfig the stacks
 * will use, with the cluster and user it refers to. Problems are reported at the environment
 * line that names the context (or the kubeconfig line), all at once, exit code 2.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, Option } from "commander";
import { isMap, isSeq, LineCounter, parseDocument, type YAMLMap } from "yaml";
import { type Diagnostic, displayPath, UserError } from "../environments/diagnostics";
import { loadEnvironment } from "../environments";
import { clusterName } from "../estate/cluster-api";

/** Where the kubeconfig comes from: the flag, KUBE_CONFIG_PATH (the providers'), KUBECONFIG, ~/.kube/config. */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  if (flag !== undefined) return [flag];
  if (env.KUBE_CONFIG_PATH) return [env.KUBE_CONFIG_PATH];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(path.delimiter).filter((f) => f !== "");
  return [path.join(os.homedir(), ".kube", "config")];
}

interface Kubeconfig {
  /** Context name -> its cluster and user names and where the context is. */
  readonly contexts: Map<string, { cluster?: string; user?: string; file: string; line: number; col: number }>;
  readonly clusters: Set<string>;
  readonly users: Set<string>;
}

function readKubeconfigs(files: readonly string[], problems: Diagnostic[]): Kubeconfig {
  const config: Kubeconfig = { contexts: new Map(), clusters: new Set(), users: new Set() };
  for (const file of files) {
    const shown = displayPath(file);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push({ file: shown, line: 1, col: 1, path: "", message: code === "ENOENT" ? "no such kubeconfig file (--kubeconfig, KUBE_CONFIG_PATH or KUBECONFIG)" : `cannot read: ${code ?? (error as Error).message}` });
      continue;
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const at = lines.linePos(e.pos[0]);
        problems.push({ file: shown, line: at.line, col: at.col, path: "", message: e.message.split("\n")[0] ?? "not YAML" });
      }
      continue;
    }
    const root = doc.contents;
    if (!isMap(root)) {
      problems.push({ file: shown, line: 1, col: 1, path: "", message: "not a kubeconfig (expected a mapping with contexts, clusters and users)" });
      continue;
    }
    const names = (key: string): { name: string; node: YAMLMap; index: number }[] => {
      const list = root.get(key, true);
      if (!isSeq(list)) return [];
      return list.items.flatMap((item, index) => {
        const name = isMap(item) ? item.get("name") : undefined;
        return typeof name === "string" && isMap(item) ? [{ name, node: item, index }] : [];
      });
    };
    for (const { name } of names("clusters")) config.clusters.add(name);
    for (const { name } of names("users")) config.users.add(name);
    for (const { name, node } of names("contexts")) {
      if (config.contexts.has(name)) continue; // the first file that defines a context wins, as kubectl does
      const inner = node.get("context");
      const at = lines.linePos(node.range?.[0] ?? 0);
      const get = (k: string) => (isMap(inner) && typeof inner.get(k) === "string" ? (inner.get(k) as string) : undefined);
      const cluster = get("cluster");
      const user = get("user");
      config.contexts.set(name, { file: shown, line: at.line, col: at.col, ...(cluster === undefined ? {} : { cluster }), ...(user === undefined ? {} : { user }) });
    }
  }
  return config;
}

export interface PreflightResult {
  /** Contexts checked: context -> what uses it. */
  readonly checked: ReadonlyMap<string, string>;
  readonly files: readonly string[];
}

export function preflight(repoRoot: string, environment: string, kubeconfig: string | undefined): PreflightResult {
  const { value: env, source } = loadEnvironment(repoRoot, environment);
  const files = kubeconfigFiles(kubeconfig);
  const problems: Diagnostic[] = [];
  const config = readKubeconfigs(files, problems);
  const where = files.map((f) => displayPath(f)).join(path.delimiter);
  const wanted: { context: string; at: readonly (string | number)[]; what: string; hint: string }[] = [];
  if (env.infrastructure.provider !== "existing") {
    wanted.push({
      context: env.managementCluster.kubeContext,
      at: ["managementCluster", "kubeContext"],
      what: "the management cluster",
      hint: "the management cluster is set up beforehand, with Cluster API and its OpenStack provider installed (README, \"Deploying\")",
    });
  }
  for (const [regionId, region] of Object.entries(env.regions).sort(([a], [b]) => (a < b ? -1 : 1))) {
    wanted.push({
      context: region.kubeContext,
      at: ["regions", regionId, "kubeContext"],
      what: `region ${regionId}'s cluster`,
      hint:
        env.infrastructure.provider === "existing"
          ? "add the existing cluster's context to the kubeconfig"
          : `after the management stack is applied: clusterctl get kubeconfig ${clusterName(env.name, regionId)} -n ${env.managementCluster.namespace ?? "default"}, then name its context ${region.kubeContext} (README, "Deploying")`,
    });
  }
  if (env.stateBackend.type === "kubernetes") {
    wanted.push({ context: env.stateBackend.kubeContext, at: ["stateBackend", "kubeContext"], what: "the state backend", hint: "the state backend's cluster must be reachable before any stack" });
  }
  const checked = new Map<string, string>();
  for (const { context, at, what, hint } of wanted) {
    checked.set(context, checked.has(context) ? `${checked.get(context)}, ${what}` : what);
    const position = source.locate(at);
    const found = config.contexts.get(context);
    const diagnostic = (message: string) => problems.push({ ...position, path: at.join("."), message });
    if (found === undefined) {
      const known = [...config.contexts.keys()].sort();
      diagnostic(`context '${context}' (${what}) is not in ${where} (contexts there: ${known.length > 0 ? known.join(", ") : "none"}); ${hint}`);
      continue;
    }
    if (found.cluster === undefined || !config.clusters.has(found.cluster)) {
      problems.push({ file: found.file, line: found.line, col: found.col, path: `contexts.${context}.cluster`, message: `names cluster '${found.cluster ?? ""}', which is not in the kubeconfig's clusters` });
    }
    if (found.user === undefined || !config.users.has(found.user)) {
      problems.push({ file: found.file, line: found.line, col: found.col, path: `contexts.${context}.user`, message: `names user '${found.user ?? ""}', which is not in the kubeconfig's users` });
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  return { checked, files };
}

export function preflightCommand(repoRoot: string): Command {
  return new Command("preflight")
    .description("Check, without reaching a cluster, that every kube context the environment names is in the kubeconfig.")
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default("national"))
    .addOption(new Option("--kubeconfig <file>", "kubeconfig to check (default: KUBE_CONFIG_PATH, else KUBECONFIG, else ~/.kube/config)"))
    .action((opts: { env: string; kubeconfig?: string }) => {
      const { checked, files } = preflight(repoRoot, opts.env, opts.kubeconfig);
      process.stdout.write(`${checked.size} kube context(s) present in ${files.map((f) => displayPath(f)).join(path.delimiter)}:\n`);
      for (const [context, what] of checked) process.stdout.write(`  ${context.padEnd(28)} ${what}\n`);
    });
}
