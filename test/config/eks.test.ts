import { describe, expect, it } from "vitest";
import { ConfigError, loadSettings, type EksSettings } from "../../src/config.js";
import { instanceArchitecture } from "../../src/config/eks.js";
import { attemptStack } from "../../src/plan/capture.js";

const project = "voting-platform";
const dev = { cloud: "aws", environment: "dev", "aws:region": "eu-west-1" };
const prod = {
  ...dev,
  environment: "prod",
  eksPublicAccessCidrs: '["20.50.1.7/32"]',
  eksAdminPrincipalArns: '["arn:aws:iam::210987654321:role/platform-admins"]',
};

function without(values: Record<string, string>, ...keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !keys.includes(key)));
}

function full(values: Record<string, string>) {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
}

function eks(values: Record<string, string>): EksSettings {
  const settings = loadSettings({ project, stack: "test", values: full(values) });
  if (settings.platform.cloud !== "aws") throw new Error("not an EKS stack");
  return settings.platform.eks;
}

function problems(values: Record<string, string>): ConfigError["problems"] {
  try {
    loadSettings({ project, stack: "test", values: full(values) });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

describe("EKS config defaults", () => {
  it("are cheap in dev: 2 AZs, one NAT, two t3.medium, two log types for 7 days, creator is admin", () => {
    expect(eks(dev)).toMatchObject({
      kubernetesVersion: undefined,
      network: { vpcCidr: "10.20.0.0/16", azCount: 2, natGateways: "single" },
      nodeGroups: [{ name: "general", instanceTypes: ["t3.medium"], architecture: "x86_64", minSize: 1, maxSize: 3, desiredSize: 2, diskSize: 50 }],
      endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
      logging: { types: ["api", "authenticator"], retentionDays: 7 },
      access: { adminPrincipalArns: [], bootstrapCreatorAdmin: true },
      lbControllerReplicas: 1,
    });
  });

  it("are secure in prod: 3 AZs, NAT per AZ, all log types for 90 days, explicit admins, two controller replicas", () => {
    expect(eks(prod)).toMatchObject({
      network: { azCount: 3, natGateways: "perAz" },
      nodeGroups: [{ instanceTypes: ["m6i.large"], minSize: 3, maxSize: 6, desiredSize: 3 }],
      endpoint: { publicAccess: true, publicAccessCidrs: ["20.50.1.7/32"] },
      logging: { types: ["api", "audit", "authenticator", "controllerManager", "scheduler"], retentionDays: 90 },
      access: { bootstrapCreatorAdmin: false },
      lbControllerReplicas: 2,
    });
  });

  it("allow a private-only endpoint in prod without CIDRs", () => {
    expect(eks({ ...without(prod, "eksPublicAccessCidrs"), eksEndpointPublicAccess: "false" }).endpoint).toEqual({ publicAccess: false, publicAccessCidrs: [] });
  });

  it("read add-on version pins and node group records", () => {
    const settings = eks({
      ...dev,
      eksAddonVersions: '["vpc-cni=v1.19.5-eksbuild.1","metrics-server=v0.8.0-eksbuild.2"]',
      eksCompute: "cluster-autoscaler",
      eksNodeGroups: '["name=arm,instanceTypes=m7g.large|c7g.large,taints=dedicated=arm:NoExecute"]',
    });
    expect(settings.addonVersions).toEqual({ "vpc-cni": "v1.19.5-eksbuild.1", "metrics-server": "v0.8.0-eksbuild.2" });
    expect(settings.nodeGroups).toEqual([
      expect.objectContaining({ name: "arm", architecture: "arm64", taints: [{ key: "dedicated", value: "arm", effect: "NO_EXECUTE" }] }),
    ]);
  });

  it("read the AWS provider's profile, for the kubeconfig, and leave it unset by default", () => {
    expect(eks({ ...dev, "aws:profile": "platform-admin" }).profile).toBe("platform-admin");
    expect(eks(dev).profile).toBeUndefined();
  });

  it("tell Graviton instance types from x86 ones", () => {
    expect(instanceArchitecture(["m7g.large", "c6gn.xlarge", "t4g.small", "is4gen.large"])).toBe("arm64");
    expect(instanceArchitecture(["t3.medium", "m6i.large", "g5.xlarge", "c6in.2xlarge"])).toBe("x86_64");
    expect(instanceArchitecture(["t3.medium", "t4g.medium"])).toBeUndefined();
  });
});

describe("bad EKS config", () => {
  it.each([
    ["a subnet CIDR that does not fit the VPC", { eksPrivateSubnetCidrs: '["10.20.0.0/18","10.30.0.0/18"]' }, "voting-platform:eksPrivateSubnetCidrs", /inside eksVpcCidr \(10\.20\.0\.0\/16\); 10\.30\.0\.0\/18 does not fit/],
    ["overlapping subnet CIDRs", { eksPublicSubnetCidrs: '["10.20.0.0/24","10.20.1.0/24"]', eksPrivateSubnetCidrs: '["10.20.0.0/20","10.20.16.0/20"]' }, "voting-platform:eksPrivateSubnetCidrs", /overlaps 10\.20\.0\.0\/24 \(eksPublicSubnetCidrs\)/],
    ["one subnet for two AZs", { eksPublicSubnetCidrs: '["10.20.192.0/20"]' }, "voting-platform:eksPublicSubnetCidrs", /one CIDR block per AZ: 2/],
    ["too few AZs", { eksAzCount: "1" }, "voting-platform:eksAzCount", /an integer from 2 to 3/],
    ["a VPC too small for the subnets", { eksVpcCidr: "10.20.0.0/24" }, "voting-platform:eksVpcCidr", /\/20 or larger/],
    ["a desired size above the maximum", { eksNodeDesiredSize: "5" }, "voting-platform:eksNodeDesiredSize", /from eksNodeMinSize to eksNodeMaxSize \(1 to 3\)/],
    ["a node group sized outside its own range", { eksNodeGroups: '["name=batch,minSize=2,maxSize=4,desiredSize=1"]' }, "voting-platform:eksNodeGroups", /group batch: minSize <= desiredSize <= maxSize \(got 2, 1, 4\)/],
    ["an unknown instance type format", { eksInstanceTypes: '["t3-medium"]' }, "voting-platform:eksInstanceTypes", /\[0\]: expected an EC2 instance type such as t3\.medium/],
    ["an unknown instance type in a group", { eksNodeGroups: '["name=big,instanceTypes=huge"]' }, "voting-platform:eksNodeGroups", /expected EC2 instance types/],
    ["x86 and Graviton types in one group", { eksNodeGroups: '["name=mixed,instanceTypes=m6i.large|m7g.large"]' }, "voting-platform:eksNodeGroups", /group mixed: instance types of one architecture/],
    ["two groups with one name", { eksNodeGroups: '["name=a","name=a"]' }, "voting-platform:eksNodeGroups", /a appears twice/],
    ["an unknown field in a node group", { eksNodeGroups: '["name=a,size=3"]' }, "voting-platform:eksNodeGroups", /size/],
    ["an empty admin ARN", { eksAdminPrincipalArns: '[""]' }, "voting-platform:eksAdminPrincipalArns", /\[0\]: expected an IAM role or user ARN/],
    ["an assumed-role ARN", { eksAdminPrincipalArns: '["arn:aws:sts::111122223333:assumed-role/admins/me"]' }, "voting-platform:eksAdminPrincipalArns", /not an sts assumed-role ARN/],
    ["a malformed ARN", { eksAdminPrincipalArns: '["arn:aws:iam::1234:role/admins"]' }, "voting-platform:eksAdminPrincipalArns", /IAM role or user ARN/],
    ["a retention CloudWatch does not offer", { eksLogRetentionDays: "10" }, "voting-platform:eksLogRetentionDays", /1, 3, 5, 7, 14, 30/],
    ["an unknown log type", { eksLogTypes: '["api","kubelet"]' }, "voting-platform:eksLogTypes", /\[1\]: expected one of api, audit, authenticator, controllerManager, scheduler/],
    ["a pin for an add-on we do not install", { eksAddonVersions: '["aws-efs-csi-driver=v2.1.8-eksbuild.1"]' }, "voting-platform:eksAddonVersions", /aws-efs-csi-driver is not one/],
    ["a malformed add-on version", { eksAddonVersions: '["coredns=1.11"]' }, "voting-platform:eksAddonVersions", /coredns=1\.11 is not one/],
    ["a NAT mode that does not exist", { eksNatGateways: "none" }, "voting-platform:eksNatGateways", /one of single, perAz/],
    ["an AWS profile name with a space", { "aws:profile": "platform admin" }, "aws:profile", /an AWS CLI profile name such as platform-admin/],
  ])("rejects %s, naming the key, the value and what is accepted", (_, override, key, expected) => {
    const found = problems({ ...dev, ...override });
    const problem = found.find((p) => p.key === key);
    expect(problem, JSON.stringify(found)).toBeDefined();
    expect(problem?.value).toBe(override[key.replace("voting-platform:", "") as keyof typeof override]);
    expect(problem?.expected).toMatch(expected);
  });

  it("refuses a prod API endpoint open to the internet", () => {
    expect(problems({ ...prod, eksPublicAccessCidrs: '["20.50.1.7/32","0.0.0.0/0"]' })).toEqual([
      {
        key: "voting-platform:eksPublicAccessCidrs",
        value: '["20.50.1.7/32","0.0.0.0/0"]',
        expected: "narrow CIDR blocks in prod, not 0.0.0.0/0; or set eksEndpointPublicAccess to false",
      },
    ]);
  });

  it("requires the CIDRs and an admin in prod", () => {
    expect(problems(without(prod, "eksPublicAccessCidrs", "eksAdminPrincipalArns")).map((p) => [p.key, p.expected])).toEqual([
      ["voting-platform:eksPublicAccessCidrs", expect.stringMatching(/^required in prod while eksEndpointPublicAccess is true/)],
      ["voting-platform:eksAdminPrincipalArns", expect.stringMatching(/at least one admin principal while eksBootstrapCreatorAdmin is false/)],
    ]);
  });

  it("refuses a single controller replica in prod", () => {
    expect(problems({ ...prod, eksLbControllerReplicas: "1" })[0]).toMatchObject({ key: "voting-platform:eksLbControllerReplicas", value: "1" });
  });

  it("fails the stack before any resource is registered", async () => {
    const attempt = await attemptStack("prod-eks", { eksPublicAccessCidrs: '["0.0.0.0/0"]', eksNodeDesiredSize: "9" });
    expect(attempt.error).toBeInstanceOf(ConfigError);
    const message = (attempt.error as Error).message;
    expect(message).toContain('voting-platform:eksPublicAccessCidrs = "[\\"0.0.0.0/0\\"]": narrow CIDR blocks in prod');
    expect(message).toContain('voting-platform:eksNodeDesiredSize = "9": a size from eksNodeMinSize to eksNodeMaxSize (3 to 6)');
    expect(attempt.resources).toEqual([]);
  });
});
