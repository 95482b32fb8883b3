/**
 * `govcloud addresses`: compares the synthesized resource addresses with the committed list
 * (engine/resource-addresses.ts); `--write` records the current list.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, Option } from "commander";
import writeFileAtomic from "write-file-atomic";
import { displayPath, UserError } from "../environments/diagnostics";
import { resolveEnvironmentFile } from "../environments";
import { addressesFilePath, addressLines, compareAddresses, listAddresses, readCommittedAddresses, renderAddresses, synthesize } from "../engine";

export function addressesCommand(repoRoot: string): Command {
  return new Command("addresses")
    .description("Compare the synthesized resource addresses with the committed list; --write records them.")
    .addOption(new Option("-e, --env <name>", "environment name, or the path of an environment .yaml file").default("national"))
    .option("--write", "record the current addresses in the committed list")
    .action((opts: { env: string; write?: boolean }) => {
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "govcloud-addresses-"));
      try {
        const { outdir } = synthesize({ repoRoot, environment: opts.env, out: path.join(out, "cdktf.out") });
        const file = addressesFilePath(resolveEnvironmentFile(repoRoot, opts.env));
        if (opts.write) {
          writeFileAtomic.sync(file, renderAddresses(listAddresses(outdir)));
          process.stdout.write(`wrote ${displayPath(file)}\n`);
          return;
        }
        const { added, lost, moved } = compareAddresses(readCommittedAddresses(file), outdir);
        for (const line of moved) process.stdout.write(`moved  ${line}\n`);
        for (const line of added) process.stdout.write(`added  ${line}\n`);
        if (lost.length > 0) {
          const lines = addressLines(file);
          throw new UserError(
            lost.map((address) => ({
              file: displayPath(file),
              line: lines.get(address) ?? 1,
              col: 1,
              path: address,
              message: "this resource would be destroyed: it is gone from the output and no moved block says where it went",
            })),
          );
        }
        process.stdout.write(`${added.length} added, ${moved.length} moved, none lost\n`);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
}
