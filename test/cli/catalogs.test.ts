/**
 * The generated catalogs (cli/catalogs.ts): every descriptor module of a folder is listed, in
 * the order of its file name, and the committed catalog is what `npm run schemas` writes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOG_FILE, CATALOGS, catalogModules, descriptorExportName, renderCatalog } from "../../cli/catalogs";
import { REPO_ROOT, tempDir } from "../support/synth";

describe("the catalogs of the extension points", () => {
  it.each(CATALOGS.map((c) => [c.folder, c] as const))("%s/catalog.ts is in sync with its folder (run npm run schemas)", (_folder, catalog) => {
    const committed = fs.readFileSync(path.join(REPO_ROOT, catalog.folder, CATALOG_FILE), "utf8");
    expect(committed).toBe(renderCatalog(catalog, catalogModules(REPO_ROOT, catalog)));
  });

  it("lists a new module of the folder, and leaves out the shared modules and the catalog itself", () => {
    const catalog = CATALOGS[0]!;
    const root = tempDir("govcloud-catalog-");
    const folder = path.join(root, catalog.folder);
    fs.mkdirSync(folder, { recursive: true });
    for (const file of [...catalog.shared, CATALOG_FILE, "web-service.ts", "batch-queue-consumer.ts", "notes.d.ts"]) fs.writeFileSync(path.join(folder, file), "");
    expect(catalogModules(root, catalog)).toEqual(["batch-queue-consumer", "web-service"]);
    const text = renderCatalog(catalog, catalogModules(root, catalog));
    expect(text).toContain('import { batchQueueConsumer } from "./batch-queue-consumer";');
    expect(text).toContain(`export const ${catalog.listName} = [batchQueueConsumer, webService] as const;`);
  });

  it("names a module's descriptor after its file, in camelCase", () => {
    expect(descriptorExportName("open-data-api")).toBe("openDataApi");
    expect(descriptorExportName("worker")).toBe("worker");
    expect(descriptorExportName("ai2-inference")).toBe("ai2Inference");
  });
});
