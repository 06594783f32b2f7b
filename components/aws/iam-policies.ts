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

/** What the cluster role needs on the secrets-encryption key: use it, and grant the control plane its use. */
export function clusterEncryptionPolicy(keyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: keyArn,
      },
    ],
  };
}
