/** The web-service template: a web application behind the platform's HTTPS ingress, autoscaled. */
import { z } from "zod";
import { workloadTemplate } from "./descriptor";
import { Host, HttpPath, Resources, workloadBase } from "./fields";

export const WebServiceSchema = z.strictObject({
  template: z.literal("web-service"),
  ...workloadBase,
  host: Host.describe("Public host name; TLS certificates are issued by the platform"),
  port: z.int().min(1024).max(65535).default(8080),
  healthPath: HttpPath.default("/healthz"),
  minReplicas: z.int().min(2, "must be at least 2 so a node can be drained without downtime").max(100).default(2),
  maxReplicas: z.int().min(2).max(200).default(6),
  resources: Resources(0.25, 256, 1, 512),
});

export const webService = workloadTemplate({
  schema: WebServiceSchema,
  traits: { exposed: true, holdsData: false, nodeRole: "general", readOnly: false },
  rendering: {
    serviceAccount: {},
    configMap: {},
    // No replicas: the autoscaler owns the count between min and max.
    deployment: { probe: "http" },
    service: { headless: false, portName: "http" },
    ingress: {},
    autoscaler: {},
    disruptionBudget: {},
  },
  sizing: (w) => ({ replicas: w.minReplicas, maxReplicas: w.maxReplicas, gpusPerReplica: 0, storageGiBPerReplica: 0 }),
  instances: (w, ctx) => {
    ctx.add("deployment", { ...ctx.meta, selector: ctx.selector, ...ctx.pod, port: w.port, health_path: w.healthPath });
    ctx.add("service", ctx.service(w.port));
    ctx.add("ingress", ctx.ingress(w.host, w.port));
    ctx.add("autoscaler", { ...ctx.meta, target: ctx.name, min_replicas: w.minReplicas, max_replicas: w.maxReplicas });
    ctx.add("disruptionBudget", ctx.disruptionBudget());
  },
  onboarding: {
    purpose: "A web application behind the platform's HTTPS ingress, autoscaled between minReplicas and maxReplicas",
    example: { host: "portal.mof.gov.vn", env: { LOG_LEVEL: "info" } },
  },
});
