/**
 * `govcloud diff`: what a synth would change against an output folder (default `cdktf.out`),
 * per stack, destroys first, without touching it. The environment is synthesized into a scratch
 * folder; the removal checks of synth apply (engine/removals.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, Option } from "commander";
import { displayPath, UserError } from "../environments/diagnostics";
import { outputChanges, renderChanges, synthesize } from "../engine";

export { renderChanges };

export function diffCommand(repoRoot: string): Command {
  return new Command("diff")
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .description("Show what synthesizing the environment would change against an output folder, per stack (destroys first); writes nothing.")
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default("national"))
    .addOption(new Option("--against <folder>", "synthesized output to compare with").default("cdktf.out"))
    .option("--allow-removal <name...>", "regions or node pools whose removal is intended (as for synth)")
    .action((opts: { env: string; against: string; allowRemoval?: string[] }) => {
      const against = path.resolve(opts.against);
      if (!fs.existsSync(path.join(against, "manifest.json"))) {
        throw new UserError([{ file: displayPath(against), line: 1, col: 1, path: "", message: "no synthesized output here (no manifest.json); run govcloud synth first, or name one with --against" }]);
      }
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-diff-"));
      try {
        const { outdir } = synthesize({
          repoRoot,
          environment: opts.env,
          out: path.join(scratch, "cdktf.out"),
          ...(opts.allowRemoval === undefined ? {} : { allowRemoval: opts.allowRemoval }),
        });
        process.stdout.write(renderChanges(outputChanges(against, outdir)));
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    });
}
