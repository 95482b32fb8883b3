import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readTextFile } from "../../core/text-file";
import { tempDir } from "../support/synth";

const dir = tempDir("govcloud-text-file-");

describe("readTextFile", () => {
  it("gives what fs.readFileSync(file, 'utf8') gives, for any bytes", () => {
    const file = path.join(dir, "any.txt");
    const texts = fc.oneof(
      fc.string({ unit: "binary" }).map((text) => Buffer.from(text, "utf8")),
      fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), // invalid UTF-8 and stray BOMs among them
      fc.string({ unit: fc.constantFrom(..."{}[]\":, \n\tabc019") }).map((text) => Buffer.from(text, "latin1")),
    );
    fc.assert(
      fc.property(texts, (bytes) => {
        fs.writeFileSync(file, bytes);
        expect(readTextFile(file)).toBe(fs.readFileSync(file, "utf8"));
      }),
    );
  });

  it("throws as fs does for a missing file", () => {
    expect(() => readTextFile(path.join(dir, "missing.json"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });
});
