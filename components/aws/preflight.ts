import type * as pulumi from "@pulumi/pulumi";
import { getCluster, getClusters, getClusterVersions } from "@pulumi/aws/eks/index.js";
import { getCallerIdentity } from "@pulumi/aws/getCallerIdentity.js";
import { getSessionContext } from "@pulumi/aws/iam/index.js";
import type { OfferedVersion } from "./kubernetes-version.js";

/**
 * What an EKS stack needs to know from AWS before it creates anything: the versions EKS offers, the
 * version of the stack's cluster if it exists already, and who runs `pulumi up`. With these, a version
 * or an admin list that would fail halfway through `pulumi up` is refused before the first resource.
 */
export interface EksFacts {
  offeredVersions: OfferedVersion[];
  /** The running cluster's version; undefined on the first `pulumi up`. */
  existingVersion?: string;
  deployer: {
    accountId: string;
    /** The IAM role or user behind the session, as access entries and key policies name it. */
    principalArn: string;
  };
}

const parseDate = (text: string | undefined) => (text ? new Date(text) : undefined);

/**
 * Asks AWS; each call is a read, made once per `pulumi up` or preview. `opts` picks the provider (its
 * region and credentials) where a stack has several.
 */
export async function readEksFacts(clusterName: string, opts: pulumi.InvokeOptions = {}): Promise<EksFacts> {
  const [versions, clusters, caller] = await Promise.all([getClusterVersions({}, opts), getClusters({}, opts), getCallerIdentity({}, opts)]);
  const [existing, session] = await Promise.all([
    clusters.names.includes(clusterName) ? getCluster({ name: clusterName }, opts) : undefined,
    // An assumed-role session's ARN names the session; access entries and key policies take its role.
    getSessionContext({ arn: caller.arn }, opts),
  ]);
  return {
    offeredVersions: versions.clusterVersions.map((v) => ({
      version: v.clusterVersion,
      status: v.versionStatus,
      isDefault: v.defaultVersion,
      endOfStandardSupport: parseDate(v.endOfStandardSupportDate),
      endOfExtendedSupport: parseDate(v.endOfExtendedSupportDate),
    })),
    existingVersion: existing?.version,
    deployer: { accountId: caller.accountId, principalArn: session.issuerArn },
  };
}

/** `role/path/name` and `role/name` name the same role for EKS's purposes of who is already admin. */
function samePrincipal(a: string, b: string): boolean {
  const key = (arn: string) => {
    const [, , , , account = "", resource = ""] = arn.split(":");
    const [kind = "", ...path] = resource.split("/");
    return `${account}:${kind}/${path.at(-1) ?? ""}`;
  };
  return key(a) === key(b);
}

/**
 * What is wrong with `eksAdminPrincipalArns` given who runs `pulumi up`. With the creator made admin by
 * EKS (bootstrapClusterCreatorAdminPermissions), an access entry of ours for the same principal fails
 * with ResourceInUseException after the cluster exists. Without it, the deployer must be listed, under
 * the exact ARN IAM gives its role (with its path), or the program cannot reach the cluster it created.
 */
export function adminPrincipalProblems(args: { adminPrincipalArns: readonly string[]; bootstrapCreatorAdmin: boolean; deployerArn: string }): string[] {
  const { adminPrincipalArns, bootstrapCreatorAdmin, deployerArn } = args;
  const listed = adminPrincipalArns.filter((arn) => samePrincipal(arn, deployerArn));
  if (bootstrapCreatorAdmin) {
    return listed.map(
      (arn) =>
        `principals other than the identity running pulumi up; ${arn} is that identity, which EKS makes an admin itself while eksBootstrapCreatorAdmin is true, and a second access entry for it fails with ResourceInUseException`,
    );
  }
  if (listed.includes(deployerArn)) return [];
  if (listed.length > 0) return [`${deployerArn} exactly, the ARN IAM gives the role pulumi up runs as, path included; EKS refuses ${listed.join(", ")} as an invalid principal`];
  return [
    `the role pulumi up runs as, ${deployerArn}, among the admins: eksBootstrapCreatorAdmin is false, so nothing else gives it access, and it could not reach the cluster it creates`,
  ];
}
