/**
 * The legal and benchmark references that packs attach to rules. One place, so that a citation
 * is written once and the catalog (docs/policies.md) lists them consistently.
 */
import type { ControlReference } from "../engine/types";

/** Decree 85/2016/NĐ-CP on the security of information systems by security level. */
export const decree85 = (control?: string): ControlReference => ({
  source: "Decree 85/2016/NĐ-CP (information system security by level)",
  ...(control === undefined ? {} : { control }),
});

/** Law on Cybersecurity 2018 (Law No. 24/2018/QH14). */
export const cybersecurityLaw = (control?: string): ControlReference => ({
  source: "Law on Cybersecurity 2018 (No. 24/2018/QH14)",
  ...(control === undefined ? {} : { control }),
});

/** Decree 53/2022/NĐ-CP, detailing the Law on Cybersecurity, including data storage in Vietnam. */
export const decree53 = (control?: string): ControlReference => ({
  source: "Decree 53/2022/NĐ-CP (data storage in Vietnam)",
  ...(control === undefined ? {} : { control }),
});

/** Decree 13/2023/NĐ-CP on personal data protection. */
export const decree13 = (control?: string): ControlReference => ({
  source: "Decree 13/2023/NĐ-CP (personal data protection)",
  ...(control === undefined ? {} : { control }),
});

/** Kubernetes Pod Security Standards, by the control's name in the standard. */
export const pss = (level: "baseline" | "restricted", control: string): ControlReference => ({
  source: `Kubernetes Pod Security Standards (${level})`,
  control,
  url: "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
});

/** CIS Kubernetes Benchmark, by recommendation number. */
export const cis = (control: string): ControlReference => ({ source: "CIS Kubernetes Benchmark v1.9.0", control });
