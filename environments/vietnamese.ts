/**
 * Vietnamese names as ASCII: agency ids from official names ("Sở Y tế Huế" -> so-y-te-hue), and
 * names compared without diacritics.
 *
 * Canonical decomposition (NFD) splits every precomposed letter into its base letter and
 * combining marks: the five tone marks (grave, acute, hook above, tilde, dot below) and the
 * letter modifiers (breve of ă, circumflex of â ê ô, horn of ơ ư). Dropping the marks leaves the
 * base letter. Đ and đ are letters of their own with no decomposition, so they are mapped
 * explicitly, as are the few look-alikes that Vietnamese keyboards and old fonts produce.
 */
import { oneBytePerCharacter } from "../core/one-byte-text";

/** Letters that NFD does not decompose, and what they are written as in ASCII. */
const EXPLICIT: Readonly<Record<string, string>> = {
  đ: "d",
  Đ: "D",
  // Latin letters that old TCVN3/VNI fonts and some keyboards produce for đ/Đ.
  ð: "d",
  Ð: "D",
  ɗ: "d",
  Ɖ: "D",
};

const EXPLICIT_PATTERN = new RegExp(`[${Object.keys(EXPLICIT).join("")}]`, "gu");

/** Every combining mark: tone marks and letter modifiers alike. */
const COMBINING_MARKS = /\p{M}/gu;

/** `text` without diacritics: each Vietnamese letter becomes its ASCII base letter, case kept. */
export function stripDiacritics(text: string): string {
  return text
    .normalize("NFD")
    .replace(COMBINING_MARKS, "")
    .replace(EXPLICIT_PATTERN, (c) => EXPLICIT[c] as string)
    .normalize("NFC");
}

/**
 * A name reduced to what a person would consider "the same name": no diacritics (đ is d), no
 * case, no punctuation. "Sở Y tế Hà Nội" and "SO Y TE - HA NOI" normalise alike.
 */
export function normalizeName(name: string): string {
  // ASCII, but made from two-byte text: stored one byte per character (core/one-byte-text.ts),
  // as it goes into labels, ids and every text they are joined into.
  return oneBytePerCharacter(
    stripDiacritics(name)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim(),
  );
}

/**
 * The agency id for an official name: diacritics dropped, lowercase, words joined by '-'.
 * "Sở Y tế Huế" becomes "so-y-te-hue". May be empty (a name without letters or digits) or
 * longer than an id may be: the caller checks it against the id schema.
 */
export function idFromName(name: string): string {
  return normalizeName(name).replace(/ /g, "-");
}

/**
 * A shorter id for an id that is too long: whole words from the start, as many as fit in `max`
 * characters. Empty when the first word alone is too long.
 */
export function shortenId(id: string, max: number): string {
  const words = id.split("-");
  let out = "";
  for (const word of words) {
    const next = out === "" ? word : `${out}-${word}`;
    if (next.length > max) break;
    out = next;
  }
  return out;
}
