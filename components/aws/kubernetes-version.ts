/**
 * Which Kubernetes version an EKS cluster runs, decided before anything is created, from what EKS
 * offers (`eks.getClusterVersions`) and what already runs. Pure, so every rule is tested alone.
 *
 * - Unpinned, a new cluster takes EKS's own default version, and an existing one keeps its version:
 *   EKS moving its default never upgrades a cluster unasked.
 * - Pinned, the version must be one EKS offers; with the STANDARD support policy, one in standard
 *   support (EKS upgrades a STANDARD cluster when its version leaves standard support, so it cannot
 *   run there); and for a cluster that exists, no lower than what it runs and at most one minor above
 *   (EKS upgrades one minor at a time and never downgrades).
 */

export type SupportType = "STANDARD" | "EXTENDED";

/** One version as `eks.getClusterVersions` reports it. */
export interface OfferedVersion {
  version: string;
  /** `STANDARD_SUPPORT`, `EXTENDED_SUPPORT` or `UNSUPPORTED`. */
  status: string;
  /** The version EKS creates a cluster with when none is given. */
  isDefault: boolean;
  endOfStandardSupport?: Date;
  endOfExtendedSupport?: Date;
}

export interface VersionRequest {
  /** `eksKubernetesVersion`, when the stack pins one. */
  pinned?: string;
  /** The version of the stack's cluster, when it exists already. */
  existing?: string;
  offered: readonly OfferedVersion[];
  supportType: SupportType;
  now: Date;
  /** How far ahead to warn that standard support ends. @default 90 days */
  warnDays?: number;
}

export interface VersionChoice {
  version: string;
  /** Why this version: the stack pins it, the cluster runs it, or it is EKS's default. */
  reason: "pinned" | "existing" | "default";
  /** What makes the request impossible; each is about `eksKubernetesVersion`. */
  problems: string[];
  warnings: string[];
}

function minor(version: string): number {
  return Number(version.split(".")[1] ?? Number.NaN);
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** EKS's default: the one version marked so, the newest of several, or else the newest in standard support. */
export function defaultVersion(offered: readonly OfferedVersion[]): string | undefined {
  const newestFirst = [...offered].sort((a, b) => minor(b.version) - minor(a.version));
  return (newestFirst.find((v) => v.isDefault) ?? newestFirst.find((v) => v.status === "STANDARD_SUPPORT"))?.version;
}

export function chooseKubernetesVersion(request: VersionRequest): VersionChoice {
  const { pinned, existing, offered, supportType, now } = request;
  const warnDays = request.warnDays ?? 90;
  const problems: string[] = [];
  const warnings: string[] = [];
  const standard = offered.filter((v) => v.status === "STANDARD_SUPPORT").map((v) => v.version);
  const inStandard = standard.join(", ") || "none";

  const reason: VersionChoice["reason"] = pinned ? "pinned" : existing ? "existing" : "default";
  const version = pinned ?? existing ?? defaultVersion(offered);
  if (!version) return { version: "", reason, problems: ["a version EKS offers; EKS reported none in this region"], warnings };

  if (pinned && existing) {
    if (minor(pinned) < minor(existing)) problems.push(`${existing} or later: the cluster runs ${existing}, and EKS never downgrades one`);
    if (minor(pinned) > minor(existing) + 1) {
      problems.push(`1.${minor(existing) + 1} first: the cluster runs ${existing}, and EKS upgrades one minor version at a time`);
    }
  }
  const entry = offered.find((v) => v.version === version);
  // What an existing cluster runs is what it runs; only a version we ask for must be on offer.
  const asked = reason === "default" || (pinned !== undefined && pinned !== existing);
  if (!entry) {
    if (asked) problems.push(`a version EKS offers in this region (${offered.map((v) => v.version).join(", ")}); ${version} is not one`);
    return { version, reason, problems, warnings };
  }
  const standardEnds = entry.endOfStandardSupport ? ` on ${day(entry.endOfStandardSupport)}` : "";
  if (entry.status !== "STANDARD_SUPPORT") {
    if (supportType === "STANDARD" && asked) {
      problems.push(
        `a version in standard support (${inStandard}) while the support policy is STANDARD, as in dev: ${version} left standard support${standardEnds}, and EKS runs a STANDARD cluster on versions in standard support only`,
      );
    } else if (supportType === "STANDARD") {
      warnings.push(`the cluster runs ${version}, out of standard support${standardEnds}; with the STANDARD support policy EKS upgrades it to a supported version`);
    } else {
      const ends = entry.endOfExtendedSupport ? `, until ${day(entry.endOfExtendedSupport)}` : "";
      warnings.push(`Kubernetes ${version} is in extended support${ends}: EKS bills the cluster at its extended support price; upgrade to a version in standard support (${inStandard})`);
    }
  } else if (entry.endOfStandardSupport) {
    const daysLeft = Math.ceil((entry.endOfStandardSupport.getTime() - now.getTime()) / 86_400_000);
    if (daysLeft <= warnDays) {
      const then =
        supportType === "STANDARD" ? "EKS then upgrades the cluster on its own" : "after that the cluster is billed at the extended support price";
      warnings.push(`Kubernetes ${version} leaves standard support${standardEnds}, in ${daysLeft} days: ${then}; plan the upgrade`);
    }
  }
  return { version, reason, problems, warnings };
}
