import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fargatePodLabels } from "../../../components/aws/eks-cluster.js";
import { attemptStack, captureStack, type Capture, type CapturedResource } from "../../../src/plan/capture.js";
import { exampleDeployerRoleArn } from "../../../src/plan/offline-examples.js";
import { DependencyGraph } from "../../../src/plan/lifecycle/graph.js";
import { all, one, policy, transitiveDependencies } from "../../support/capture-helpers.js";

const T = {
  cluster: "aws:eks/cluster:Cluster",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  fargate: "aws:eks/fargateProfile:FargateProfile",
  addon: "aws:eks/addon:Addon",
  subnet: "aws:ec2/subnet:Subnet",
  nat: "aws:ec2/natGateway:NatGateway",
  eip: "aws:ec2/eip:Eip",
  route: "aws:ec2/route:Route",
  routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  role: "aws:iam/role:Role",
  attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  oidc: "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
  kmsKey: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  accessEntry: "aws:eks/accessEntry:AccessEntry",
  accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
  storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
  k8sProvider: "pulumi:providers:kubernetes",
} as const;

/** The Kubernetes version the stack's cluster was planned at. */
const kubernetesVersion = (c: Capture) => String(one(c, T.cluster).inputs.version);

let dev: Capture;
let prod: Capture;
beforeAll(async () => {
  dev = await captureStack("dev-eks");
  prod = await captureStack("prod-eks", {}, { offline: true });
});

const privateRoutes = (c: Capture) => all(c, T.route).filter((r) => r.inputs.natGatewayId !== undefined);
const addon = (c: Capture, name: string) => all(c, T.addon).find((a) => a.inputs.addonName === name) as CapturedResource;
const attachedPolicies = (c: Capture, roleName: string) =>
  all(c, T.attachment)
    .filter((a) => a.inputs.role === roleName)
    .map((a) => a.inputs.policyArn);
const roleOf = (c: Capture, suffix: string) => one(c, T.role, suffix);

describe("VPC", () => {
  it("spreads a public and a private subnet over 2 AZs in dev and 3 in prod, carved from the VPC block", () => {
    const cidrs = (c: Capture, kind: string) => all(c, T.subnet).filter((s) => s.name.includes(`-${kind}-`)).map((s) => s.inputs.cidrBlock);
    expect(cidrs(dev, "private")).toEqual(["10.20.0.0/18", "10.20.64.0/18"]);
    expect(cidrs(dev, "public")).toEqual(["10.20.192.0/20", "10.20.208.0/20"]);
    expect(cidrs(prod, "private")).toHaveLength(3);
    expect(cidrs(prod, "public")).toEqual(["10.20.192.0/20", "10.20.208.0/20", "10.20.224.0/20"]);
    expect(all(prod, T.subnet).map((s) => s.inputs.availabilityZone).sort()).toEqual(
      ["eu-west-1a", "eu-west-1a", "eu-west-1b", "eu-west-1b", "eu-west-1c", "eu-west-1c"],
    );
  });

  it("asks for available AZs that need no opt-in", () => {
    const invoke = dev.invokes.find((i) => i.token === "aws:index/getAvailabilityZones:getAvailabilityZones");
    expect(invoke?.inputs).toMatchObject({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] });
  });

  it("tags subnets for the load balancer controller and for the cluster, named before it exists", () => {
    const tags = (name: string) => one(dev, T.subnet, name).inputs.tags as Record<string, string>;
    expect(tags("public-0")).toMatchObject({ "kubernetes.io/role/elb": "1", "kubernetes.io/cluster/voting-platform-dev-eks": "shared" });
    expect(tags("private-1")).toMatchObject({ "kubernetes.io/role/internal-elb": "1", "kubernetes.io/cluster/voting-platform-dev-eks": "shared" });
    expect(tags("private-1")).not.toHaveProperty("kubernetes.io/role/elb");
    expect(tags("public-0")).toMatchObject({ environment: "dev", purpose: "workshop" });
  });

  it("has one NAT gateway in dev and one per AZ in prod, each with its elastic IP in a public subnet", () => {
    expect(all(dev, T.nat)).toHaveLength(1);
    expect(all(dev, T.eip)).toHaveLength(1);
    expect(all(prod, T.nat)).toHaveLength(3);
    expect(all(prod, T.eip)).toHaveLength(3);
    const publicSubnetIds = all(prod, T.subnet).filter((s) => s.name.includes("-public-")).map((s) => s.id);
    for (const nat of all(prod, T.nat)) expect(publicSubnetIds).toContain(nat.inputs.subnetId);
  });

  it("routes each private subnet through NAT: the single gateway in dev, its own AZ's in prod", () => {
    const natIds = (c: Capture) => privateRoutes(c).map((r) => r.inputs.natGatewayId);
    expect(new Set(natIds(dev)).size).toBe(1);
    expect(natIds(dev)).toHaveLength(2);
    expect(natIds(prod)).toEqual(all(prod, T.nat).map((n) => n.id));
    expect(privateRoutes(prod).every((r) => r.inputs.destinationCidrBlock === "0.0.0.0/0")).toBe(true);
  });
});

describe("dependency edges", () => {
  it("keeps the control plane off the NAT gateways: the cluster waits for no NAT, EIP or private route", () => {
    for (const c of [dev, prod]) {
      const types = transitiveDependencies(c, one(c, T.cluster)).map((r) => r.type);
      expect(types).toContain(T.subnet);
      expect(types).not.toContain(T.nat);
      expect(types).not.toContain(T.eip);
      expect(transitiveDependencies(c, one(c, T.cluster)).filter((r) => r.type === T.route)).toEqual([]);
    }
  });

  it("creates the cluster, the Fargate profile and each add-on after the IAM policies their roles act with, and deletes them first", () => {
    for (const c of [dev, prod]) {
      const attachmentsOf = (role: string) => all(c, T.attachment).filter((a) => a.name.includes(role)).map((a) => a.urn);
      expect(one(c, T.cluster).dependencies).toEqual(expect.arrayContaining(attachmentsOf("-roles-cluster-")));
      expect(one(c, T.fargate).dependencies).toEqual(expect.arrayContaining(attachmentsOf("-roles-fargate-")));
      for (const name of ["vpc-cni", "aws-ebs-csi-driver"]) {
        const irsa = attachmentsOf(`-${name}-irsa-`);
        expect(irsa.length, name).toBeGreaterThan(0);
        expect(addon(c, name).dependencies, name).toEqual(expect.arrayContaining(irsa));
      }
    }
  });

  it("makes node groups and the Fargate profile wait for every private route and its association", () => {
    for (const c of [dev, prod]) {
      const egress = [...privateRoutes(c), ...all(c, T.routeTableAssociation).filter((a) => a.name.includes("-private-"))].map((r) => r.urn);
      for (const waiter of [...all(c, T.nodeGroup), one(c, T.fargate)]) {
        expect(waiter.dependencies).toEqual(expect.arrayContaining(egress));
      }
    }
  });
});

describe("IAM", () => {
  it("gives the control plane, the nodes and Fargate only the managed policies their jobs need", () => {
    expect(attachedPolicies(dev, roleOf(dev, "roles-cluster").id as string)).toEqual(["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
    expect(attachedPolicies(dev, roleOf(dev, "roles-node").id as string).sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
    expect(attachedPolicies(dev, roleOf(dev, "roles-fargate").id as string)).toEqual([
      "arn:aws:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy",
    ]);
    expect(policy(roleOf(dev, "roles-cluster"), "assumeRolePolicy").Statement[0]).toMatchObject({ Principal: { Service: "eks.amazonaws.com" } });
    expect(policy(roleOf(dev, "roles-node"), "assumeRolePolicy").Statement[0]).toMatchObject({ Principal: { Service: "ec2.amazonaws.com" } });
  });

  it("trusts Fargate for this cluster's profiles only", () => {
    expect(policy(roleOf(dev, "roles-fargate"), "assumeRolePolicy").Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "eks-fargate-pods.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { ArnLike: { "aws:SourceArn": "arn:aws:eks:eu-west-1:123456789012:fargateprofile/voting-platform-dev-eks/*" } },
      },
    ]);
  });

  it("scopes each IRSA role to exactly one service account of the cluster's issuer", () => {
    const issuer = String(one(dev, T.oidc).inputs.url).replace("https://", "");
    const trust = (suffix: string) => policy(roleOf(dev, suffix), "assumeRolePolicy").Statement;
    expect(trust("vpc-cni-irsa-role")).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: one(dev, T.oidc).outputs.arn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:kube-system:aws-node", [`${issuer}:aud`]: "sts.amazonaws.com" } },
      },
    ]);
    expect(trust("aws-ebs-csi-driver-irsa-role")[0]?.Condition).toEqual({
      StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa", [`${issuer}:aud`]: "sts.amazonaws.com" },
    });
    expect(attachedPolicies(dev, roleOf(dev, "vpc-cni-irsa-role").id as string)).toEqual(["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]);
    expect(attachedPolicies(dev, roleOf(dev, "aws-ebs-csi-driver-irsa-role").id as string)).toEqual([
      "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    ]);
  });

  it("registers the cluster's issuer as an OIDC provider for STS, leaving the thumbprint to IAM", () => {
    const oidc = one(dev, T.oidc);
    expect(oidc.inputs.url).toBe((one(dev, T.cluster).outputs.identities as { oidcs: { issuer: string }[] }[])[0]?.oidcs[0]?.issuer);
    expect(oidc.inputs.clientIdLists).toEqual(["sts.amazonaws.com"]);
    expect(oidc.inputs).not.toHaveProperty("thumbprintLists");
  });
});

describe("control plane", () => {
  it("runs the configured version in private subnets, API authentication, no self-managed add-ons", () => {
    const cluster = one(dev, T.cluster);
    expect(cluster.inputs).toMatchObject({
      name: "voting-platform-dev-eks",
      version: kubernetesVersion(dev),
      bootstrapSelfManagedAddons: false,
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
    });
    const privateIds = all(dev, T.subnet).filter((s) => s.name.includes("-private-")).map((s) => s.id);
    expect((cluster.inputs.vpcConfig as { subnetIds: string[] }).subnetIds).toEqual(privateIds);
    expect((one(prod, T.cluster).inputs.accessConfig as Record<string, unknown>).bootstrapClusterCreatorAdminPermissions).toBe(false);
  });

  it("opens the public endpoint to the configured CIDRs: anyone in dev, the plan's example range in prod", () => {
    const vpcConfig = (c: Capture) => one(c, T.cluster).inputs.vpcConfig as Record<string, unknown>;
    expect(vpcConfig(dev)).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] });
    expect(vpcConfig(prod)).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
  });

  it("logs fewer control-plane types for 7 days in dev, all five for 90 days in prod, into a group made first", () => {
    expect(one(dev, T.cluster).inputs.enabledClusterLogTypes).toEqual(["api", "authenticator"]);
    expect(one(prod, T.cluster).inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    expect(one(dev, T.logGroup, "control-plane-logs").inputs).toMatchObject({ name: "/aws/eks/voting-platform-dev-eks/cluster", retentionInDays: 7 });
    expect(one(prod, T.logGroup, "control-plane-logs").inputs).toMatchObject({ name: "/aws/eks/voting-platform-prod-eks/cluster", retentionInDays: 90 });
    expect(one(dev, T.cluster).dependencies).toContain(one(dev, T.logGroup, "control-plane-logs").urn);
  });

  it("encrypts secrets with a rotating KMS key of its own", () => {
    const key = one(prod, T.kmsKey);
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(one(dev, T.kmsKey).inputs.deletionWindowInDays).toBe(7);
    expect(one(prod, T.cluster).inputs.encryptionConfig).toEqual({ resources: ["secrets"], provider: { keyArn: key.outputs.arn } });
  });

  it("protects the cluster and its key in prod only, the cluster with EKS's own deletion protection too", () => {
    expect([one(prod, T.cluster).protect, one(prod, T.kmsKey).protect]).toEqual([true, true]);
    expect([one(dev, T.cluster).protect, one(dev, T.kmsKey).protect]).toEqual([false, false]);
    expect([one(prod, T.cluster).inputs.deletionProtection, one(dev, T.cluster).inputs.deletionProtection]).toEqual([true, false]);
  });

  it("stays on standard support in dev and on extended support in prod, so prod is never upgraded by surprise", () => {
    expect(one(dev, T.cluster).inputs.upgradePolicy).toEqual({ supportType: "STANDARD" });
    expect(one(prod, T.cluster).inputs.upgradePolicy).toEqual({ supportType: "EXTENDED" });
  });

  it("makes the configured principals cluster admins in prod, and Kubernetes objects wait for that access", () => {
    // Karpenter's nodes have an entry of their own (EC2_LINUX), which is no one's admin access.
    const people = (c: Capture) => all(c, T.accessEntry).filter((e) => e.inputs.type !== "EC2_LINUX");
    expect(people(dev)).toEqual([]);
    expect(people(prod)[0]?.inputs).toMatchObject({ principalArn: "arn:aws:iam::123456789012:role/platform-deployer", type: "STANDARD" });
    const association = one(prod, T.accessPolicy);
    expect(association.inputs).toMatchObject({
      principalArn: "arn:aws:iam::123456789012:role/platform-deployer",
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      accessScope: { type: "cluster" },
    });
    expect(one(prod, T.k8sProvider).dependencies).toContain(association.urn);
  });
});

describe("checks against AWS before anything is created", () => {
  it("asks EKS which versions it offers, and takes its default for a new cluster", () => {
    const asked = dev.invokes.findIndex((i) => i.token === "aws:eks/getClusterVersions:getClusterVersions");
    expect(asked).toBeGreaterThanOrEqual(0);
    expect(dev.invokes.some((i) => i.token === "aws:eks/getClusters:getClusters")).toBe(true);
    expect(kubernetesVersion(dev)).toMatch(/^1\.\d+$/);
    expect(kubernetesVersion(prod)).toBe(kubernetesVersion(dev));
  });

  it("refuses a pinned version out of standard support in dev, naming eksKubernetesVersion, with nothing registered", async () => {
    const attempt = await attemptStack("dev-eks", { eksKubernetesVersion: "1.33" });
    expect(String(attempt.error)).toMatch(/voting-platform:eksKubernetesVersion = "1\.33": a version in standard support \(.*\) while the support policy is STANDARD/);
    expect(attempt.resources).toEqual([]);
  });

  it("refuses to list the deployer where EKS makes it admin, and to leave it out where EKS does not", async () => {
    // The offline plan's deployer is in AWS's documentation account, which only examples may name.
    const asExample = { offline: true, exampleKeys: ["eksAdminPrincipalArns"] };
    const listed = await attemptStack("dev-eks", { eksAdminPrincipalArns: JSON.stringify([exampleDeployerRoleArn]) }, asExample);
    expect(String(listed.error)).toMatch(/voting-platform:eksAdminPrincipalArns = .*ResourceInUseException/);
    expect(listed.resources).toEqual([]);
    const missing = await attemptStack("prod-eks", { eksAdminPrincipalArns: '["arn:aws:iam::123456789012:role/platform-admins"]' }, asExample);
    expect(String(missing.error)).toMatch(/eksAdminPrincipalArns = .*the role pulumi up runs as, arn:aws:iam::123456789012:role\/platform-deployer, among the admins/);
    expect(missing.resources).toEqual([]);
  });
});

describe("the secrets key", () => {
  it("is administered by the deployer's role and used by the cluster role alone, with no account-wide statement", () => {
    for (const c of [dev, prod]) {
      const statements = policy(one(c, T.kmsKey), "policy").Statement;
      const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
      expect(Object.keys(bySid)).toEqual(["KeyAdministration", "KeyUsage", "KeyGrantsForAwsServices"]);
      expect(bySid.KeyAdministration?.Principal).toEqual({ AWS: [exampleDeployerRoleArn] });
      const clusterRole = all(c, T.role).find((r) => r.name.endsWith("-roles-cluster"));
      expect(bySid.KeyUsage?.Principal).toEqual({ AWS: [clusterRole?.outputs.arn] });
      expect(bySid.KeyGrantsForAwsServices?.Condition).toEqual({ Bool: { "kms:GrantIsForAWSResource": "true" } });
      // Administrators cannot decrypt; users cannot manage or delete the key.
      expect(bySid.KeyAdministration?.Action).not.toEqual(expect.arrayContaining(["kms:Decrypt"]));
      expect(bySid.KeyUsage?.Action).not.toEqual(expect.arrayContaining(["kms:ScheduleKeyDeletion"]));
      expect(JSON.stringify(statements)).not.toMatch(/:root"/);
    }
  });
});

describe("managed node groups", () => {
  it("track the recommended AL2023 release from AWS's public parameter, and are repaired by EKS", () => {
    const group = one(dev, T.nodeGroup);
    const parameter = `/aws/service/eks/optimized-ami/${kubernetesVersion(dev)}/amazon-linux-2023/x86_64/standard/recommended/release_version`;
    expect(dev.invokes).toContainEqual(expect.objectContaining({ token: "aws:ssm/getParameter:getParameter", inputs: expect.objectContaining({ name: parameter }) }));
    expect(group.inputs.releaseVersion).toMatch(new RegExp(`^${kubernetesVersion(dev).replace(".", "\\.")}\\.\\d+-\\d{8}$`));
    expect(group.inputs.nodeRepairConfig).toEqual({ enabled: true });
  });

  it("run a fixed system group on AL2023, small in dev and larger in prod, tainted for critical add-ons, in the private subnets", () => {
    expect(one(dev, T.nodeGroup).inputs).toMatchObject({
      amiType: "AL2023_x86_64_STANDARD",
      instanceTypes: ["t3.medium"],
      scalingConfig: { minSize: 2, maxSize: 2, desiredSize: 2 },
      capacityType: "ON_DEMAND",
      version: kubernetesVersion(dev),
      taints: [{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }],
    });
    expect(one(prod, T.nodeGroup).inputs).toMatchObject({ instanceTypes: ["m6i.large"], scalingConfig: { minSize: 3, maxSize: 3, desiredSize: 3 } });
    const privateIds = all(dev, T.subnet).filter((s) => s.name.includes("-private-")).map((s) => s.id);
    expect(one(dev, T.nodeGroup).inputs.subnetIds).toEqual(privateIds);
  });

  it("keep a fixed group's size Pulumi's own, so that a new count is applied", () => {
    // The fixed system group's size is Pulumi's: a new count moves min, max and desired together.
    expect(one(dev, T.nodeGroup).ignoreChanges ?? []).toEqual([]);
  });

  it("boot from a launch template that requires IMDSv2 with one hop and encrypts a gp3 root volume", () => {
    const template = one(dev, T.launchTemplate);
    expect(template.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(template.inputs.blockDeviceMappings).toEqual([
      { deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ]);
    expect(one(dev, T.nodeGroup).inputs.launchTemplate).toEqual({ id: template.id, version: "1" });
  });

  it("wait for the node role's policies and the CNI and kube-proxy add-ons", () => {
    const deps = one(dev, T.nodeGroup).dependencies;
    expect(deps).toEqual(expect.arrayContaining([addon(dev, "vpc-cni").urn, addon(dev, "kube-proxy").urn]));
    const nodeRole = roleOf(dev, "roles-node").id;
    for (const a of all(dev, T.attachment).filter((x) => x.inputs.role === nodeRole)) expect(deps).toContain(a.urn);
  });
});

describe("Fargate profile", () => {
  it("selects the app's Fargate-labelled pods, runs them in private subnets with the pod execution role", () => {
    const profile = one(dev, T.fargate);
    expect(profile.inputs.selectors).toEqual([{ namespace: "vote", labels: { ...fargatePodLabels } }]);
    expect(profile.inputs.podExecutionRoleArn).toBe(roleOf(dev, "roles-fargate").outputs.arn);
    const privateIds = all(dev, T.subnet).filter((s) => s.name.includes("-private-")).map((s) => s.id);
    expect(profile.inputs.subnetIds).toEqual(privateIds);
  });

  it("exists before the app's front end pods, which would otherwise be scheduled on nodes for good", () => {
    for (const c of [dev, prod]) {
      const front = all(c, "kubernetes:apps/v1:Deployment").find((d) => (d.inputs.metadata as { name?: string }).name === "vote-front");
      expect(front?.dependencies).toContain(one(c, T.fargate).urn);
    }
  });
});

describe("managed add-ons", () => {
  it("installs the five add-ons at the newest versions EKS offers for the cluster's Kubernetes version", () => {
    const versions = all(dev, T.addon).map((a) => a.inputs.addonName);
    expect(versions.sort()).toEqual(["aws-ebs-csi-driver", "coredns", "kube-proxy", "metrics-server", "vpc-cni"]);
    const lookups = dev.invokes.filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion").map((i) => i.inputs);
    expect(lookups).toHaveLength(5);
    for (const lookup of lookups) expect(lookup).toMatchObject({ kubernetesVersion: kubernetesVersion(dev), mostRecent: true });
  });

  it("takes EKS's default version for the cluster's Kubernetes version in prod, so a new build upgrades nothing", () => {
    const lookups = prod.invokes.filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion").map((i) => i.inputs);
    expect(lookups).toHaveLength(5);
    const byAddon = Object.fromEntries(lookups.map((l) => [l.addonName, l]));
    for (const name of ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver"]) {
      expect(byAddon[name]).toMatchObject({ kubernetesVersion: kubernetesVersion(prod), mostRecent: false });
    }
  });

  it("takes the newest build of metrics-server in prod too: a community add-on has no default version to look up", () => {
    const lookup = prod.invokes.find((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion" && i.inputs.addonName === "metrics-server");
    expect(lookup?.inputs).toMatchObject({ mostRecent: true });
    expect(addon(prod, "metrics-server").inputs.addonVersion).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
  });

  it("runs a version pinned in eksAddonVersions as given, without looking one up", async () => {
    const pinned = await captureStack("prod-eks", { eksAddonVersions: '["coredns=v1.12.1-eksbuild.2"]' }, { offline: true });
    expect(addon(pinned, "coredns").inputs.addonVersion).toBe("v1.12.1-eksbuild.2");
    const lookups = pinned.invokes.filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion").map((i) => i.inputs.addonName);
    expect(lookups.sort()).toEqual(["aws-ebs-csi-driver", "kube-proxy", "metrics-server", "vpc-cni"]);
  });

  it("turns on network policy in the VPC CNI, which runs with its own IRSA role", () => {
    const cni = addon(dev, "vpc-cni");
    expect(JSON.parse(String(cni.inputs.configurationValues))).toEqual({ enableNetworkPolicy: "true" });
    expect(cni.inputs.serviceAccountRoleArn).toBe(roleOf(dev, "vpc-cni-irsa-role").outputs.arn);
    expect(addon(dev, "aws-ebs-csi-driver").inputs.serviceAccountRoleArn).toBe(roleOf(dev, "aws-ebs-csi-driver-irsa-role").outputs.arn);
  });

  it("serves the resource metrics the app's HorizontalPodAutoscaler scales on, without an AWS role", () => {
    for (const c of [dev, prod]) {
      const metrics = addon(c, "metrics-server");
      expect(metrics.inputs).toMatchObject({ clusterName: one(c, T.cluster).outputs.name, addonName: "metrics-server" });
      expect(metrics.inputs.serviceAccountRoleArn).toBeUndefined();
    }
  });

  it("resolves conflicts to OVERWRITE, so the declared configuration wins", () => {
    for (const a of all(dev, T.addon)) expect(a.inputs).toMatchObject({ resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" });
  });

  it("starts CoreDNS, the EBS CSI driver and the metrics server after the nodes they run on", () => {
    const nodeGroup = one(dev, T.nodeGroup).urn;
    expect(addon(dev, "coredns").dependencies).toContain(nodeGroup);
    expect(addon(dev, "aws-ebs-csi-driver").dependencies).toContain(nodeGroup);
    expect(addon(dev, "metrics-server").dependencies).toContain(nodeGroup);
    expect(addon(dev, "vpc-cni").dependencies).not.toContain(nodeGroup);
  });
});

describe("destroy ordering with the app", () => {
  it("has the app's Ingress wait for the controller's release, so destroy removes the ALB while the controller runs", () => {
    for (const c of [dev, prod]) {
      const ingress = one(c, "kubernetes:networking.k8s.io/v1:Ingress");
      expect(ingress.dependencies).toContain(one(c, "kubernetes:helm.sh/v3:Release", "lb-controller-release").urn);
      expect(ingress.inputs).toMatchObject({ spec: { ingressClassName: "alb" } });
    }
  });

  it("keeps each NAT gateway until the public route and every public subnet's association to it are gone", () => {
    for (const c of [dev, prod]) {
      const publicRoute = all(c, T.route).find((r) => r.inputs.gatewayId !== undefined);
      const publicAssociations = all(c, T.routeTableAssociation).filter((r) => r.name.includes("-public-"));
      expect(publicAssociations).toHaveLength(c === dev ? 2 : 3);
      for (const nat of all(c, T.nat)) {
        expect(nat.dependencies).toEqual(expect.arrayContaining([publicRoute?.urn, ...publicAssociations.map((a) => a.urn)]));
      }
    }
  });

  it("deletes the Ingress, and with it the ALB, before any part of the way out: NAT, routes, internet gateway", () => {
    for (const c of [dev, prod]) {
      const graph = new DependencyGraph(c);
      const ingress = one(c, "kubernetes:networking.k8s.io/v1:Ingress");
      const egress = [T.nat, T.route, T.routeTableAssociation, T.eip, "aws:ec2/internetGateway:InternetGateway"].flatMap((type) => all(c, type));
      expect(egress.length).toBeGreaterThan(8);
      expect(egress.filter((r) => !graph.deletesBefore(ingress.urn, r.urn)).map((r) => r.name)).toEqual([]);
    }
  });

  it("starts the Load Balancer Controller once CoreDNS runs, and removes it while CoreDNS still does", () => {
    for (const c of [dev, prod]) {
      expect(one(c, "kubernetes:helm.sh/v3:Release", "lb-controller-release").dependencies).toContain(addon(c, "coredns").urn);
    }
  });

  it("deletes the app's namespace, and Redis's claim with its StatefulSet, while the EBS CSI driver and nodes still run", () => {
    for (const c of [dev, prod]) {
      const namespace = one(c, "kubernetes:core/v1:Namespace", "vote-namespace");
      expect(namespace.dependencies).toEqual(expect.arrayContaining([addon(c, "aws-ebs-csi-driver").urn, one(c, T.nodeGroup).urn]));
      const redis = one(c, "kubernetes:apps/v1:StatefulSet");
      expect((redis.inputs.spec as Record<string, unknown>).persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
    }
  });
});

describe("default StorageClass", () => {
  it("is encrypted gp3 from the EBS CSI driver, bound where the pod lands, and waits for the driver", () => {
    const sc = one(dev, T.storageClass);
    expect(sc.inputs).toMatchObject({
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });
    expect(sc.dependencies).toContain(addon(dev, "aws-ebs-csi-driver").urn);
    expect(sc.provider).toBe(one(dev, T.k8sProvider).urn);
  });
});

describe("the Kubernetes provider", () => {
  it("gets its tokens with the stack's aws:profile, and with the default credentials when there is none", async () => {
    const withProfile = await captureStack("dev-eks", { "aws:profile": "workshop-admin" });
    const exec = (c: Capture) =>
      (parse(String(one(c, T.k8sProvider).inputs.kubeconfig)) as { users: { user: { exec: Record<string, unknown> } }[] }).users[0]?.user.exec;
    expect(exec(withProfile)?.env).toEqual([{ name: "AWS_PROFILE", value: "workshop-admin" }]);
    expect(exec(dev)).not.toHaveProperty("env");
    expect(withProfile.outputs.kubeconfig?.secret).toBe(true);
  });

  it("is tied to the cluster by its name, known up front, so an unknown kubeconfig never replaces it", () => {
    for (const [c, name] of [[dev, "voting-platform-dev-eks"], [prod, "voting-platform-prod-eks"]] as const) {
      const provider = one(c, T.k8sProvider);
      expect(provider.inputs.clusterIdentifier).toBe(name);
      expect(provider.propertyDependencies.clusterIdentifier ?? []).toEqual([]);
    }
  });
});

describe("stack outputs", () => {
  it("name the cluster and its endpoint, with the kubeconfig a secret that gets tokens from the AWS CLI", () => {
    expect(dev.outputs.clusterName).toEqual({ value: "voting-platform-dev-eks", secret: false });
    expect(String(dev.outputs.vpcId?.value)).toMatch(/^vpc-0[0-9a-f]{16}$/);
    expect(String(dev.outputs.clusterEndpoint?.value)).toMatch(/^https:\/\/[0-9A-F]{32}\.gr7\.eu-west-1\.eks\.amazonaws\.com$/);
    expect(String(dev.outputs.oidcProviderArn?.value)).toMatch(/^arn:aws:iam::123456789012:oidc-provider\/oidc\.eks\.eu-west-1\.amazonaws\.com\/id\//);
    expect(dev.outputs.registryServer?.value).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
    const kubeconfig = dev.outputs.kubeconfig;
    expect(kubeconfig?.secret).toBe(true);
    expect(String(kubeconfig?.value)).toContain("get-token");
    expect(String(kubeconfig?.value)).toContain("voting-platform-dev-eks");
    expect(one(dev, T.k8sProvider).secretInputs).toContain("kubeconfig");
  });
});
