/**
 * Finding and loading environments: `environments/<name>.yaml`. Everything here goes through
 * the hardened loader; nothing else in the project reads configuration files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { displayPath, UserError } from "./diagnostics";
import { type Loaded, loadYamlFile, type YamlLimits } from "./loader";
import { type Environment, EnvironmentSchema } from "./schema";

/** Environment files are written by platform engineers: a few aliases are fine, bombs are not. */
export const ENVIRONMENT_LIMITS: YamlLimits = { maxBytes: 1024 * 1024, maxAliases: 100 };

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
export function loadEnvironment(repoRoot: string, nameOrFile: string): Loaded<Environment> {
  const byPath = nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml");
  const file = byPath ? path.resolve(nameOrFile) : environmentFile(repoRoot, nameOrFile);
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
  const loaded = loadYamlFile(file, EnvironmentSchema, ENVIRONMENT_LIMITS);
  if (loaded.value.name !== name) {
    const at = loaded.source.locate(["name"]);
    throw new UserError([
      { ...at, path: "name", message: `is '${loaded.value.name}' but the file is ${name}.yaml; they must match` },
    ]);
  }
  return loaded;
}
