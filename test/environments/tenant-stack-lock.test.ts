/**
 * The tenant-stack lock: what govcloud writes reads back as it was written, and any other text is
 * read by the YAML loader, with the same meaning or a located error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "../../environments/diagnostics";
import { parseGeneratedShardLock, readShardLock, renderShardLock } from "../../environments/tenant-stack-lock";
import { tempDir } from "../support/synth";

const dir = tempDir("govcloud-lock-");
let files = 0;
function lockFile(text: string): string {
  const file = path.join(dir, `lock-${files++}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

const agencyId = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
const lock = fc.dictionary(agencyId, fc.integer({ min: 0, max: 999 }), { maxKeys: 40 }).map((agencies) => ({ agencies }));

describe("readShardLock", () => {
  it("reads back what renderShardLock wrote, and means what the YAML loader reads in it", () => {
    fc.assert(
      fc.property(lock, (written) => {
        const text = renderShardLock(written);
        // Read without the YAML loader...
        expect(parseGeneratedShardLock(text)).toEqual(written);
        expect(readShardLock(lockFile(text))).toEqual(written);
        expect(parseGeneratedShardLock(`${text}# edited\n`)).toBeUndefined();
        // ...and, with a comment, as text govcloud did not write: by the YAML loader, to the same lock.
        expect(readShardLock(lockFile(`${text}# edited\n`))).toEqual(written);
      }),
      { numRuns: 100 },
    );
  });

  it("reads hand-edited text with the YAML loader: the same numbers, or every problem where it is", () => {
    const header = renderShardLock({ agencies: {} }).replace("agencies: {}\n", "");
    const edited = `${header}agencies:\n  bo-y-te: 007\n  xa-ba-na:   2\n`;
    expect(parseGeneratedShardLock(edited)).toBeUndefined();
    expect(readShardLock(lockFile(edited))).toEqual({ agencies: { "bo-y-te": 7, "xa-ba-na": 2 } });
    const located = (text: string) => {
      try {
        readShardLock(lockFile(text));
      } catch (error) {
        if (error instanceof UserError) return error.diagnostics.map((d) => `${d.line}:${d.col}: ${d.path}`);
        throw error;
      }
      throw new Error("no error");
    };
    expect(located(`${header}agencies:\n  bo-y-te: 0\n  bo-y-te: 1\n`)).toEqual(["6:3: agencies.bo-y-te"]);
    expect(located(`${header}agencies:\n  bo-y-te: 0\n  Bo_Y_Te: 2\n  xa-ba-na: 1000\n`)).toEqual(["6:3: agencies.Bo_Y_Te", "7:13: agencies.xa-ba-na"]);
  });

  it("reads a missing lock as empty", () => {
    expect(readShardLock(path.join(dir, "missing.yaml"))).toEqual({ agencies: {} });
  });
});
