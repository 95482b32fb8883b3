/** The open-data-api template: a public, read-only, rate-limited API behind the platform's HTTPS ingress. */
import { z } from "zod";
import { workloadTemplate } from "./descriptor";
import { addPublicHttpInstances, Host, HttpPath, PUBLIC_HTTP_RENDERING, Resources, workloadBase } from "./fields";

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
  rendering: PUBLIC_HTTP_RENDERING,
  sizing: (w) => ({ replicas: w.minReplicas, maxReplicas: w.maxReplicas, gpusPerReplica: 0, storageGiBPerReplica: 0 }),
  instances: (w, ctx) =>
    addPublicHttpInstances(w, ctx, {
      [`${NGINX}/limit-rps`]: String(w.rateLimitPerSecond),
      // Concurrent connections per client address, scaled with the request budget.
      [`${NGINX}/limit-connections`]: String(w.rateLimitPerSecond),
      // Anyone may read open data from a browser; nobody may write, and no cookies are sent.
      [`${NGINX}/enable-cors`]: "true",
      [`${NGINX}/cors-allow-origin`]: "*",
      [`${NGINX}/cors-allow-methods`]: "GET, HEAD, OPTIONS",
      [`${NGINX}/cors-allow-credentials`]: "false",
    }),
  kpis: ["open-data-agencies"],
  onboarding: {
    purpose: "A public open-data API behind the platform's HTTPS ingress, rate-limited per client",
    example: { host: "data.mof.gov.vn" },
  },
});
