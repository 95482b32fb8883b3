/** The worker template: a long-running background process with no inbound traffic. */
import { z } from "zod";
import { workloadTemplate } from "./descriptor";
import { HealthCommand, Resources, workloadBase } from "./fields";
import { merged } from "../../core/merged";

export const WorkerSchema = z.strictObject({
  template: z.literal("worker"),
  ...workloadBase,
  replicas: z.int().min(1).max(100).default(2),
  healthCommand: HealthCommand,
  resources: Resources(0.25, 256, 1, 512),
});

export const worker = workloadTemplate({
  schema: WorkerSchema,
  traits: { exposed: false, holdsData: false, nodeRole: "general", readOnly: false },
  rendering: {
    serviceAccount: {},
    configMap: {},
    deployment: { probe: "exec", replicas: true },
    disruptionBudget: {},
  },
  sizing: (w) => ({ replicas: w.replicas, maxReplicas: w.replicas, gpusPerReplica: 0, storageGiBPerReplica: 0 }),
  instances: (w, ctx) => {
    ctx.add("deployment", merged(ctx.meta, { selector: ctx.selector }, ctx.pod, { replicas: w.replicas, health_command: w.healthCommand }));
    ctx.add("disruptionBudget", ctx.disruptionBudget());
  },
  onboarding: {
    purpose: "A long-running background process with no inbound traffic",
    example: {},
  },
});
