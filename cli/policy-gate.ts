/**
 * The policy gate of `govcloud synth`: the staged output is checked against every pack before it
 * replaces the previous output. Mandatory violations fail synthesis like any other bad input:
 * one line each, at the agency or environment YAML that produced the resource, naming the rule
 * and the resource, exit code 2.
 */
import * as path from "node:path";
import { type Diagnostic, UserError } from "../environments/diagnostics";
import { BlockingWorker } from "./blocking-worker";
import type { GateFinding, GateRequest, PrepareRequest } from "./policy-gate-worker";

export class PolicyGate {
  private readonly worker = new BlockingWorker<PrepareRequest | GateRequest, GateFinding[]>(path.join(__dirname, "policy-gate-worker.cjs"));
  private preparing = false;

  /**
   * Starts reading the environment's policy settings and sources on the gate's thread and
   * returns at once; the next check uses them. Problems are left for the check to report.
   */
  public prepare(request: Omit<PrepareRequest, "kind">): void {
    this.settle();
    this.worker.send({ kind: "prepare", ...request });
    this.preparing = true;
  }

  /** Throws a UserError listing every unsuppressed mandatory violation in `dir`. */
  public check(request: Omit<GateRequest, "kind">): void {
    this.settle();
    const findings = this.worker.call({ kind: "check", ...request });
    if (findings.length === 0) return;
    throw new UserError(findings.map((f) => toDiagnostic(f, request.environment)));
  }

  public close(): void {
    this.worker.close();
  }

  /** Waits for a preparation in flight; if it failed, the check loads what it needs itself. */
  private settle(): void {
    if (!this.preparing) return;
    this.preparing = false;
    try {
      this.worker.receive();
    } catch {
      // The check reads the environment again and reports its problems.
    }
  }
}

function toDiagnostic(f: GateFinding, environmentFile: string): Diagnostic {
  const where = f.source ?? { file: path.relative(process.cwd(), environmentFile) || environmentFile, line: 1, col: 1 };
  const resource = f.address === "" ? f.stack : `${f.stack}/${f.address}`;
  return { ...where, path: resource, message: `[${f.rule}] ${f.message}` };
}
