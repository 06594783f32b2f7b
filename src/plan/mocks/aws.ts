import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { rememberProviderRegion, withProviderRegion } from "./aws-providers.js";
import type { Inputs, MockContext, MockModule } from "./types.js";

/** The account every offline plan runs in: the one AWS's own documentation uses. */
export const mockAccountId = "123456789012";

function region(inputs: Inputs): string {
  if (typeof inputs.region === "string") return inputs.region;
  return pulumi.runtime.getConfig("aws:region") ?? "us-east-1";
}

/** A hex id of the given length, stable for the seed: `0abc...` as EC2 ids look. */
function hex(ctx: MockContext, seed: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += ctx.suffix(`${seed}/${i}`);
  return out.slice(0, length);
}

function uuid(ctx: MockContext, seed: string): string {
  const h = hex(ctx, seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The physical name Pulumi's auto-naming gives: the logical name and 7 random characters. */
function autoName(ctx: MockContext, type: string, name: string): string {
  return `${name}-${hex(ctx, `autoname/${type}/${name}`, 7)}`;
}

function str(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" ? value : fallback;
}

function base64(text: string): string {
  return Buffer.from(text).toString("base64");
}

type Mock = (name: string, inputs: Inputs, ctx: MockContext) => { id: string; state: Inputs };

const ec2Id =
  (prefix: string, extra: (id: string, inputs: Inputs, ctx: MockContext) => Inputs = () => ({})): Mock =>
  (name, inputs, ctx) => {
    const id = `${prefix}-0${hex(ctx, `${prefix}/${name}`, 16)}`;
    return { id, state: { ...inputs, id, ownerId: mockAccountId, ...extra(id, inputs, ctx) } };
  };

const resources: Record<string, Mock> = {
  "aws:ec2/vpc:Vpc": ec2Id("vpc", (id, inputs, ctx) => ({
    arn: `arn:aws:ec2:${region(inputs)}:${mockAccountId}:vpc/${id}`,
    defaultSecurityGroupId: `sg-0${hex(ctx, `default-sg/${id}`, 16)}`,
    mainRouteTableId: `rtb-0${hex(ctx, `main-rtb/${id}`, 16)}`,
  })),
  "aws:ec2/subnet:Subnet": ec2Id("subnet", (id, inputs) => ({
    arn: `arn:aws:ec2:${region(inputs)}:${mockAccountId}:subnet/${id}`,
  })),
  "aws:ec2/internetGateway:InternetGateway": ec2Id("igw"),
  "aws:ec2/eip:Eip": ec2Id("eipalloc", (id, _inputs, ctx) => ({
    allocationId: id,
    publicIp: `52.${parseInt(hex(ctx, id, 2), 16)}.${parseInt(hex(ctx, `${id}/b`, 2), 16)}.${parseInt(hex(ctx, `${id}/c`, 2), 16)}`,
  })),
  "aws:ec2/natGateway:NatGateway": ec2Id("nat"),
  "aws:ec2/routeTable:RouteTable": ec2Id("rtb"),
  "aws:ec2/securityGroup:SecurityGroup": ec2Id("sg", (id, inputs) => ({ arn: `arn:aws:ec2:${region(inputs)}:${mockAccountId}:security-group/${id}` })),
  "aws:ec2/vpcEndpoint:VpcEndpoint": ec2Id("vpce", (id, inputs) => ({
    arn: `arn:aws:ec2:${region(inputs)}:${mockAccountId}:vpc-endpoint/${id}`,
    state: "available",
  })),
  "aws:ec2/route:Route": (name, inputs, ctx) => ({ id: `r-${str(inputs.routeTableId, "rtb")}${hex(ctx, name, 10)}`, state: { ...inputs } }),
  "aws:ec2/routeTableAssociation:RouteTableAssociation": ec2Id("rtbassoc"),
  "aws:ec2/launchTemplate:LaunchTemplate": ec2Id("lt", (id, inputs, ctx) => ({
    arn: `arn:aws:ec2:${region(inputs)}:${mockAccountId}:launch-template/${id}`,
    name: str(inputs.name, autoName(ctx, "lt", id)),
    latestVersion: 1,
    defaultVersion: 1,
  })),
  "aws:iam/role:Role": (name, inputs, ctx) => {
    const roleName = str(inputs.name, autoName(ctx, "role", name));
    return {
      id: roleName,
      state: { ...inputs, name: roleName, arn: `arn:aws:iam::${mockAccountId}:role/${roleName}`, uniqueId: `AROA${hex(ctx, roleName, 17).toUpperCase()}` },
    };
  },
  "aws:iam/policy:Policy": (name, inputs, ctx) => {
    const policyName = str(inputs.name, autoName(ctx, "policy", name));
    const arn = `arn:aws:iam::${mockAccountId}:policy/${policyName}`;
    return { id: arn, state: { ...inputs, name: policyName, arn, policyId: `ANPA${hex(ctx, policyName, 17).toUpperCase()}` } };
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (name, inputs, ctx) => ({
    id: `${str(inputs.role, name)}-${hex(ctx, name, 20)}`,
    state: { ...inputs },
  }),
  "aws:iam/rolePolicy:RolePolicy": (name, inputs, ctx) => {
    const policyName = str(inputs.name, autoName(ctx, "role-policy", name));
    return { id: `${str(inputs.role, "role")}:${policyName}`, state: { ...inputs, name: policyName } };
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_name, inputs) => {
    const host = str(inputs.url, "https://oidc.example").replace(/^https:\/\//, "");
    const arn = `arn:aws:iam::${mockAccountId}:oidc-provider/${host}`;
    return { id: arn, state: { ...inputs, arn, thumbprintLists: ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"] } };
  },
  "aws:kms/key:Key": (name, inputs, ctx) => {
    const keyId = uuid(ctx, `kms/${name}`);
    return { id: keyId, state: { ...inputs, keyId, arn: `arn:aws:kms:${region(inputs)}:${mockAccountId}:key/${keyId}` } };
  },
  "aws:kms/alias:Alias": (name, inputs) => {
    const aliasName = str(inputs.name, `alias/${name}`);
    return { id: aliasName, state: { ...inputs, arn: `arn:aws:kms:${region(inputs)}:${mockAccountId}:${aliasName}` } };
  },
  "aws:cloudwatch/logGroup:LogGroup": (name, inputs, ctx) => {
    const groupName = str(inputs.name, autoName(ctx, "log-group", name));
    return { id: groupName, state: { ...inputs, name: groupName, arn: `arn:aws:logs:${region(inputs)}:${mockAccountId}:log-group:${groupName}` } };
  },
  "aws:route53/healthCheck:HealthCheck": (name, inputs, ctx) => {
    const id = uuid(ctx, `health-check/${name}`);
    return { id, state: { ...inputs, id, arn: `arn:aws:route53:::healthcheck/${id}` } };
  },
  // Route 53 ids a record by zone, name, type and set identifier.
  "aws:route53/record:Record": (_name, inputs) => {
    const id = [inputs.zoneId, inputs.name, inputs.type, inputs.setIdentifier].filter((part) => typeof part === "string").join("_");
    return { id, state: { ...inputs, fqdn: str(inputs.name, "") } };
  },
  "aws:eks/cluster:Cluster": (name, inputs, ctx) => {
    const clusterName = str(inputs.name, autoName(ctx, "cluster", name));
    const r = region(inputs);
    const id = hex(ctx, `eks/${clusterName}`, 32).toUpperCase();
    const vpcConfig = (inputs.vpcConfig ?? {}) as Inputs;
    return {
      id: clusterName,
      state: {
        ...inputs,
        name: clusterName,
        arn: `arn:aws:eks:${r}:${mockAccountId}:cluster/${clusterName}`,
        endpoint: `https://${id}.gr7.${r}.eks.amazonaws.com`,
        certificateAuthority: { data: base64(`-----BEGIN CERTIFICATE-----\nMIIC/offline-plan/${clusterName}\n-----END CERTIFICATE-----\n`) },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${r}.amazonaws.com/id/${id}` }] }],
        vpcConfig: { ...vpcConfig, clusterSecurityGroupId: `sg-0${hex(ctx, `cluster-sg/${clusterName}`, 16)}`, vpcId: `vpc-0${hex(ctx, "vpc", 16)}` },
        platformVersion: "eks.8",
        status: "ACTIVE",
      },
    };
  },
  "aws:eks/nodeGroup:NodeGroup": (name, inputs, ctx) => {
    const cluster = str(inputs.clusterName, "cluster");
    const groupName = str(inputs.nodeGroupName, autoName(ctx, "node-group", name));
    return {
      id: `${cluster}:${groupName}`,
      state: {
        ...inputs,
        nodeGroupName: groupName,
        arn: `arn:aws:eks:${region(inputs)}:${mockAccountId}:nodegroup/${cluster}/${groupName}/${uuid(ctx, groupName)}`,
        status: "ACTIVE",
        resources: [{ autoscalingGroups: [{ name: `eks-${groupName}-${uuid(ctx, `asg/${groupName}`)}` }] }],
      },
    };
  },
  "aws:eks/fargateProfile:FargateProfile": (name, inputs, ctx) => {
    const cluster = str(inputs.clusterName, "cluster");
    const profileName = str(inputs.fargateProfileName, autoName(ctx, "fargate", name));
    return {
      id: `${cluster}:${profileName}`,
      state: {
        ...inputs,
        fargateProfileName: profileName,
        arn: `arn:aws:eks:${region(inputs)}:${mockAccountId}:fargateprofile/${cluster}/${profileName}/${uuid(ctx, profileName)}`,
        status: "ACTIVE",
      },
    };
  },
  "aws:eks/addon:Addon": (_name, inputs, ctx) => {
    const cluster = str(inputs.clusterName, "cluster");
    const addon = str(inputs.addonName, "addon");
    return {
      id: `${cluster}:${addon}`,
      state: { ...inputs, arn: `arn:aws:eks:${region(inputs)}:${mockAccountId}:addon/${cluster}/${addon}/${uuid(ctx, addon)}` },
    };
  },
  "aws:eks/accessEntry:AccessEntry": (_name, inputs, ctx) => {
    const cluster = str(inputs.clusterName, "cluster");
    const principal = str(inputs.principalArn, "principal");
    const kind = principal.includes(":user/") ? "user" : "role";
    return {
      id: `${cluster}:${principal}`,
      state: {
        ...inputs,
        accessEntryArn: `arn:aws:eks:${region(inputs)}:${mockAccountId}:access-entry/${cluster}/${kind}/${mockAccountId}/${principal.replace(/^.*\//, "")}/${uuid(ctx, principal)}`,
      },
    };
  },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": (_name, inputs) => ({
    id: `${str(inputs.clusterName, "cluster")}#${str(inputs.principalArn, "principal")}#${str(inputs.policyArn, "policy")}`,
    state: { ...inputs, associatedAt: "2026-01-01T00:00:00Z" },
  }),
  "aws:ecr/repository:Repository": (name, inputs) => {
    const repositoryName = str(inputs.name, name);
    const r = region(inputs);
    return {
      id: repositoryName,
      state: {
        ...inputs,
        name: repositoryName,
        arn: `arn:aws:ecr:${r}:${mockAccountId}:repository/${repositoryName}`,
        registryId: mockAccountId,
        repositoryUrl: `${mockAccountId}.dkr.ecr.${r}.amazonaws.com/${repositoryName}`,
      },
    };
  },
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": (_name, inputs) => ({
    id: str(inputs.repository, "repository"),
    state: { ...inputs, registryId: mockAccountId },
  }),
};

/**
 * Add-on versions EKS offers per Kubernetes version (`aws eks describe-addon-versions`): the one it marks
 * as the default, and its newest build. A community add-on (metrics-server) has no default, and the
 * lookup of one fails as the provider's does.
 */
const addonVersions: Record<string, Record<string, { default?: string; latest: string }>> = {
  "vpc-cni": {
    "1.34": { default: "v1.20.1-eksbuild.1", latest: "v1.20.4-eksbuild.2" },
    "1.35": { default: "v1.20.4-eksbuild.1", latest: "v1.20.4-eksbuild.2" },
    "1.36": { default: "v1.20.4-eksbuild.2", latest: "v1.20.5-eksbuild.1" },
  },
  "kube-proxy": {
    "1.34": { default: "v1.34.0-eksbuild.2", latest: "v1.34.2-eksbuild.4" },
    "1.35": { default: "v1.35.0-eksbuild.2", latest: "v1.35.1-eksbuild.3" },
    "1.36": { default: "v1.36.0-eksbuild.1", latest: "v1.36.1-eksbuild.2" },
  },
  coredns: {
    "1.34": { default: "v1.12.3-eksbuild.1", latest: "v1.12.4-eksbuild.1" },
    "1.35": { default: "v1.12.4-eksbuild.1", latest: "v1.13.1-eksbuild.1" },
    "1.36": { default: "v1.13.1-eksbuild.1", latest: "v1.13.1-eksbuild.2" },
  },
  "aws-ebs-csi-driver": {
    "1.34": { default: "v1.48.0-eksbuild.1", latest: "v1.50.1-eksbuild.1" },
    "1.35": { default: "v1.50.1-eksbuild.1", latest: "v1.52.0-eksbuild.1" },
    "1.36": { default: "v1.52.0-eksbuild.1", latest: "v1.52.0-eksbuild.2" },
  },
  "metrics-server": {
    "1.34": { latest: "v0.8.0-eksbuild.3" },
    "1.35": { latest: "v0.8.0-eksbuild.3" },
    "1.36": { latest: "v0.8.1-eksbuild.1" },
  },
};

interface CalendarEntry {
  version: string;
  eksRelease: string;
  endOfStandardSupport: string;
  endOfExtendedSupport: string;
}

/** EKS's version calendar as the repository keeps it (data/eks-kubernetes-versions.json). */
const calendar = (JSON.parse(readFileSync(new URL("../../../data/eks-kubernetes-versions.json", import.meta.url), "utf8")) as { versions: CalendarEntry[] }).versions;

/**
 * What `eks.getClusterVersions` answers today: the calendar's versions EKS still offers, with their
 * status from today's date. The default is the newest version but one in standard support, where EKS
 * has kept it; `pulumi up` asks EKS.
 */
function clusterVersions(inputs: Inputs, now = new Date()) {
  const day = now.toISOString().slice(0, 10);
  const status = (v: CalendarEntry) =>
    day < v.endOfStandardSupport ? "STANDARD_SUPPORT" : day < v.endOfExtendedSupport ? "EXTENDED_SUPPORT" : "UNSUPPORTED";
  const offered = calendar.filter((v) => v.eksRelease <= day && status(v) !== "UNSUPPORTED").reverse();
  const standard = offered.filter((v) => status(v) === "STANDARD_SUPPORT");
  if (standard.length === 0) {
    throw new Error(`data/eks-kubernetes-versions.json has no version in standard support on ${day}: add the versions EKS has released since it was compiled`);
  }
  const defaultVersion = (standard[1] ?? standard[0])?.version;
  const all = offered.map((v) => ({
    clusterType: "eks",
    clusterVersion: v.version,
    defaultPlatformVersion: "eks.12",
    defaultVersion: v.version === defaultVersion,
    releaseDate: `${v.eksRelease}T00:00:00Z`,
    endOfStandardSupportDate: `${v.endOfStandardSupport}T00:00:00Z`,
    endOfExtendedSupportDate: `${v.endOfExtendedSupport}T00:00:00Z`,
    kubernetesPatchVersion: `${v.version}.2`,
    versionStatus: status(v),
    controlPlaneComponentConfigs: [],
    controlPlaneScalingTiers: [],
  }));
  const only = Array.isArray(inputs.clusterVersionsOnlies) ? (inputs.clusterVersionsOnlies as string[]) : undefined;
  return all.filter(
    (v) => (inputs.defaultOnly !== true || v.defaultVersion) && (!only || only.includes(v.clusterVersion)) && (!inputs.versionStatus || v.versionStatus === inputs.versionStatus),
  );
}

const invokes: Record<string, (inputs: Inputs, ctx: MockContext) => Inputs> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (inputs) => {
    const r = region(inputs);
    const short = r.replace(/^(\w\w)-(\w)\w*-(\d)$/, "$1$2$3");
    return {
      ...inputs,
      id: r,
      region: r,
      names: ["a", "b", "c"].map((z) => `${r}${z}`),
      zoneIds: [1, 2, 3].map((n) => `${short}-az${n}`),
      groupNames: [r, r, r],
    };
  },
  "aws:eks/getAddonVersion:getAddonVersion": (inputs) => {
    const addon = str(inputs.addonName, "");
    const k8s = str(inputs.kubernetesVersion, "");
    const offered = addonVersions[addon]?.[k8s];
    const version = inputs.mostRecent === true ? offered?.latest : offered?.default;
    if (!version) throw new Error(`reading EKS Add-On version info (${addon}, ${k8s}): empty result`);
    return { ...inputs, id: addon, region: region(inputs), version };
  },
  "aws:eks/getClusterVersions:getClusterVersions": (inputs) => ({ ...inputs, id: region(inputs), region: region(inputs), clusterVersions: clusterVersions(inputs) }),
  // A new stack: no cluster of its name exists yet in the account and region.
  "aws:eks/getClusters:getClusters": (inputs) => ({ id: region(inputs), region: region(inputs), names: [] }),
  "aws:iam/getSessionContext:getSessionContext": (inputs) => {
    const arn = str(inputs.arn, "");
    const assumed = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
    if (!assumed) return { id: arn, arn, issuerArn: arn, issuerId: "", issuerName: "", sessionName: "" };
    const [, partition, account, role, session] = assumed;
    return { id: arn, arn, issuerArn: `arn:${partition}:iam::${account}:role/${role}`, issuerId: `AROA${role?.toUpperCase()}`, issuerName: role, sessionName: session };
  },
  "aws:ssm/getParameter:getParameter": (inputs) => {
    const name = str(inputs.name, "");
    const release = /^\/aws\/service\/eks\/optimized-ami\/(1\.\d+)\/amazon-linux-2023\/(x86_64|arm64)\/standard\/recommended\/release_version$/.exec(name);
    if (!release) throw new Error(`ParameterNotFound: ${name}`);
    const value = `${release[1]}.2-20261115`;
    return { id: name, name, arn: `arn:aws:ssm:${region(inputs)}::parameter${name}`, type: "String", value, insecureValue: value, version: 42, withDecryption: true };
  },
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": (inputs, ctx) => {
    const r = region(inputs);
    const password = `offline-plan-token-${hex(ctx, "ecr-token", 24)}`;
    return {
      id: r,
      region: r,
      userName: "AWS",
      password,
      authorizationToken: base64(`AWS:${password}`),
      proxyEndpoint: `https://${mockAccountId}.dkr.ecr.${r}.amazonaws.com`,
      expiresAt: "2026-01-01T12:00:00Z",
    };
  },
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    id: mockAccountId,
    accountId: mockAccountId,
    arn: `arn:aws:sts::${mockAccountId}:assumed-role/platform-deployer/offline-plan`,
    userId: "AROAOFFLINEPLANDEPLOYER:offline-plan",
  }),
  // The hosted zone the fleet's stack names: a public zone of the account, as `pulumi up` finds it.
  "aws:route53/getZone:getZone": (inputs, ctx) => {
    const name = str(inputs.name, "example.com").replace(/\.$/, "");
    const zoneId = `Z${hex(ctx, `zone/${name}`, 20).toUpperCase()}`;
    return {
      ...inputs,
      id: zoneId,
      zoneId,
      name,
      arn: `arn:aws:route53:::hostedzone/${zoneId}`,
      privateZone: false,
      nameServers: ["ns-1.awsdns-01.org", "ns-2.awsdns-02.co.uk", "ns-3.awsdns-03.com", "ns-4.awsdns-04.net"],
      resourceRecordSetCount: 2,
      callerReference: "offline-plan",
      comment: "",
      linkedServiceDescription: "",
      linkedServicePrincipal: "",
      primaryNameServer: "ns-1.awsdns-01.org",
      tags: {},
    };
  },
  "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
};

/**
 * AWS resources come back with ids and ARNs of the real shape (`vpc-0...`, `arn:aws:iam::...:role/...`,
 * an EKS endpoint and OIDC issuer), in the account AWS documents with and the stack's `aws:region`.
 */
export const awsMocks: MockModule = {
  newResource({ type, name, inputs, provider }, ctx) {
    if (type === "pulumi:providers:aws") {
      rememberProviderRegion(ctx, name, str(inputs.region, region({})));
      return { id: `${name}-${hex(ctx, `provider/${name}`, 8)}`, state: inputs };
    }
    return resources[type]?.(name, withProviderRegion(inputs, provider, ctx), ctx);
  },
  call({ token, inputs, provider }, ctx) {
    return invokes[token]?.(withProviderRegion(inputs, provider, ctx), ctx);
  },
};
