/**
 * Every rule's compliant and non-compliant fixtures, one module per pack under ./packs/
 * (mirroring policies/<pack>/). They run in this one test file because each test file is its
 * own process, and each process pays about a second to load @pulumi/policy.
 */
import "./packs/kubernetes-security";
import "./packs/tenant-isolation";
import "./packs/data-residency";
import "./packs/backup";
import "./packs/green";
import "./packs/security-level";
import "./packs/personal-data";
