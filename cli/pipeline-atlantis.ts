/**
 * Atlantis for an estate (repo-level atlantis.yaml, version 3): one project per stack, its
 * `depends_on` the stack's dependencies and its `execution_order_group` its depth in the graph,
 * with a workflow whose plan runs `govcloud check` on the plan's JSON: a plan with a mandatory
 * violation fails, and Atlantis applies no project whose plan failed.
 */
import type { Engine } from "./pipeline-gitlab";
import type { PipelineStack } from "./pipeline-stacks";

export const ATLANTIS_WORKFLOW = "govcloud";

export interface AtlantisOptions {
  /** The `--env` argument the workflow passes to govcloud. */
  readonly environment: string;
  readonly engine: Engine;
  /** The synthesized folder, relative to the repository root. */
  readonly outDir: string;
}

export function renderAtlantis(stacks: readonly PipelineStack[], options: AtlantisOptions): Record<string, unknown> {
  const check = `cd "$(git rev-parse --show-toplevel)" && npx --no-install govcloud check "$SHOWFILE" --env ${shellQuote(options.environment)}`;
  return {
    version: 3,
    automerge: false,
    parallel_plan: true,
    parallel_apply: true,
    // A failed apply stops the groups after it: a tenant stack never runs on a broken platform.
    abort_on_execution_order_fail: true,
    projects: stacks.map((stack) => ({
      name: stack.name,
      dir: `${options.outDir}/stacks/${stack.name}`,
      workflow: ATLANTIS_WORKFLOW,
      ...(options.engine === "tofu" ? { terraform_distribution: "opentofu" } : {}),
      autoplan: { enabled: true, when_modified: ["cdk.tf.json"] },
      depends_on: [...stack.dependencies],
      execution_order_group: stack.depth,
      // Stacks that hold data are applied only after someone approved the pull request.
      apply_requirements: stack.holdsData === undefined ? ["mergeable", "undiverged"] : ["approved", "mergeable", "undiverged"],
    })),
    workflows: {
      [ATLANTIS_WORKFLOW]: {
        plan: {
          steps: [
            { env: { name: "CHECKPOINT_DISABLE", value: "1" } },
            "init",
            "plan",
            // `show` writes the plan as JSON to $SHOWFILE; the policy gate reads it.
            "show",
            { run: check },
          ],
        },
        apply: { steps: ["apply"] },
      },
    },
  };
}

function shellQuote(value: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
