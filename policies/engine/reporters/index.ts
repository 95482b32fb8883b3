/** The report formats of `govcloud check`. */
import type { CheckResult } from "../check";
import { renderJson } from "./json";
import { renderJunit } from "./junit";
import { renderSarif } from "./sarif";
import { renderText } from "./text";

export function render(format: "text" | "json" | "sarif" | "junit", result: CheckResult, version: string): string {
  switch (format) {
    case "text":
      return renderText(result);
    case "json":
      return renderJson(result);
    case "sarif":
      return renderSarif(result, version);
    case "junit":
      return renderJunit(result);
  }
}

export { renderJson, renderJunit, renderSarif, renderText };
