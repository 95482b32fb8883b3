/**
 * Vietnamese transliteration: every letter with every tone mark becomes its ASCII base letter,
 * written precomposed or decomposed, and names become valid agency ids.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AgencyId } from "../../environments/agency-schema";
import { idFromName, normalizeName, shortenId, stripDiacritics } from "../../environments/vietnamese";
import { isOneBytePerCharacter } from "../support/string-storage";

/**
 * The twelve vowels, each with its six tones (level, grave, acute, hook above, tilde, dot below),
 * written out letter by letter rather than computed, so that the test does not share the code's
 * method.
 */
const VOWELS: ReadonlyArray<readonly [base: string, forms: string]> = [
  ["a", "aàáảãạ"],
  ["a", "ăằắẳẵặ"],
  ["a", "âầấẩẫậ"],
  ["e", "eèéẻẽẹ"],
  ["e", "êềếểễệ"],
  ["i", "iìíỉĩị"],
  ["o", "oòóỏõọ"],
  ["o", "ôồốổỗộ"],
  ["o", "ơờớởỡợ"],
  ["u", "uùúủũụ"],
  ["u", "ưừứửữự"],
  ["y", "yỳýỷỹỵ"],
];
const CONSONANTS = "bcdghklmnpqrstvx";

/** Every Vietnamese letter, lower and upper case, with the ASCII letter it becomes. */
const LETTERS: ReadonlyArray<readonly [letter: string, ascii: string]> = [
  ...VOWELS.flatMap(([base, forms]) => [...forms].flatMap((c) => [[c, base] as const, [c.toUpperCase(), base.toUpperCase()] as const])),
  ["đ", "d"],
  ["Đ", "D"],
  ...[...CONSONANTS].flatMap((c) => [[c, c] as const, [c.toUpperCase(), c.toUpperCase()] as const]),
];

describe("stripDiacritics", () => {
  it("covers 12 vowels × 6 tones × 2 cases, đ and Đ, and the consonants", () => {
    expect(LETTERS.filter(([letter]) => !/^[a-z]$/i.test(letter))).toHaveLength(12 * 6 * 2 - 6 * 2 + 2) // all forms, but the six plain vowels in two cases; plus đ, Đ;
  });

  it.each(LETTERS)("%s becomes %s, precomposed (NFC) or decomposed (NFD)", (letter, ascii) => {
    expect(stripDiacritics(letter.normalize("NFC"))).toBe(ascii);
    expect(stripDiacritics(letter.normalize("NFD"))).toBe(ascii);
  });
});

describe("idFromName", () => {
  it("gives so-y-te-hue for Sở Y tế Huế", () => {
    expect(idFromName("Sở Y tế Huế")).toBe("so-y-te-hue");
    expect(idFromName("  Ủy ban nhân dân Phường Đống Đa — TP. Hà Nội ")).toBe("uy-ban-nhan-dan-phuong-dong-da-tp-ha-noi");
  });

  /** A Vietnamese word: letters from the table, with the ASCII word it becomes. */
  const word = fc.array(fc.constantFrom(...LETTERS), { minLength: 1, maxLength: 7 }).map((letters) => ({
    text: letters.map(([l]) => l).join(""),
    ascii: letters.map(([, a]) => a).join("").toLowerCase(),
  }));
  const separator = fc.constantFrom(" ", "  ", " - ", ", ", ". ", "\t", " (", ") ");
  const form = fc.constantFrom<"NFC" | "NFD">("NFC", "NFD");

  it("turns any name of Vietnamese words into its words without diacritics, joined by '-', a valid id when short enough", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(word, separator), { minLength: 1, maxLength: 10 }), form, (words, nf) => {
        const name = words.map(([w, sep], i) => (i === 0 ? w.text : `${sep}${w.text}`)).join("").normalize(nf);
        const id = idFromName(name);
        expect(id).toBe(words.map(([w]) => w.ascii).join("-"));
        expect(idFromName(name.normalize(nf === "NFC" ? "NFD" : "NFC"))).toBe(id);
        expect(normalizeName(name)).toBe(id.replace(/-/g, " "));
        expect(isOneBytePerCharacter(normalizeName(name))).toBe(true);
        expect(AgencyId.safeParse(id).success).toBe(id.length <= 50);
      }),
      { numRuns: 500 },
    );
  });

  it("shortens an id to whole words that fit", () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 60 }), (words, max) => {
        const id = words.join("-");
        const short = shortenId(id, max);
        expect(short.length).toBeLessThanOrEqual(max);
        expect(id === short || id.startsWith(`${short}-`) || short === "").toBe(true);
        if ((words[0] as string).length <= max) expect(short).not.toBe("");
      }),
    );
  });
});
