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

  it("reads files one after another alike whatever their sizes: larger than the buffer kept, smaller after a larger one, larger than any kept", () => {
    const file = path.join(dir, "sizes.txt");
    const sizes = [0, 1, 65_535, 65_536, 65_537, 200_000, 3, 17 * 1024 * 1024, 131_073, 2];
    sizes.forEach((size, i) => {
      // ASCII, then text with a Vietnamese letter (three bytes in UTF-8) at its end.
      const text = i % 2 === 0 ? "x".repeat(size) : `${"y".repeat(Math.max(0, size - 2))}ệ`;
      fs.writeFileSync(file, text);
      expect(readTextFile(file)).toBe(fs.readFileSync(file, "utf8"));
    });
  });

  it("throws as fs does for a missing file", () => {
    expect(() => readTextFile(path.join(dir, "missing.json"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });
});
