/**
 * Finding and loading environments: `environments/<name>.yaml`. Everything here goes through
 * the hardened loader; nothing else in the project reads configuration files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Diagnostic, displayPath, UserError } from "./diagnostics";
import { type Agency, AgencySchema } from "./agency-schema";
import { type Loaded, loadYamlFile, type YamlLimits } from "./loader";
import { type Environment, EnvironmentSchema } from "./schema";
import { merged } from "../core/merged";

/** Environment files are written by platform engineers: a few aliases are fine, bombs are not. */
export const ENVIRONMENT_LIMITS: YamlLimits = { maxBytes: 1024 * 1024, maxAliases: 100 };

/** Agency files are written by agencies: small, and no aliases at all. */
export const AGENCY_LIMITS: YamlLimits = { maxBytes: 64 * 1024, maxAliases: 0 };

/** Folder holding the environment files, below the repository root. */
export const ENVIRONMENTS_DIR = "environments";

/** The names of the environments defined in a repository, sorted. */
export function listEnvironments(repoRoot: string): string[] {
  const dir = path.join(repoRoot, ENVIRONMENTS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}

/** The path of an environment's file. */
export function environmentFile(repoRoot: string, name: string): string {
  return path.join(repoRoot, ENVIRONMENTS_DIR, `${name}.yaml`);
}

/**
 * Loads and validates one environment, by name (`environments/<name>.yaml`) or by the path of a
 * `.yaml` file. Throws a UserError listing every problem, each located at `file:line:col`.
 */
export function loadEnvironment(repoRoot: string, nameOrFile: string, cache?: FileCache, readEnvironment?: EnvironmentFileReader): Loaded<Environment> {
  const file = resolveEnvironmentFile(repoRoot, nameOrFile);
  const byPath = isPath(nameOrFile);
  const name = byPath ? path.basename(nameOrFile).replace(/\.ya?ml$/, "") : nameOrFile;
  if (!byPath && (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || !fs.existsSync(file))) {
    const known = listEnvironments(repoRoot);
    throw new UserError([
      {
        file: displayPath(file),
        line: 1,
        col: 1,
        path: "",
        message: `no environment named '${name}'; known environments: ${known.join(", ") || "(none)"}`,
      },
    ]);
  }
  const load = () => loadYamlFile(file, EnvironmentSchema, ENVIRONMENT_LIMITS);
  const read = readEnvironment === undefined ? load : () => readEnvironment(file, load);
  const loaded = cache === undefined ? read() : cache.load(file, read);
  if (loaded.value.name !== name) {
    const at = loaded.source.locate(["name"]);
    throw new UserError([
      { ...at, path: "name", message: `is '${loaded.value.name}' but the file is ${name}.yaml; they must match` },
    ]);
  }
  return loaded;
}

function isPath(nameOrFile: string): boolean {
  return nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml");
}

/** The environment file for a name or a path. */
export function resolveEnvironmentFile(repoRoot: string, nameOrFile: string): string {
  return isPath(nameOrFile) ? path.resolve(nameOrFile) : environmentFile(repoRoot, nameOrFile);
}

/** Where an environment's agency files live: `<folder of the environment file>/<name>/agencies/`. */
export function agenciesDir(envFile: string): string {
  return path.join(path.dirname(envFile), path.basename(envFile).replace(/\.ya?ml$/, ""), "agencies");
}

/**
 * Whether a file in an agencies folder is an agency file: `.yaml` or `.yml`, and not hidden
 * (editors keep backups and lock files such as `.#name.yaml` next to the files they edit).
 */
export function isAgencyFileName(name: string): boolean {
  return !name.startsWith(".") && /\.ya?ml$/.test(name);
}

/** An agency file, validated on its own (cross-file rules come later, in the estate). */
export interface LoadedAgency extends Loaded<Agency> {
  /** Absolute path of the file. */
  readonly path: string;
}

/** An environment with all its agencies. */
export interface EnvironmentConfig {
  readonly environment: Loaded<Environment>;
  readonly environmentPath: string;
  /** Sorted by file name; retired agencies are not among them. */
  readonly agencies: readonly LoadedAgency[];
  /**
   * Agencies whose files say they are retired (`retired:`): they get no tenants, and their
   * removal from the committed files is allowed (engine/removals.ts). Sorted by file name.
   * @default - none
   */
  readonly retired?: readonly LoadedAgency[];
}

/**
 * Loads agency files, each on its own: returns, in order, each file's value or the UserError it
 * failed with. The default reads them one after the other; a large estate's are spread over two
 * threads (engine/parallel-load.ts). Whoever loads them, the results are the same.
 */
export type AgencyFilesLoader = (files: readonly string[]) => (LoadedAgency | UserError)[];

/**
 * Reads an environment file: `load(file)` validates it (or throws the UserError it failed with);
 * a reader may give the same result without calling it (engine/agency-file-cache.ts keeps
 * validated environment files between processes).
 */
export type EnvironmentFileReader = (file: string, load: () => Loaded<Environment>) => Loaded<Environment>;

/** Loads and validates one agency file. @throws UserError */
export function loadAgencyFile(file: string): LoadedAgency {
  return merged(loadYamlFile(file, AgencySchema, AGENCY_LIMITS), { path: file });
}

/** Loads agency files one after the other. */
export const loadAgencyFiles: AgencyFilesLoader = (files) =>
  files.map((file) => {
    try {
      return loadAgencyFile(file);
    } catch (error) {
      if (error instanceof UserError) return error;
      throw error;
    }
  });

/**
 * Validated files remembered between loads (long-running processes): `load` returns what the
 * loader returned (or throws the UserError it threw) when the file is unchanged, and `loadAll`
 * does so for many files, loading those not remembered in one call of `loadMany`. The engine's
 * LoadCache (engine/load-cache.ts) is one.
 */
export interface FileCache {
  load<T>(file: string, load: () => T): T;
  loadAll<T>(files: readonly string[], loadMany: (files: readonly string[]) => (T | UserError)[]): (T | UserError)[];
}

export interface LoadEnvironmentOptions {
  /** Validated files of earlier loads (long-running processes): unchanged files are not read again. */
  readonly cache?: FileCache;
  /** How agency files are loaded. @default loadAgencyFiles, one after the other */
  readonly loadAgencies?: AgencyFilesLoader;
  /** How the environment file is read. @default validated every time */
  readonly readEnvironment?: EnvironmentFileReader;
}

/**
 * Loads an environment and every agency file in its agencies folder. Every problem in every
 * file is collected before anything is thrown, so one run shows all of them.
 */
export function loadEnvironmentConfig(repoRoot: string, nameOrFile: string, options: LoadEnvironmentOptions = {}): EnvironmentConfig {
  const problems: Diagnostic[] = [];
  const environmentPath = resolveEnvironmentFile(repoRoot, nameOrFile);
  let environment: Loaded<Environment> | undefined;
  try {
    environment = loadEnvironment(repoRoot, nameOrFile, options.cache, options.readEnvironment);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    problems.push(...error.diagnostics);
  }
  const dir = agenciesDir(environmentPath);
  // `dir` is normalized and a directory entry's name has no separator: joining is concatenating.
  const files = (fs.existsSync(dir) ? fs.readdirSync(dir).filter(isAgencyFileName).sort() : []).map((name) => `${dir}${path.sep}${name}`);
  const loadAgencies = options.loadAgencies ?? loadAgencyFiles;
  const results = options.cache === undefined ? loadAgencies(files) : options.cache.loadAll(files, loadAgencies);
  const agencies: LoadedAgency[] = [];
  const retired: LoadedAgency[] = [];
  for (const result of results) {
    if (result instanceof UserError) problems.push(...result.diagnostics);
    else (result.value.retired === undefined ? agencies : retired).push(result);
  }
  if (problems.length > 0 || environment === undefined) throw new UserError(problems);
  return { environment, environmentPath, agencies, retired };
}
