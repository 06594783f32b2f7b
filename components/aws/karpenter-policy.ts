import type { PolicyDocument } from "./iam-policies.js";

/** The Karpenter release the platform runs: controller image, both charts and the IAM policies below. */
export const karpenterVersion = "1.14.1";

/** Karpenter's charts, in AWS's public ECR (OCI); both are installed at `karpenterVersion`. */
export const karpenterCharts = {
  controller: "oci://public.ecr.aws/karpenter/karpenter",
  crds: "oci://public.ecr.aws/karpenter/karpenter-crd",
} as const;

/** The controller's policies, named as upstream's `KarpenterController<Name>Policy-<cluster>`. */
export type KarpenterControllerPolicyName = "NodeLifecycle" | "IAMIntegration" | "EKSIntegration" | "Interruption" | "ZonalShift" | "ResourceDiscovery";

export interface KarpenterControllerPolicyArgs {
  partition: string;
  region: string;
  accountId: string;
  clusterName: string;
  /** The ARN of the role Karpenter's nodes run with, the only role it may pass to EC2. */
  nodeRoleArn: string;
  /** The ARN of the interruption queue it reads. */
  interruptionQueueArn: string;
}

/**
 * The Karpenter controller's IAM policies at `karpenterVersion`, statement for statement as upstream's
 * CloudFormation template has them (policies/karpenter-v1.14.1-cloudformation.yaml): what it launches,
 * tags and terminates is scoped by the `kubernetes.io/cluster/<cluster>: owned` and `karpenter.sh/nodepool`
 * tags it puts on everything it creates, so it cannot touch instances it did not launch for this cluster.
 */
export function karpenterControllerPolicies(args: KarpenterControllerPolicyArgs): Record<KarpenterControllerPolicyName, PolicyDocument> {
  const { partition: p, region: r, accountId, clusterName: c } = args;
  const ec2 = (resource: string) => `arn:${p}:ec2:${r}:*:${resource}`;
  const instanceProfiles = `arn:${p}:iam::${accountId}:instance-profile/*`;
  const cluster = `arn:${p}:eks:${r}:${accountId}:cluster/${c}`;
  const launched = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map(ec2);
  const ownedNodePoolResource = {
    StringEquals: { [`aws:ResourceTag/kubernetes.io/cluster/${c}`]: "owned" },
    StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
  };
  const document = (Statement: PolicyDocument["Statement"]): PolicyDocument => ({ Version: "2012-10-17", Statement });

  return {
    NodeLifecycle: document([
      {
        Sid: "AllowScopedEC2InstanceAccessActions",
        Effect: "Allow",
        Resource: [
          `arn:${p}:ec2:${r}::image/*`,
          `arn:${p}:ec2:${r}::snapshot/*`,
          ec2("security-group/*"),
          ec2("subnet/*"),
          ec2("capacity-reservation/*"),
          ec2("placement-group/*"),
        ],
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      },
      {
        Sid: "AllowScopedEC2LaunchTemplateAccessActions",
        Effect: "Allow",
        Resource: ec2("launch-template/*"),
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        Condition: ownedNodePoolResource,
      },
      {
        Sid: "AllowScopedEC2InstanceActionsWithTags",
        Effect: "Allow",
        Resource: launched,
        Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
        Condition: {
          StringEquals: { [`aws:RequestTag/kubernetes.io/cluster/${c}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": c },
          StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
        },
      },
      {
        Sid: "AllowScopedResourceCreationTagging",
        Effect: "Allow",
        Resource: launched,
        Action: "ec2:CreateTags",
        Condition: {
          StringEquals: {
            [`aws:RequestTag/kubernetes.io/cluster/${c}`]: "owned",
            "aws:RequestTag/eks:eks-cluster-name": c,
            "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
          },
          StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
        },
      },
      {
        Sid: "AllowScopedResourceTagging",
        Effect: "Allow",
        Resource: ec2("instance/*"),
        Action: "ec2:CreateTags",
        Condition: {
          ...ownedNodePoolResource,
          StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": c },
          "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
        },
      },
      {
        Sid: "AllowScopedDeletion",
        Effect: "Allow",
        Resource: [ec2("instance/*"), ec2("launch-template/*")],
        Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
        Condition: ownedNodePoolResource,
      },
    ]),
    IAMIntegration: document([
      {
        Sid: "AllowPassingInstanceRole",
        Effect: "Allow",
        Resource: args.nodeRoleArn,
        Action: "iam:PassRole",
        Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
      },
      {
        Sid: "AllowScopedInstanceProfileCreationActions",
        Effect: "Allow",
        Resource: instanceProfiles,
        Action: ["iam:CreateInstanceProfile"],
        Condition: {
          StringEquals: {
            [`aws:RequestTag/kubernetes.io/cluster/${c}`]: "owned",
            "aws:RequestTag/eks:eks-cluster-name": c,
            "aws:RequestTag/topology.kubernetes.io/region": r,
          },
          StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
        },
      },
      {
        Sid: "AllowScopedInstanceProfileTagActions",
        Effect: "Allow",
        Resource: instanceProfiles,
        Action: ["iam:TagInstanceProfile"],
        Condition: {
          StringEquals: {
            [`aws:ResourceTag/kubernetes.io/cluster/${c}`]: "owned",
            "aws:ResourceTag/topology.kubernetes.io/region": r,
            [`aws:RequestTag/kubernetes.io/cluster/${c}`]: "owned",
            "aws:RequestTag/eks:eks-cluster-name": c,
            "aws:RequestTag/topology.kubernetes.io/region": r,
          },
          StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
        },
      },
      {
        Sid: "AllowScopedInstanceProfileActions",
        Effect: "Allow",
        Resource: instanceProfiles,
        Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
        Condition: {
          StringEquals: { [`aws:ResourceTag/kubernetes.io/cluster/${c}`]: "owned", "aws:ResourceTag/topology.kubernetes.io/region": r },
          StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
        },
      },
    ]),
    EKSIntegration: document([{ Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Resource: cluster, Action: "eks:DescribeCluster" }]),
    Interruption: document([
      {
        Sid: "AllowInterruptionQueueActions",
        Effect: "Allow",
        Resource: args.interruptionQueueArn,
        Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
      },
    ]),
    ZonalShift: document([
      {
        Sid: "AllowZonalShiftStatusReadOnly",
        Effect: "Allow",
        Resource: "*",
        Action: ["arc-zonal-shift:GetManagedResource"],
        Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": cluster } },
      },
    ]),
    ResourceDiscovery: document([
      {
        Sid: "AllowRegionalReadActions",
        Effect: "Allow",
        Resource: "*",
        Action: [
          "ec2:DescribeCapacityReservations",
          "ec2:DescribeImages",
          "ec2:DescribeInstances",
          "ec2:DescribeInstanceStatus",
          "ec2:DescribeInstanceTypeOfferings",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplates",
          "ec2:DescribePlacementGroups",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSpotPriceHistory",
          "ec2:DescribeSubnets",
        ],
        Condition: { StringEquals: { "aws:RequestedRegion": r } },
      },
      { Sid: "AllowSSMReadActions", Effect: "Allow", Resource: `arn:${p}:ssm:${r}::parameter/aws/service/*`, Action: "ssm:GetParameter" },
      { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
      { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Resource: "*", Action: "iam:ListInstanceProfiles" },
      { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Resource: instanceProfiles, Action: "iam:GetInstanceProfile" },
    ]),
  };
}
