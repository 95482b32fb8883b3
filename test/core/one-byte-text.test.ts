/** Text stored at one byte per character (core/one-byte-text.ts). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasCharactersBeyondLatin1, oneBytePerCharacter } from "../../core/one-byte-text";
import { isOneBytePerCharacter } from "../support/string-storage";

describe("oneBytePerCharacter", () => {
  it("gives the same text for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(oneBytePerCharacter(text)).toBe(text);
        expect(hasCharactersBeyondLatin1(text)).toBe([...text].some((c) => (c.codePointAt(0) as number) > 0xff));
      }),
    );
  });

  it("stores a Latin-1 substring of a two-byte text at one byte per character", () => {
    const text = `tên: Bộ Y tế, mã: bo-y-te-${"é".repeat(3)}`;
    const id = text.slice(text.indexOf("bo-y-te"));
    expect(isOneBytePerCharacter("bo-y-te")).toBe(true);
    expect(isOneBytePerCharacter(text)).toBe(false);
    expect(isOneBytePerCharacter(id)).toBe(false); // what this is for: V8 keeps it as its text is
    expect(isOneBytePerCharacter(oneBytePerCharacter(id))).toBe(true);
    // Text with a character beyond Latin-1 cannot be, and is given back as it is.
    expect(oneBytePerCharacter(text)).toBe(text);
  });
});
