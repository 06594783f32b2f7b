import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ecrLifecyclePolicy } from "../../../components/aws/ecr-registry.js";
import { fargateTrustPolicy, irsaTrustPolicy, managedPolicies, managedPolicyArn } from "../../../components/aws/iam-policies.js";
import { eksKubeconfig } from "../../../components/aws/kubeconfig.js";
import { subnetLayout } from "../../../components/aws/network-layout.js";

describe("subnet layout", () => {
  it("gives private subnets a quarter of the VPC each and packs the public ones into the last quarter", () => {
    expect(subnetLayout("10.20.0.0/16", 3)).toEqual({
      private: ["10.20.0.0/18", "10.20.64.0/18", "10.20.128.0/18"],
      public: ["10.20.192.0/20", "10.20.208.0/20", "10.20.224.0/20"],
    });
    expect(subnetLayout("10.0.16.0/20", 2)).toEqual({ private: ["10.0.16.0/22", "10.0.20.0/22"], public: ["10.0.28.0/24", "10.0.29.0/24"] });
  });

  it("refuses what it cannot lay out, naming the argument", () => {
    expect(() => subnetLayout("10.20.0.0", 2)).toThrow(/^vpcCidr/);
    expect(() => subnetLayout("10.20.0.0/16", 4)).toThrow(/^azCount/);
  });
});

describe("IAM policies", () => {
  it("build managed policy ARNs in the partition", () => {
    expect(managedPolicyArn("aws-us-gov", "AmazonEKSClusterPolicy")).toBe("arn:aws-us-gov:iam::aws:policy/AmazonEKSClusterPolicy");
  });

  it("keep the CNI policy off the node role: the VPC CNI has it through IRSA", () => {
    expect(managedPolicies.node).not.toContain("AmazonEKS_CNI_Policy");
    expect(managedPolicies.vpcCni).toEqual(["AmazonEKS_CNI_Policy"]);
  });

  it("trust one service account of one issuer for IRSA, with StringEquals on sub and aud", () => {
    const trust = irsaTrustPolicy({
      oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
      issuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
      namespace: "kube-system",
      serviceAccount: "aws-node",
    });
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:kube-system:aws-node",
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
          },
        },
      },
    ]);
    expect(JSON.stringify(trust)).not.toContain("*");
  });

  it("trust Fargate for one cluster's profiles through aws:SourceArn", () => {
    const trust = fargateTrustPolicy({ partition: "aws-cn", region: "cn-north-1", accountId: "123456789012", clusterName: "c1" });
    expect(trust.Statement[0]?.Condition).toEqual({ ArnLike: { "aws:SourceArn": "arn:aws-cn:eks:cn-north-1:123456789012:fargateprofile/c1/*" } });
  });
});

describe("ECR lifecycle policy", () => {
  it("passes ECR's own checks: unique priorities, a tag pattern on the tagged rule and none on the untagged one", () => {
    const { rules } = ecrLifecyclePolicy(5, 3);
    expect(new Set(rules.map((r) => r.rulePriority)).size).toBe(rules.length);
    const [untagged, tagged] = rules;
    expect(untagged?.selection).toEqual({ tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 });
    expect(tagged?.selection).toEqual({ tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 5 });
    expect(rules.every((r) => r.action.type === "expire")).toBe(true);
  });
});

describe("kubeconfig", () => {
  const args = { clusterName: "c1", region: "eu-west-1", endpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com", certificateAuthorityData: "Q0E=" };

  it("gets a token from `aws eks get-token` for the cluster and region", () => {
    const config = parse(eksKubeconfig(args)) as { users: { user: { exec: Record<string, unknown> } }[]; clusters: { cluster: Record<string, string> }[] };
    expect(config.users[0]?.user.exec).toEqual({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "c1", "--region", "eu-west-1", "--output", "json"],
      interactiveMode: "Never",
    });
    expect(config.clusters[0]?.cluster).toEqual({ server: args.endpoint, "certificate-authority-data": "Q0E=" });
  });

  it("is the same text for the same cluster, so the Kubernetes provider is never replaced by it", () => {
    expect(eksKubeconfig({ ...args })).toBe(eksKubeconfig(args));
    expect(eksKubeconfig({ ...args, profile: undefined })).toBe(eksKubeconfig(args));
  });

  it("signs in with the stack's AWS profile where it names one, as the AWS provider does", () => {
    const config = parse(eksKubeconfig({ ...args, profile: "platform-admin" })) as { users: { user: { exec: Record<string, unknown> } }[] };
    expect(config.users[0]?.user.exec).toMatchObject({
      command: "aws",
      args: ["eks", "get-token", "--cluster-name", "c1", "--region", "eu-west-1", "--output", "json"],
      env: [{ name: "AWS_PROFILE", value: "platform-admin" }],
    });
    expect(eksKubeconfig({ ...args, profile: "platform-admin" })).toBe(eksKubeconfig({ ...args, profile: "platform-admin" }));
  });
});
