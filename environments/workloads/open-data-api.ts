/** The open-data-api template: a public, read-only, rate-limited API behind the platform's HTTPS ingress. */
import { z } from "zod";
import { workloadTemplate } from "./descriptor";
import { Host, HttpPath, Resources, workloadBase } from "./fields";

export const OpenDataApiSchema = z.strictObject({
  template: z.literal("open-data-api"),
  ...workloadBase,
  host: Host.describe("Public host name of the open data API"),
  port: z.int().min(1024).max(65535).default(8080),
  healthPath: HttpPath.default("/healthz"),
  rateLimitPerSecond: z.int().min(1).max(1000).default(20).describe("Requests per second per client address"),
  minReplicas: z.int().min(2).max(100).default(2),
  maxReplicas: z.int().min(2).max(200).default(8),
  resources: Resources(0.25, 256, 1, 512),
});

const NGINX = "nginx.ingress.kubernetes.io";

export const openDataApi = workloadTemplate({
  schema: OpenDataApiSchema,
  traits: { exposed: true, holdsData: false, nodeRole: "general", readOnly: true },
  // The same resources as a web service; its rate limits and read-only methods are instance data.
  rendering: {
    serviceAccount: {},
    configMap: {},
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
    ctx.add(
      "ingress",
      ctx.ingress(w.host, w.port, {
        [`${NGINX}/limit-rps`]: String(w.rateLimitPerSecond),
        // Concurrent connections per client address, scaled with the request budget.
        [`${NGINX}/limit-connections`]: String(w.rateLimitPerSecond),
        // Anyone may read open data from a browser; nobody may write, and no cookies are sent.
        [`${NGINX}/enable-cors`]: "true",
        [`${NGINX}/cors-allow-origin`]: "*",
        [`${NGINX}/cors-allow-methods`]: "GET, HEAD, OPTIONS",
        [`${NGINX}/cors-allow-credentials`]: "false",
      }),
    );
    ctx.add("autoscaler", { ...ctx.meta, target: ctx.name, min_replicas: w.minReplicas, max_replicas: w.maxReplicas });
    ctx.add("disruptionBudget", ctx.disruptionBudget());
  },
  kpis: ["open-data-agencies"],
  onboarding: {
    purpose: "A public open-data API behind the platform's HTTPS ingress, rate-limited per client",
    example: { host: "data.mof.gov.vn" },
  },
});
