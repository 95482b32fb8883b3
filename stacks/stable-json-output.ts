/**
 * Stacks whose synthesized cdk.tf.json is written with our serializer (core/stable-json.ts)
 * instead of cdktf's json-stable-stringify: the same bytes, in about two thirds of the time.
 * cdktf's synthesizer still does everything else (aspects, validations, annotations, the
 * manifest entry); it is handed an empty document to write, and the real one is written after it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { TerraformStack } from "cdktf";
import { ForEachDataStack } from "../constructs/for-each";
import { stableJsonChunks } from "../core/stable-json";

export function writeWithStableJson(stack: TerraformStack): void {
  const cdktf = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session) {
      let document: unknown;
      const own = stack as { toTerraform: () => unknown };
      const toTerraform = own.toTerraform;
      own.toTerraform = () => {
        document = stack instanceof ForEachDataStack ? stack.withLiteralMarkers(() => toTerraform.call(stack)) : toTerraform.call(stack);
        return {};
      };
      try {
        cdktf.synthesize(session);
      } finally {
        delete (own as { toTerraform?: unknown }).toTerraform;
      }
      // Undefined when cdktf wrote HCL instead (SYNTH_HCL_OUTPUT), which does not call toTerraform.
      if (document === undefined) return;
      writeDocument(path.join(session.outdir, session.manifest.forStack(stack).synthesizedStackPath), document);
    },
  };
}

/**
 * Writes `document` as stable JSON, piece by piece (core/stable-json.ts). The file is complete
 * only when this returns; synthesis writes into a staging folder that replaces the output only
 * once everything succeeded (engine/output-directory.ts), so no one reads it half-written.
 */
function writeDocument(file: string, document: unknown): void {
  const fd = fs.openSync(file, "w");
  try {
    if (!stableJsonChunks(document, (text) => fs.writeSync(fd, text))) throw new Error(`internal: nothing to write for ${file}`);
  } finally {
    fs.closeSync(fd);
  }
}
