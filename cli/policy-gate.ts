/**
 * The policy gate of `govcloud synth`: the staged output is checked against every pack before it
 * replaces the previous output. Mandatory violations fail synthesis like any other bad input:
 * one line each, at the agency or environment YAML that produced the resource, naming the rule
 * and the resource, exit code 2.
 */
import * as path from "node:path";
import { type Diagnostic, UserError } from "../environments/diagnostics";
import { BlockingWorker } from "./blocking-worker";
import type { GateFinding, GateRequest } from "./policy-gate-worker";

export class PolicyGate {
  private readonly worker = new BlockingWorker<GateRequest, GateFinding[]>(path.join(__dirname, "policy-gate-worker.cjs"));

  /** Throws a UserError listing every unsuppressed mandatory violation in `dir`. */
  public check(request: GateRequest): void {
    const findings = this.worker.call(request);
    if (findings.length === 0) return;
    throw new UserError(findings.map((f) => toDiagnostic(f, request.environment)));
  }

  public close(): void {
    this.worker.close();
  }
}

function toDiagnostic(f: GateFinding, environmentFile: string): Diagnostic {
  const where = f.source ?? { file: path.relative(process.cwd(), environmentFile) || environmentFile, line: 1, col: 1 };
  const resource = f.address === "" ? f.stack : `${f.stack}/${f.address}`;
  return { ...where, path: resource, message: `[${f.rule}] ${f.message}` };
}
