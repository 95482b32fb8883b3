/** The web-service template: a web application behind the platform's HTTPS ingress, autoscaled. */
import { z } from "zod";
import { workloadTemplate } from "./descriptor";
import { addPublicHttpInstances, Host, HttpPath, PUBLIC_HTTP_RENDERING, Resources, workloadBase } from "./fields";

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
  rendering: PUBLIC_HTTP_RENDERING,
  sizing: (w) => ({ replicas: w.minReplicas, maxReplicas: w.maxReplicas, gpusPerReplica: 0, storageGiBPerReplica: 0 }),
  instances: (w, ctx) => addPublicHttpInstances(w, ctx),
  onboarding: {
    purpose: "A web application behind the platform's HTTPS ingress, autoscaled between minReplicas and maxReplicas",
    example: { host: "portal.mof.gov.vn", env: { LOG_LEVEL: "info" } },
  },
});
