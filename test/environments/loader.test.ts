import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { UserError, displayPath, formatDiagnostic, formatPath } from "../../environments/diagnostics";
import { loadYamlFile, parseYaml, type YamlLimits } from "../../environments/loader";
import { TreeSourceMap } from "../../environments/source-map";
import { isOneBytePerCharacter } from "../support/string-storage";

// A tiny schema in the shape of our real ones: strict objects, defaults in the schema.
const Region = z.enum(["north", "central", "south"]);
const NodePool = z.strictObject({
  name: z.string().min(3),
  count: z.number().int().min(1),
});
const Cluster = z.strictObject({
  name: z.string(),
  region: Region,
  nodePools: z.array(NodePool).default([]),
  backup: z.boolean().default(false),
});

const FILE = "environments/cluster.yaml";
const LIMITS: YamlLimits = { maxBytes: 64 * 1024, maxAliases: 10 };

/** The formatted diagnostics parseYaml reports for `text`, or [] when it loads. */
function problems(text: string | Buffer, limits: YamlLimits = LIMITS, schema: z.ZodType = Cluster): string[] {
  try {
    parseYaml(text, FILE, schema, limits);
    return [];
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return error.diagnostics.map(formatDiagnostic);
  }
}

describe("parseYaml on a valid file", () => {
  const text = ["name: hcm-1", "region: south", "nodePools:", "  - name: general", "    count: 3", ""].join("\n");

  it("returns the validated value with schema defaults applied", () => {
    const { value } = parseYaml(text, FILE, Cluster, LIMITS);
    expect(value).toEqual({
      name: "hcm-1",
      region: "south",
      nodePools: [{ name: "general", count: 3 }],
      backup: false,
    });
  });

  it("maps field paths back to their position in the file", () => {
    const { source } = parseYaml(text, FILE, Cluster, LIMITS);
    expect(source.file).toBe(FILE);
    expect(source.locate(["nodePools", 0, "count"])).toEqual({ file: FILE, line: 5, col: 12 });
    expect(source.locateKey(["nodePools", 0, "count"])).toEqual({ file: FILE, line: 5, col: 5 });
    // A path that does not exist is located at its deepest existing ancestor.
    expect(source.locate(["nodePools", 0, "labels", "team"])).toEqual({ file: FILE, line: 4, col: 5 });
    expect(source.locate([])).toEqual({ file: FILE, line: 1, col: 1 });
  });

  it("keeps every Latin-1 string of a file with Vietnamese in it at one byte per character", () => {
    // Keys no other test reads: V8 interns a key once per process, in the form it first has.
    const vietnamese = ["ten-cum: Cụm Hòa Lạc", "nhom-may-1:", "  nut-may-1: { vung: bac-1 }", ""].join("\n");
    const { value } = parseYaml(vietnamese, FILE, z.record(z.string(), z.unknown()), LIMITS);
    const read = value as { "ten-cum": string; "nhom-may-1": { "nut-may-1": { vung: string } } };
    const keys = [...Object.keys(read), ...Object.keys(read["nhom-may-1"]), ...Object.keys(read["nhom-may-1"]["nut-may-1"])];
    expect(keys).toEqual(["ten-cum", "nhom-may-1", "nut-may-1", "vung"]);
    for (const key of keys) expect(isOneBytePerCharacter(key), key).toBe(true);
    expect(isOneBytePerCharacter(read["nhom-may-1"]["nut-may-1"].vung)).toBe(true);
    expect(read["ten-cum"]).toBe("Cụm Hòa Lạc");
  });

  it("reads YAML 1.1 booleans as strings, the way YAML 1.2 does", () => {
    const { value } = parseYaml("on: yes\n", FILE, z.record(z.string(), z.unknown()), LIMITS);
    expect(value).toEqual({ on: "yes" });
  });
});

describe("parseYaml rejects hostile input", () => {
  it("rejects an oversized file before parsing it", () => {
    // 608 characters but 1208 bytes: the limit is on bytes. The body is also broken YAML
    // (an unclosed quote); only the size is reported, so it was never parsed.
    const text = `name: "${"đ".repeat(600)}\n`;
    expect(text.length).toBeLessThan(1024);
    expect(problems(text, { maxBytes: 1024, maxAliases: 0 })).toEqual([
      `${FILE}:1:1: <document>: file is too large: 1208 bytes, the limit for this kind of file is 1024 bytes`,
    ]);
  });

  it("stops a billion-laughs alias bomb at the first alias over the limit", () => {
    const levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (const [prev, next] of [..."abcdefgh"].map((c, i) => [c, "bcdefghi"[i]])) {
      levels.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    // b holds 9 aliases, so the 11th alias is the second one on line 3.
    expect(problems(levels.join("\n"), { maxBytes: 64 * 1024, maxAliases: 10 })).toEqual([
      `${FILE}:3:12: c[1]: too many aliases: this file allows at most 10; write the values out in full`,
    ]);
  });

  it("limits what aliases expand to, not only how many there are", () => {
    // Four aliases, within the limit, but nesting makes them expand to eight values.
    const text = ["a: &a [x, x]", "b: &b [*a, *a]", "c: [*b, *b]", ""].join("\n");
    expect(problems(text, { maxBytes: 1024, maxAliases: 4 })).toEqual([
      `${FILE}:2:8: b[0]: aliases expand to more than 4 values (an alias inside an anchored value multiplies); write the values out in full`,
    ]);
  });

  it("rejects any alias in a file that allows none", () => {
    const text = ["name: &n hcm-1", "region: south", "nodePools:", "  - name: *n", "    count: 1", ""].join("\n");
    expect(problems(text, { maxBytes: 1024, maxAliases: 0 })).toEqual([
      `${FILE}:4:11: nodePools[0].name: aliases are not allowed in this file; write the value out in full`,
    ]);
  });

  it("rejects a duplicate key", () => {
    const text = ["name: hcm-1", "region: south", "name: hcm-2", ""].join("\n");
    expect(problems(text)).toEqual([
      `${FILE}:3:1: name: duplicate key 'name' (first defined on line 1); remove one of them`,
    ]);
  });

  it("treats keys that become the same JS property as duplicates", () => {
    const text = ["name: x", "region: south", "nodePools:", "  - name: abc", "    count: 1", '    "count": 2', ""].join("\n");
    expect(problems(text)).toEqual([
      `${FILE}:6:5: nodePools[0].count: duplicate key 'count' (first defined on line 5); remove one of them`,
    ]);
  });

  it("rejects a %YAML 1.1 directive, whose booleans are ambiguous", () => {
    const text = ["%YAML 1.1", "---", "name: hcm-1", "region: south", "backup: yes", ""].join("\n");
    expect(problems(text)).toEqual([
      `${FILE}:1:1: <document>: '%YAML 1.1' is not supported: files are read as YAML 1.2, where yes/no/on/off are strings, not booleans as in YAML 1.1; remove the directive and write true/false`,
    ]);
  });

  it("rejects a !!js/function tag", () => {
    const text = ["name: !!js/function 'function () { return 1 }'", "region: south", ""].join("\n");
    expect(problems(text)).toEqual([
      `${FILE}:1:7: name: tag '!!js/function' is not allowed; write a plain string, number, boolean, null, list or mapping without a tag`,
    ]);
  });

  it("rejects a custom tag, and core-schema extras such as !!binary and !!set", () => {
    const text = ["name: !custom hcm-1", "region: !!binary c291dGg=", "nodePools: !!set {a}", ""].join("\n");
    expect(problems(text)).toEqual([
      `${FILE}:1:7: name: tag '!custom' is not allowed; write a plain string, number, boolean, null, list or mapping without a tag`,
      `${FILE}:2:9: region: tag '!!binary' is not allowed; write a plain string, number, boolean, null, list or mapping without a tag`,
      `${FILE}:3:12: nodePools: tag '!!set' is not allowed; write a plain string, number, boolean, null, list or mapping without a tag`,
    ]);
  });

  it("rejects a merge key", () => {
    const text = [
      "defaults: &pool {name: general, count: 1}",
      "name: hcm-1",
      "region: south",
      "nodePools:",
      "  - <<: *pool",
      "    count: 3",
      "",
    ].join("\n");
    expect(problems(text)).toEqual([`${FILE}:5:5: nodePools[0]: merge keys ('<<') are not supported; write the fields out in full`]);
  });

  it("rejects more than one document in a file", () => {
    const text = ["name: hcm-1", "region: south", "---", "name: hn-1", "region: north", ""].join("\n");
    expect(problems(text)).toEqual([
      `${FILE}:3:1: <document>: a file may hold only one YAML document; remove the '---' line or move the second document to its own file`,
    ]);
  });

  it("reports every syntax error, not only the first", () => {
    const text = ["name: [hcm-1", "region: {south", 'backup: "yes', ""].join("\n");
    expect(problems(text)).toEqual([
      `${FILE}:2:1: <document>: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      `${FILE}:3:1: <document>: Flow map in block collection must be sufficiently indented and end with a }`,
      `${FILE}:4:1: <document>: Missing closing "quote`,
    ]);
  });

  it("keeps a __proto__ key harmless and reports it as an unknown field", () => {
    const text = ["name: hcm-1", "region: south", "__proto__:", "  polluted: true", ""].join("\n");
    expect(problems(text)).toEqual([`${FILE}:3:1: __proto__: unknown field '__proto__'`]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");

    // Without a strict schema, the key arrives as an ordinary own property.
    const { value } = parseYaml(text, FILE, z.unknown(), LIMITS);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value as object)).toEqual(["name", "region", "__proto__"]);
    expect(Object.getOwnPropertyDescriptor(value, "__proto__")?.value).toEqual({ polluted: true });
    expect((value as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("copes with the largest file an environment may be, all of it keys", () => {
    // The duplicate check must stay linear (yaml's own is quadratic: minutes here), and no
    // per-key array may be spread into a call (that overflowed the stack at 150,000 keys).
    const count = 70_000;
    const text = Array.from({ length: count }, (_, i) => `k${i}: ${i}`).join("\n");
    expect(text.length).toBeLessThan(1024 * 1024);
    const { value } = parseYaml(text, FILE, z.record(z.string(), z.number()), { maxBytes: 1024 * 1024, maxAliases: 0 });
    expect(Object.keys(value)).toHaveLength(count);
  });

  it("requires a mapping at the top level", () => {
    expect(problems("")).toEqual([`${FILE}:1:1: <document>: the file is empty; expected a mapping of fields (key: value)`]);
    expect(problems("# only a comment\n")).toEqual([
      `${FILE}:1:1: <document>: the file is empty; expected a mapping of fields (key: value)`,
    ]);
    expect(problems("- north\n- south\n")).toEqual([
      `${FILE}:1:1: <document>: the top level must be a mapping of fields (key: value), got list`,
    ]);
  });

  it("rejects bytes that are not UTF-8", () => {
    expect(problems(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0x0a]))).toEqual([
      `${FILE}:1:1: <document>: file is not valid UTF-8; save it as UTF-8 text`,
    ]);
  });
});

describe("parseYaml reports schema problems where they are written", () => {
  it("reports a value of the wrong type with the value found", () => {
    const text = ["name: hcm-1", "region: south", "nodePools:", "  - name: general", "    count: three", ""].join("\n");
    expect(problems(text)).toEqual([`${FILE}:5:12: nodePools[0].count: expected number, got string "three"`]);
  });

  it("reports an unknown field at its key, with a suggestion", () => {
    const text = ["name: hcm-1", "region: south", "backpu: true", ""].join("\n");
    expect(problems(text)).toEqual([`${FILE}:3:1: backpu: unknown field 'backpu'; did you mean 'backup'?`]);
  });

  it("suggests nothing when no known field is close", () => {
    const text = ["name: hcm-1", "region: south", "nodePools:", "  - name: general", "    count: 1", "    storage: ssd", ""].join("\n");
    expect(problems(text)).toEqual([`${FILE}:6:5: nodePools[0].storage: unknown field 'storage'`]);
  });

  it("reports an invalid enum value with the allowed values", () => {
    expect(problems("name: hcm-1\nregion: west\n")).toEqual([
      `${FILE}:2:9: region: must be one of north, central, south; got "west"`,
    ]);
  });

  it("reports a missing required field at the mapping that lacks it", () => {
    const text = ["name: hcm-1", "region: south", "nodePools:", "  - name: general", ""].join("\n");
    expect(problems(text)).toEqual([`${FILE}:4:5: nodePools[0]: missing required field 'count'`]);
    expect(problems("name: hcm-1\n")).toEqual([`${FILE}:1:1: <document>: missing required field 'region'`]);
  });

  it("reports an empty value at its key", () => {
    expect(problems("name:\nregion: south\n")).toEqual([`${FILE}:1:1: name: expected string, got null`]);
  });

  it("reports several problems at once, in line order", () => {
    const text = [
      "name: 42", //                      wrong type
      "regoin: north", //                 unknown field (and so region is missing)
      "nodePools:",
      "  - name: ab", //                  too short
      "    count: 0", //                  too small
      "  - name: general",
      "    count: 2.5", //                not an integer
      "    count: 3", //                  duplicate key: a YAML problem, reported on its own
      "",
    ].join("\n");
    // A YAML-level problem is reported alone: the schema does not judge a rejected document.
    expect(problems(text)).toEqual([
      `${FILE}:8:5: nodePools[1].count: duplicate key 'count' (first defined on line 7); remove one of them`,
    ]);
    const withoutDuplicate = text.replace("    count: 3\n", "");
    expect(problems(withoutDuplicate)).toEqual([
      `${FILE}:1:1: <document>: missing required field 'region'`,
      `${FILE}:1:7: name: expected string, got number 42`,
      `${FILE}:2:1: regoin: unknown field 'regoin'; did you mean 'region'?`,
      `${FILE}:4:11: nodePools[0].name: must be at least 3 characters long; got "ab"`,
      `${FILE}:5:12: nodePools[0].count: must be at least 1; got 0`,
      `${FILE}:7:12: nodePools[1].count: expected integer, got number 2.5`,
    ]);
  });

  it("carries the diagnostics in the error and all of them in its message", () => {
    let caught: unknown;
    try {
      parseYaml("name: hcm-1\nregion: west\nextra: 1\n", FILE, Cluster, LIMITS);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    const error = caught as UserError;
    expect(error.diagnostics).toEqual([
      { file: FILE, line: 2, col: 9, path: "region", message: 'must be one of north, central, south; got "west"' },
      { file: FILE, line: 3, col: 1, path: "extra", message: "unknown field 'extra'" },
    ]);
    expect(error.message).toBe(error.diagnostics.map(formatDiagnostic).join("\n"));
  });
});

describe("loadYamlFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "govcloud-loader-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads and validates a file", () => {
    const file = join(dir, "ok.yaml");
    writeFileSync(file, "name: hcm-1\nregion: south\n");
    expect(loadYamlFile(file, Cluster, LIMITS).value).toEqual({ name: "hcm-1", region: "south", nodePools: [], backup: false });
  });

  it("shows a file outside the working directory as given", () => {
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "name: hcm-1\nregion: west\n");
    expect(() => loadYamlFile(file, Cluster, LIMITS)).toThrow(
      new UserError([{ file, line: 2, col: 9, path: "region", message: 'must be one of north, central, south; got "west"' }]),
    );
  });

  it("rejects an oversized file from its size on disk", () => {
    const file = join(dir, "big.yaml");
    writeFileSync(file, `name: ${"x".repeat(100)}\n`);
    expect(() => loadYamlFile(file, Cluster, { maxBytes: 50, maxAliases: 0 })).toThrow(
      `${file}:1:1: <document>: file is too large: 107 bytes, the limit for this kind of file is 50 bytes`,
    );
  });

  it("reports a missing file at file:1:1", () => {
    expect(() => loadYamlFile("environments/no-such-file.yaml", Cluster, LIMITS)).toThrow(
      "environments/no-such-file.yaml:1:1: <document>: file not found; check the path",
    );
  });

  it("reports a directory at file:1:1", () => {
    expect(() => loadYamlFile(dir, Cluster, LIMITS)).toThrow(`${dir}:1:1: <document>: is not a regular file; expected a YAML file`);
  });

  it("reports a named pipe at file:1:1 instead of waiting for a writer", () => {
    const fifo = join(dir, "agency.yaml");
    execFileSync("mkfifo", [fifo]);
    expect(() => loadYamlFile(fifo, Cluster, LIMITS)).toThrow(`${fifo}:1:1: <document>: is not a regular file; expected a YAML file`);
  });
});

describe("diagnostics formatting", () => {
  it("formats field paths the way they read in YAML", () => {
    expect(formatPath(["regions", "north", "nodePools", 1, "count"])).toBe("regions.north.nodePools[1].count");
    expect(formatPath(["agencies", "bo-tai-chinh", "quota"])).toBe("agencies.bo-tai-chinh.quota");
    expect(formatPath(["labels", "app.kubernetes.io/name"])).toBe('labels["app.kubernetes.io/name"]');
    expect(formatPath(["labels", "1"])).toBe('labels["1"]');
    expect(formatPath(["a b"])).toBe('["a b"]');
    expect(formatPath([])).toBe("");
  });

  it("shows files inside the working directory relative to it", () => {
    expect(displayPath(join(process.cwd(), "environments", "prod.yaml"))).toBe("environments/prod.yaml");
    expect(displayPath("/elsewhere/prod.yaml", "/work/main")).toBe("/elsewhere/prod.yaml");
    expect(displayPath("../prod.yaml", "/work/main")).toBe("../prod.yaml");
  });

  it("recognises a UserError from another copy of the module as a UserError, and nothing else", () => {
    // What a second copy's constructor leaves on its errors (modules loaded on first use are a second copy under vitest).
    const fromCopy = Object.defineProperty(new Error("x.yaml:1:1: <document>: bad"), Symbol.for("govcloud.UserError"), { value: true });
    expect(fromCopy instanceof UserError).toBe(true);
    expect(new UserError([{ file: "x.yaml", line: 1, col: 1, path: "", message: "bad" }]) instanceof UserError).toBe(true);
    expect(new Error("internal") instanceof UserError).toBe(false);
    expect({ [Symbol.for("govcloud.UserError")]: true } instanceof UserError).toBe(false);
  });
});

describe("parseYaml properties", () => {
  /** True when `key` is used as a mapping key anywhere in `value`. */
  const usesKey = (value: unknown, key: string): boolean =>
    Array.isArray(value)
      ? value.some((v) => usesKey(v, key))
      : typeof value === "object" && value !== null
        ? Object.entries(value).some(([k, v]) => k === key || usesKey(v, key))
        : false;

  it("round-trips JSON-compatible mappings written by yaml's stringify", () => {
    const big: YamlLimits = { maxBytes: 10 * 1024 * 1024, maxAliases: 0 };
    fc.assert(
      fc.property(
        fc
          .dictionary(fc.string({ unit: "binary" }), fc.jsonValue({ stringUnit: "binary" }))
          // stringify writes a `<<` key unquoted, which this loader rejects on purpose as a merge key.
          .filter((value) => !usesKey(value, "<<")),
        (value) => {
          expect(parseYaml(stringify(value), FILE, z.unknown(), big).value).toEqual(value);
          expect(parseYaml(stringify(value), FILE, z.record(z.string(), z.unknown()), big).value).toEqual(
            // zod's record drops a __proto__ key rather than assign it.
            Object.fromEntries(Object.entries(value).filter(([k]) => k !== "__proto__")),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("throws nothing but UserError, whatever the input", () => {
    const yamlish = fc
      .array(
        fc.constantFrom(
          "a", "name", "region", "nodePools", "count", "__proto__", "<<", ":", ": ", " ", "  ", "\n", "- ",
          "[", "]", "{", "}", ",", "?", "&a ", "*a", "!!str ", "!!js/function ", "!x ", "|", ">", "'", '"',
          "#", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "1", "-1.5", "yes", "null", "~", "\t", "\uFEFF",
        ),
        { maxLength: 60 },
      )
      .map((parts) => parts.join(""));
    const input = fc.oneof(fc.string(), fc.string({ unit: "binary" }), yamlish);
    fc.assert(
      fc.property(input, fc.constantFrom<z.ZodType>(Cluster, z.unknown()), (text, schema) => {
        try {
          parseYaml(text, FILE, schema, { maxBytes: 4096, maxAliases: 2 });
        } catch (error) {
          if (!(error instanceof UserError)) throw error;
          expect(error.diagnostics.length).toBeGreaterThan(0);
          for (const d of error.diagnostics) {
            expect(d.line).toBeGreaterThanOrEqual(1);
            expect(d.col).toBeGreaterThanOrEqual(1);
            expect(formatDiagnostic(d)).not.toContain("\n");
          }
        }
        expect(Object.prototype).not.toHaveProperty("polluted");
      }),
      { numRuns: 200 },
    );
  });
});

describe("source maps across threads", () => {
  it("locate every field the same after their source tree is copied as plain data", () => {
    const text = [
      "defaults: &d",
      "  cpu: 2",
      "  tags: [a, b]",
      "north:",
      "  <<x: 1",
      "  base: *d",
      "  empty:",
      "  list:",
      "    - &item {name: one}",
      "    - *item",
      "    -",
      "",
    ].join("\n");
    const loaded = parseYaml(text, "tree.yaml", z.any(), { maxBytes: 10_000, maxAliases: 10 });
    const source = loaded.source as TreeSourceMap;
    // What a worker thread's postMessage does to it.
    const copy = new TreeSourceMap(source.file, structuredClone(source.tree));
    const steps: PropertyKey[] = ["defaults", "north", "base", "cpu", "tags", 0, 1, 2, "empty", "list", "name", "missing", "<<x"];
    const paths = fc.sample(fc.array(fc.constantFrom(...steps), { maxLength: 5 }), { numRuns: 400, seed: 7 });
    for (const p of [[], ["north", "base", "tags", 1], ["north", "list", 1, "name"], ["north", "empty"], ["north", "list", 2], ...paths]) {
      expect([copy.locate(p), copy.locateKey(p)]).toEqual([source.locate(p), source.locateKey(p)]);
    }
    // Through an alias to where its anchor writes the value; an empty value at its key.
    expect(source.locate(["north", "base", "cpu"])).toMatchObject({ line: 2, col: 8 });
    expect(source.locate(["north", "empty"])).toMatchObject({ line: 7, col: 3 });
  });
});
