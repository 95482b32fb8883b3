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

/**
 * The Personal Data Protection Law (Law No. 91/2025/QH15, in force 1 January 2026): the basis of
 * personal data protection since it replaced Decree 13/2023/NĐ-CP.
 */
export const personalDataLaw = (control?: string): ControlReference => ({
  source: "Personal Data Protection Law (No. 91/2025/QH15)",
  ...(control === undefined ? {} : { control }),
});

/** Decree 356/2025/NĐ-CP, detailing the Personal Data Protection Law. */
export const decree356 = (control?: string): ControlReference => ({
  source: "Decree 356/2025/NĐ-CP (detailing the Personal Data Protection Law)",
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

/** Law on Network Information Security 2015 (Law No. 86/2015/QH13), which Decree 85/2016/NĐ-CP details. */
export const networkSecurityLaw = (control?: string): ControlReference => ({
  source: "Law on Network Information Security 2015 (No. 86/2015/QH13)",
  ...(control === undefined ? {} : { control }),
});

/** Circular 12/2022/TT-BTTTT, detailing Decree 85/2016/NĐ-CP: requirements per level, inspection and assessment. */
export const circular12 = (control?: string): ControlReference => ({
  source: "Circular 12/2022/TT-BTTTT (detailing Decree 85/2016/NĐ-CP)",
  ...(control === undefined ? {} : { control }),
});

/** TCVN 11930:2017, the national standard of basic security requirements for information systems by level. */
export const tcvn11930 = (control?: string): ControlReference => ({
  source: "TCVN 11930:2017 (information system security requirements by level)",
  ...(control === undefined ? {} : { control }),
});

/** ISO/IEC 27001:2022 Annex A controls. */
export const iso27001 = (control: string): ControlReference => ({ source: "ISO/IEC 27001:2022, Annex A", control });

/** Resolution 175/NQ-CP (30 October 2023) approving the National Data Center project: datacenters to green standards. */
export const resolution175 = (control?: string): ControlReference => ({
  source: "Resolution 175/NQ-CP (2023, National Data Center project)",
  ...(control === undefined ? {} : { control }),
});

/** Law on Economical and Efficient Use of Energy (Law No. 50/2010/QH12). */
export const energyEfficiencyLaw = (control?: string): ControlReference => ({
  source: "Law on Economical and Efficient Use of Energy (No. 50/2010/QH12)",
  ...(control === undefined ? {} : { control }),
});

/** ISO/IEC 30134, datacentre key performance indicators, by part. */
export const iso30134 = (part: "2" | "3", control: string): ControlReference => ({
  source: `ISO/IEC 30134-${part}:2016 (data centre KPIs: ${part === "2" ? "power usage effectiveness" : "renewable energy factor"})`,
  control,
});
