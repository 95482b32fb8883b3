/**
 * `govcloud plan-report <plan.json>`: the summary of a `terraform show -json` plan that GitLab
 * shows on merge requests (`artifacts:reports:terraform`): `{"create":n,"update":n,"delete":n}`,
 * counted as GitLab's own template does (a replacement counts as one delete and one create).
 */
import * as fs from "node:fs";
import { Command } from "commander";
import * as path from "node:path";
import { displayPath, UserError } from "../environments/diagnostics";
import { writeOutputs } from "./pipeline-output";
import { outputOption } from "./output-file";

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
}

export function summarizePlanChanges(plan: unknown): PlanSummary {
  const changes = (plan as { resource_changes?: unknown } | null)?.resource_changes;
  const actions = Array.isArray(changes) ? changes.flatMap((c) => ((c as { change?: { actions?: unknown } })?.change?.actions as unknown[]) ?? []) : [];
  const count = (action: string) => actions.filter((a) => a === action).length;
  return { create: count("create"), update: count("update"), delete: count("delete") };
}

export function planReportCommand(): Command {
  return new Command("plan-report")
    .description("Summarize a `terraform show -json` plan for GitLab's merge request widget (artifacts:reports:terraform).")
    .argument("<plan.json>", "output of `terraform show -json <plan>` (or `tofu show -json`)")
    .addOption(outputOption("write the summary to this file (atomically) instead of standard output"))
    .action((file: string, opts: { output?: string }) => {
      let plan: unknown;
      try {
        plan = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch (error) {
        const message = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : `not a JSON plan: ${(error as Error).message}`;
        throw new UserError([{ file: displayPath(file), line: 1, col: 1, path: "", message }]);
      }
      if (plan === null || typeof plan !== "object" || !("format_version" in plan)) {
        throw new UserError([{ file: displayPath(file), line: 1, col: 1, path: "", message: "not a `terraform show -json` plan (no format_version)" }]);
      }
      const text = `${JSON.stringify(summarizePlanChanges(plan))}\n`;
      if (opts.output === undefined) process.stdout.write(text);
      else writeOutputs(new Map([[path.resolve(opts.output), text]]));
    });
}
