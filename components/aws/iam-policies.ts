/**
 * IAM policy documents for the EKS platform, built in TypeScript: no `getPolicyDocument` invokes, so the
 * JSON is known at preview time, reviewable in a diff, and tested without mocks.
 */

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: { Service?: string | string[]; Federated?: string; AWS?: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** The ARN of an AWS managed policy in the given partition (`aws`, `aws-cn`, `aws-us-gov`). */
export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** The AWS managed policies each role of the platform needs, by role. */
export const managedPolicies = {
  cluster: ["AmazonEKSClusterPolicy"],
  /**
   * No AmazonEKS_CNI_Policy: the VPC CNI gets it through its own IRSA role, so pods on a node cannot
   * borrow the node's right to rewire the VPC's network interfaces.
   */
  node: ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"],
  fargate: ["AmazonEKSFargatePodExecutionRolePolicy"],
  /** What EKS Auto Mode's compute, storage, load balancing and networking act with, on the cluster's role. */
  autoModeCluster: ["AmazonEKSComputePolicy", "AmazonEKSBlockStoragePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"],
  /** Auto Mode's nodes: EKS manages their CNI, so they need only these. */
  autoModeNode: ["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"],
  vpcCni: ["AmazonEKS_CNI_Policy"],
  ebsCsi: ["service-role/AmazonEBSCSIDriverPolicy"],
} as const;

/** A role that an AWS service assumes, such as `eks.amazonaws.com` for the cluster. */
export function serviceTrustPolicy(service: string, actions: string[] = ["sts:AssumeRole"]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: actions }],
  };
}

/**
 * The Fargate pod execution role: assumable by Fargate only on behalf of this cluster's profiles, so
 * another cluster in the account cannot run pods with it (the confused-deputy guard AWS recommends).
 */
export function fargateTrustPolicy(args: { partition: string; region: string; accountId: string; clusterName: string }): PolicyDocument {
  const profiles = `arn:${args.partition}:eks:${args.region}:${args.accountId}:fargateprofile/${args.clusterName}/*`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "eks-fargate-pods.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { ArnLike: { "aws:SourceArn": profiles } },
      },
    ],
  };
}

/** The issuer without its scheme, as IAM condition keys name it: `oidc.eks.<region>.amazonaws.com/id/<id>`. */
export function issuerHostPath(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, "");
}

/**
 * IRSA: a role that exactly one Kubernetes service account can assume, with a token the cluster's OIDC
 * provider issued for STS. Both conditions are StringEquals: no wildcard lets another account in.
 */
export function irsaTrustPolicy(args: { oidcProviderArn: string; issuerUrl: string; namespace: string; serviceAccount: string }): PolicyDocument {
  const issuer = issuerHostPath(args.issuerUrl);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: args.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

/** What a key administrator may do: manage the key, its policy, rotation and deletion, never use it. */
export const keyAdministratorActions = [
  "kms:Create*",
  "kms:Describe*",
  "kms:Enable*",
  "kms:List*",
  "kms:Put*",
  "kms:Update*",
  "kms:Revoke*",
  "kms:Disable*",
  "kms:Get*",
  "kms:Delete*",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:RotateKeyOnDemand",
] as const;

/** What a key user may do: encrypt and decrypt with it, and nothing about the key itself. */
export const keyUserActions = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"] as const;

/**
 * The policy of the key that encrypts a cluster's Kubernetes secrets, with administrators and users
 * kept apart: administrators manage it and cannot decrypt; the users (the cluster role) use it, and
 * may create grants only for AWS services acting for them (EKS's own grant). There is no statement for
 * the account root, which would let any IAM policy in the account grant its use. Administrators must
 * include the identity running `pulumi up`: KMS refuses a policy that would lock its caller out.
 */
export function secretsKeyPolicy(args: { administrators: string[]; users: string[] }): PolicyDocument {
  if (args.administrators.length === 0) throw new Error("administrators: a key with no administrator cannot be managed or deleted");
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "KeyAdministration", Effect: "Allow", Principal: { AWS: args.administrators }, Action: [...keyAdministratorActions], Resource: "*" },
      { Sid: "KeyUsage", Effect: "Allow", Principal: { AWS: args.users }, Action: [...keyUserActions], Resource: "*" },
      {
        Sid: "KeyGrantsForAwsServices",
        Effect: "Allow",
        Principal: { AWS: args.users },
        Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    ],
  };
}
