/**
 * Throughput of `govcloud check` on 100,000 resource instances (target: 5 s on 2 cores).
 *
 *   node -r ./core/register.cjs bench/check-throughput.ts [cdktf.out folder] [instances]
 *
 * Takes a synthesized folder (default: cdktf.out; run `npm run synth` first) and grows every
 * for_each map in it, copying each instance under new agency keys, until the folder holds the
 * requested number of instances (default 100,000). Then measures what `check` does with it:
 * reading and expanding the JSON, and running every rule of every pack. Measured here, never in
 * tests.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { evaluate } from "../policies/engine/evaluate";
import { lazyImport } from "../policies/engine/lazy";
import { loadSynthFolder } from "../policies/engine/load";
import type { ActiveRule } from "../policies/engine/types";

const REPO_ROOT = path.resolve(__dirname, "..");
const source = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, "cdktf.out"));
const target = Number(process.argv[3] ?? 100_000);

interface Doc {
  resource?: Record<string, Record<string, { for_each?: Record<string, unknown> }>>;
}

function grow(from: string, to: string, wanted: number): number {
  fs.cpSync(from, to, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(to, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const docs = Object.values(manifest.stacks).map((s) => {
    const file = path.join(to, s.synthesizedStackPath);
    return { file, doc: JSON.parse(fs.readFileSync(file, "utf8")) as Doc };
  });
  let fixed = 0;
  let perCopy = 0;
  for (const { doc } of docs) {
    for (const byName of Object.values(doc.resource ?? {})) {
      for (const body of Object.values(byName)) {
        if (body.for_each === undefined) fixed++;
        else perCopy += Object.keys(body.for_each).length;
      }
    }
  }
  const copies = Math.max(1, Math.ceil((wanted - fixed) / Math.max(1, perCopy)));
  let total = fixed;
  for (const { file, doc } of docs) {
    for (const byName of Object.values(doc.resource ?? {})) {
      for (const body of Object.values(byName)) {
        if (body.for_each === undefined) continue;
        const grown: Record<string, unknown> = {};
        for (let c = 0; c < copies; c++) {
          for (const [key, value] of Object.entries(body.for_each)) {
            // A new agency id per copy, so that keys stay unique and still start with an agency.
            grown[c === 0 ? key : key.replace(/^([^/]+)/, `$1-x${c}`)] = value;
            total++;
          }
        }
        body.for_each = grown;
      }
    }
    fs.writeFileSync(file, JSON.stringify(doc));
  }
  return total;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(source, "manifest.json"))) throw new Error(`${source} is not a synthesized folder; run npm run synth first`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-check-bench-"));
  try {
    const instances = grow(source, path.join(work, "out"), target);
    const t0 = process.hrtime.bigint();
    const { PACKS } = await lazyImport<typeof import("../policies/packs")>(path.join(REPO_ROOT, "policies", "packs"));
    const t1 = process.hrtime.bigint();
    const loaded = loadSynthFolder(path.join(work, "out"));
    const t2 = process.hrtime.bigint();
    const config: Record<string, Record<string, unknown>> = {
      "images-from-in-country-registries-pinned": { allowedRegistries: ["registry.north.govcloud.gov.vn", "registry.central.govcloud.gov.vn", "registry.south.govcloud.gov.vn"] },
      "endpoints-in-country": { allowedDomains: ["govcloud.gov.vn"] },
    };
    const rules: ActiveRule[] = PACKS.flatMap((p) =>
      p.rules.filter((e) => e.level !== "disabled").map((e) => ({
        id: e.rule.name,
        pack: p.name,
        level: e.level as "advisory" | "mandatory",
        policy: e.rule,
        // The schema's defaults, as `govcloud check` applies them, then the settings above.
        config: { ...Object.fromEntries(Object.entries(e.rule.configSchema?.properties ?? {}).map(([k, v]) => [k, (v as { default?: unknown }).default]).filter(([, v]) => v !== undefined)), ...config[e.rule.name] },
      })),
    );
    const findings = await evaluate(loaded.resources, rules);
    const t3 = process.hrtime.bigint();
    const ms = (a: bigint, b: bigint) => Number((b - a) / 1_000_000n);
    const heap = Math.round(process.memoryUsage().heapUsed / 2 ** 20);
    process.stdout.write(
      [
        `instances in the folder:        ${instances} (${loaded.resources.length} policy resources incl. state backends)`,
        `rules:                          ${rules.length}, findings: ${findings.length}`,
        `load rules (the packs):         ${ms(t0, t1)} ms`,
        `read + expand:                  ${ms(t1, t2)} ms`,
        `evaluate:                       ${ms(t2, t3)} ms`,
        `read + expand + evaluate:       ${ms(t1, t3)} ms  (${Math.round(loaded.resources.length / (Number(t3 - t1) / 1e9))} instances/s)`,
        `heap used:                      ${heap} MiB`,
        `cpus:                           ${os.cpus().length} x ${os.cpus()[0]?.model ?? "?"}`,
      ].join("\n") + "\n",
    );
  } finally {
    if (process.env.KEEP) process.stdout.write(`kept ${work}\n`); else fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();
