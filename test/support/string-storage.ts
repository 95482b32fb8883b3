/**
 * How V8 stores a string, for tests of code that keeps text at one byte per character
 * (core/one-byte-text.ts): its serialization starts with tag `"` for one byte per character and
 * `c` for two.
 */
import * as v8 from "node:v8";

export function isOneBytePerCharacter(text: string): boolean {
  return v8.serialize(text)[2] === 0x22;
}
