/** The report formats of `govcloud check`. */
import type { CheckResult } from "../check";
import { renderJson } from "./json";
import { renderJunit } from "./junit";
import { renderSarif, type SarifOptions } from "./sarif";
import { renderText } from "./text";

export function render(format: "text" | "json" | "sarif" | "junit", result: CheckResult, version: string, options: SarifOptions = {}): string {
  switch (format) {
    case "text":
      return renderText(result);
    case "json":
      return renderJson(result);
    case "sarif":
      return renderSarif(result, version, options);
    case "junit":
      return renderJunit(result);
  }
}

export { renderJson, renderJunit, renderSarif, renderText };
