/** The scheduled-job template: a job run on a cron schedule. */
import { z } from "zod";
import { cronRunsPerYear } from "../../core/cron";
import { CronSchedule } from "../schema";
import { workloadTemplate } from "./descriptor";
import { HealthCommand, Resources, workloadBase } from "./fields";
import { merged } from "../../core/merged";

export const ScheduledJobSchema = z.strictObject({
  template: z.literal("scheduled-job"),
  ...workloadBase,
  schedule: CronSchedule("0 2 * * *").describe("Cron schedule, in the cluster's time zone (Asia/Ho_Chi_Minh)"),
  activeDeadlineSeconds: z.int().min(60).max(86_400).default(3600),
  healthCommand: HealthCommand,
  resources: Resources(0.25, 256, 1, 512),
});

export const scheduledJob = workloadTemplate({
  schema: ScheduledJobSchema,
  traits: { exposed: false, holdsData: false, nodeRole: "general", readOnly: false },
  rendering: {
    serviceAccount: {},
    configMap: {},
    cronJob: { probe: "exec", restartPolicy: "Never" },
  },
  sizing: () => ({ replicas: 1, maxReplicas: 1, gpusPerReplica: 0, storageGiBPerReplica: 0 }),
  instances: (w, ctx) => {
    ctx.add("cronJob", merged(ctx.meta, ctx.pod, { schedule: w.schedule, active_deadline_seconds: w.activeDeadlineSeconds, health_command: w.healthCommand }));
  },
  // Its runs × its deadline; concurrencyPolicy Forbid: runs never overlap, so never more than all year.
  runningHours: (w, hoursPerYear) => Math.min(hoursPerYear, ((cronRunsPerYear(w.schedule) ?? 365) * w.activeDeadlineSeconds) / 3600),
  onboarding: {
    purpose: "A job run on a cron schedule",
    // A required field; a placeholder to change, not a template default.
    placeholders: { schedule: { value: "0 2 * * *", note: "placeholder: every night at 02:00; set your own" } },
    example: { schedule: "0 2 * * *" },
  },
});
