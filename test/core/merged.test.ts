/**
 * core/merged.ts: `merged(a, b)` is `{ ...a, ...b }` for plain data, and objects made the same
 * way share one hidden class, which V8 in Node.js 20 does not give objects made by spreading and
 * then adding properties. The tenants of the national estate are built that way throughout.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { merged } from "../../core/merged";
import { REPO_ROOT } from "../support/synth";

const REGISTER = path.join(REPO_ROOT, "core", "register.cjs");

/** Runs `script` in a new Node process with V8's natives syntax (`%HaveSameMap`); its stdout as JSON. */
function withNatives(script: string): unknown {
  const output = execFileSync(process.execPath, ["--allow-natives-syntax", "-r", REGISTER, "-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
  return JSON.parse(output);
}

const plainRecord = fc.dictionary(
  fc.string({ maxLength: 6 }).filter((k) => k !== "__proto__"),
  fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
  { maxKeys: 8 },
);

describe("merged", () => {
  it("is { ...a, ...b, ... }: the same keys in the same order, later parts winning", () => {
    fc.assert(
      fc.property(fc.array(fc.option(plainRecord, { nil: undefined }), { maxLength: 4 }), (parts) => {
        const spread = parts.reduce<object>((out, p) => ({ ...out, ...p }), {});
        const made = merged(...parts);
        expect(Object.keys(made)).toEqual(Object.keys(spread));
        expect(made).toEqual(spread);
        expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
      }),
    );
  });

  it("skips undefined and null parts, as spreading does", () => {
    // What `{ ...undefined, a: 1, ...null, b: 2 }` is.
    expect(merged(undefined, { a: 1 }, null, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(merged(null)).toEqual({});
  });

  it("keeps a key named __proto__ as data, as spreading does", () => {
    const fromConfig = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const made = merged({ b: 2 }, fromConfig);
    expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
    expect(Object.keys(made)).toEqual(["b", "__proto__", "a"]);
    expect(Object.getOwnPropertyDescriptor(made, "__proto__")?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("gives objects made the same way one hidden class, where spreading gives each its own", () => {
    const counts = withNatives(`
      const { merged } = require("./core/merged.ts");
      const meta = (i) => ({ name: "quota", namespace: "tenant-" + i, labels: { agency: "a" + i } });
      const changes = (make) => {
        let previous, n = 0;
        for (let i = 0; i < 2000; i++) { const o = make(i); if (previous !== undefined && !%HaveSameMap(o, previous)) n++; previous = o; }
        return n;
      };
      console.log(JSON.stringify({
        spread: changes((i) => ({ ...meta(i), hard: { cpu: String(i) } })),
        merged: changes((i) => merged(meta(i), { hard: { cpu: String(i) } })),
      }));`) as { spread: number; merged: number };
    // Node.js 20's V8: a new hidden class nearly every time. If an upgrade shares them, core/merged.ts
    // has nothing left to do (docs/tenant-stacks.md says what it cost).
    expect(counts.spread).toBeGreaterThan(1900);
    expect(counts.merged).toBe(0);
  });

  it("builds the instances of each block of the national estate with few hidden classes", () => {
    const perBlock = withNatives(`
      const { loadEnvironmentConfig } = require("./environments/index.ts");
      const { readShardLock, lockFilePath } = require("./environments/tenant-stack-lock.ts");
      const { buildEstate } = require("./estate/estate.ts");
      const { buildTenant } = require("./estate/tenant-task.ts");
      const config = loadEnvironmentConfig(process.cwd(), "national");
      const { estate } = buildEstate(config, readShardLock(lockFilePath(config.environmentPath)));
      const shapes = new Map();
      let instances = 0;
      for (const stack of estate.tenantStacks) for (const task of stack.tenants) {
        const { instances: list } = buildTenant(estate.environment, task);
        for (let i = 0; i < list.length; i += 3) {
          instances++;
          const known = shapes.get(list[i]) ?? [];
          if (!known.some((o) => %HaveSameMap(o, list[i + 2]))) known.push(list[i + 2]);
          shapes.set(list[i], known);
        }
      }
      console.log(JSON.stringify({ instances, blocks: Object.fromEntries([...shapes].map(([b, k]) => [b, k.length])) }));`) as {
      instances: number;
      blocks: Record<string, number>;
    };
    expect(perBlock.instances).toBeGreaterThan(300);
    // A block's instances differ in shape only by their optional fields: a handful of hidden
    // classes, not one per instance (which spreading and then adding properties gives).
    expect(Object.entries(perBlock.blocks).filter(([, shapes]) => shapes > 3)).toEqual([]);
    expect(Object.values(perBlock.blocks).filter((shapes) => shapes === 1).length).toBeGreaterThan(Object.keys(perBlock.blocks).length / 2);
  });
});
