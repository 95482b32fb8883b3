/** The ai-inference template: a model server on GPU nodes, serving a model from the in-country registry. */
import { z } from "zod";
import { hostOf } from "../schema";
import { workloadTemplate } from "./descriptor";
import { HttpPath, Resources, workloadBase } from "./fields";
import { merged } from "../../core/merged";

export const AiInferenceSchema = z.strictObject({
  template: z.literal("ai-inference"),
  ...workloadBase,
  model: z
    .string()
    .regex(
      /^oci:\/\/[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$/,
      "must be an OCI artifact pinned by digest, such as oci://registry.north.govcloud.gov.vn/models/phogpt@sha256:<64 hex>",
    )
    .describe("The model, served from the in-country registry"),
  port: z.int().min(1024).max(65535).default(8000),
  healthPath: HttpPath.default("/health"),
  replicas: z.int().min(1).max(32).default(1),
  gpus: z.int().min(1).max(8).default(1).describe("GPUs per replica"),
  resources: Resources(4, 16_384, 8, 32_768),
});

export const aiInference = workloadTemplate({
  schema: AiInferenceSchema,
  traits: { exposed: false, holdsData: false, nodeRole: "gpu", readOnly: false },
  rendering: {
    serviceAccount: {},
    configMap: {},
    deployment: { probe: "http", replicas: true, gpu: true },
    service: { headless: false, portName: "http" },
  },
  sizing: (w) => ({ replicas: w.replicas, maxReplicas: w.replicas, gpusPerReplica: w.gpus, storageGiBPerReplica: 0 }),
  platformEnv: (w) => ({ MODEL_URI: w.model }),
  artifacts: (w) => [{ field: "model", host: hostOf(w.model) }],
  instances: (w, ctx) => {
    ctx.add("deployment", merged(ctx.meta, { selector: ctx.selector }, ctx.pod, { replicas: w.replicas, port: w.port, health_path: w.healthPath }));
    ctx.add("service", ctx.service(w.port));
  },
  kpis: ["ai-agencies"],
  onboarding: {
    purpose: "A model server on GPU nodes, serving a model from the in-country registry",
    example: { model: `oci://registry.north.govcloud.gov.vn/models/phogpt@sha256:${"b".repeat(64)}` },
  },
});
