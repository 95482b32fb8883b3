/**
 * A copy of an environment of this repository in a temporary project (`<dir>/environments/`),
 * so that tests can edit agency files, synthesize into the project and keep state paths inside it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./synth";

/** Copies environments/<env>.yaml and environments/<env>/ into `<dir>/environments/`; returns the environment file. */
export function copyEnvironment(dir: string, env = "national"): string {
  const target = path.join(dir, "environments");
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "environments", `${env}.yaml`), path.join(target, `${env}.yaml`));
  const folder = path.join(REPO_ROOT, "environments", env);
  if (fs.existsSync(folder)) fs.cpSync(folder, path.join(target, env), { recursive: true });
  return path.join(target, `${env}.yaml`);
}

/** The agencies folder of a copied environment file. */
export function agenciesOf(envFile: string): string {
  return path.join(path.dirname(envFile), path.basename(envFile, ".yaml"), "agencies");
}
