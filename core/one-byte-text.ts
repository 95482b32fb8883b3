/**
 * Text stored at one byte per character wherever its characters allow.
 *
 * V8 stores a string with any character beyond Latin-1 at two bytes per character, and every
 * substring of it and every string made from it too, whatever their own characters. A YAML file
 * with one Vietnamese name is such a string, and so are the ids, keys and names read from it. A
 * key is interned in that form, and every later string with its characters is that same string,
 * whichever file it comes from; every name made from it and every text it is joined into is then
 * two bytes per character as well. The 3,400-agency estate's stacks were all written as two-byte
 * text that way, and joining the serializer's pieces of them took about 2 s where one-byte text
 * takes 0.1 s (docs/tenant-stacks.md). The YAML loader and the ASCII forms of names compact their
 * strings here.
 */

const BEYOND_LATIN1 = /[^\0-\xff]/;

/** Whether `text` has a character beyond Latin-1 (U+0100 or above): then it is two bytes per character. */
export function hasCharactersBeyondLatin1(text: string): boolean {
  return BEYOND_LATIN1.test(text);
}

/** `text` stored at one byte per character when all its characters are Latin-1; else `text` itself. */
export function oneBytePerCharacter(text: string): string {
  return BEYOND_LATIN1.test(text) ? text : Buffer.from(text, "latin1").toString("latin1");
}
