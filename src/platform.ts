import * as pulumi from "@pulumi/pulumi";
import type { ClusterTarget } from "../components/cluster-target.js";
import { ConfigError, type AksSettings, type EksSettings, type ExistingSettings, type Settings } from "./config.js";
import { readExistingKubeconfig } from "./config/existing.js";

/** A platform as the program sees it: the target for workloads, and stack outputs of its own. */
export interface Platform {
  target: ClusterTarget;
  outputs: Record<string, pulumi.Output<unknown>>;
}

/**
 * Where a platform's component goes: under a parent, with the providers its cloud resources use (a
 * fleet's member, with its region's provider); by default at the stack's root with default providers.
 */
export interface PlatformPlacement {
  parent?: pulumi.Resource;
  /**
   * The provider the platform's own reads (the EKS preflight) go through, and its component's, whose
   * children inherit it; a fleet's member sets it on the member instead, for the whole subtree.
   */
  provider?: pulumi.ProviderResource;
}

/**
 * Builds the platform's component, under the placement's parent; what could refuse the config has been
 * asked already, through the placement's provider.
 */
export type PlatformBuilder = (placement?: PlatformPlacement) => Platform;

/** Builds the platform component for the configured cloud. */
export async function createPlatform(settings: Settings, placement: PlatformPlacement = {}): Promise<Platform> {
  return (await preparePlatform(settings, placement))(placement);
}

/**
 * Checks what the cloud must confirm and loads the platform's component, then returns what builds it:
 * a stack of several platforms checks them all before it registers any of their resources. Each
 * component is imported only when chosen, so a stack never loads the SDKs of the clouds it does not use.
 */
export async function preparePlatform(settings: Settings, placement: PlatformPlacement = {}): Promise<PlatformBuilder> {
  const { platform } = settings;
  switch (platform.cloud) {
    case "azure":
      return aksPlatform(settings, platform.aks, placement);
    case "existing":
      return existingPlatform(settings, platform.existing, placement);
    case "aws":
      return eksPlatform(settings, platform.eks, placement);
  }
}

function componentOptions(placement: PlatformPlacement): pulumi.ComponentResourceOptions {
  return {
    ...(placement.parent ? { parent: placement.parent } : {}),
    ...(placement.provider ? { providers: [placement.provider] } : {}),
  };
}

/** AKS: resources are named after the stack's base name; prod turns on the production posture. */
async function aksPlatform(settings: Settings, aks: AksSettings, placement: PlatformPlacement): Promise<PlatformBuilder> {
  const { AksCluster } = await import("../components/azure/aks-cluster.js");
  return (built = placement) => {
    const cluster = new AksCluster(settings.name, {
      settings: aks,
      production: settings.environment === "prod",
      protect: settings.protect,
      // The app's own namespace: the pods that mount its Key Vault secrets run there, as this account.
      secretsReader: { namespace: settings.app.namespace, serviceAccountName: "secrets-reader" },
      https:
        settings.app.https?.cloud === "azure"
          ? {
              hostname: settings.app.https.hostname,
              certificateName: settings.app.https.certificateName,
              keyVaultId: settings.app.https.keyVaultId,
              keyVaultName: settings.app.https.keyVaultName,
            }
          : undefined,
      tags: settings.tags,
    }, componentOptions(built));
    return { target: cluster.target, outputs: cluster.outputs };
  };
}

/**
 * EKS: the cluster is named after the project and stack, so two stacks in one account keep apart.
 * What AWS must confirm (the Kubernetes version, who administers the cluster) is checked first, so a
 * stack that would fail halfway through `pulumi up` fails before anything is created.
 */
async function eksPlatform(settings: Settings, eks: EksSettings, placement: PlatformPlacement): Promise<PlatformBuilder> {
  const [{ EksCluster }, { readEksFacts, adminPrincipalProblems }, { chooseKubernetesVersion }] = await Promise.all([
    import("../components/aws/eks-cluster.js"),
    import("../components/aws/preflight.js"),
    import("../components/aws/kubernetes-version.js"),
  ]);
  const dev = settings.environment === "dev";
  const clusterName = `${settings.project}-${settings.name}`;
  const supportType = dev ? "STANDARD" : "EXTENDED";
  const facts = await readEksFacts(clusterName, placement.provider ? { provider: placement.provider } : {});
  const version = chooseKubernetesVersion({
    pinned: eks.kubernetesVersion,
    existing: facts.existingVersion,
    offered: facts.offeredVersions,
    supportType,
    now: new Date(),
  });
  const key = (name: string) => `${settings.project}:${name}`;
  const problems = [
    ...version.problems.map((expected) => ({ key: key("eksKubernetesVersion"), value: eks.kubernetesVersion, expected })),
    ...adminPrincipalProblems({
      adminPrincipalArns: eks.access.adminPrincipalArns,
      bootstrapCreatorAdmin: eks.access.bootstrapCreatorAdmin,
      deployerArn: facts.deployer.principalArn,
    }).map((expected) => ({ key: key("eksAdminPrincipalArns"), value: JSON.stringify(eks.access.adminPrincipalArns), expected })),
  ];
  if (problems.length > 0) throw new ConfigError(settings.stack, problems);
  for (const warning of version.warnings) await pulumi.log.warn(`eksKubernetesVersion: ${warning}`);

  return (built = placement) => {
    const cluster = new EksCluster(settings.name, {
      clusterName,
      region: eks.region,
      awsProfile: eks.profile,
      kubernetesVersion: version.version,
      supportType,
      keyAdministratorArns: [facts.deployer.principalArn],
      vpcCidr: eks.network.vpcCidr,
      azCount: eks.network.azCount,
      publicSubnetCidrs: eks.network.publicSubnetCidrs,
      privateSubnetCidrs: eks.network.privateSubnetCidrs,
      natGateways: eks.network.natGateways,
      vpcEndpoints: eks.network.vpcEndpoints,
      nodeGroups: eks.nodeGroups,
      compute: eks.compute,
      publicAccess: eks.endpoint.publicAccess,
      publicAccessCidrs: eks.endpoint.publicAccessCidrs,
      logTypes: eks.logging.types,
      logRetentionDays: eks.logging.retentionDays,
      adminPrincipalArns: eks.access.adminPrincipalArns,
      bootstrapCreatorAdmin: eks.access.bootstrapCreatorAdmin,
      addonVersions: eks.addonVersions,
      // The app's own namespace: its pods labelled for Fargate run there.
      fargateNamespace: settings.app.namespace,
      fargateLogging: eks.logging.fargate,
      lbControllerReplicas: eks.lbControllerReplicas,
      https: settings.app.https?.cloud === "aws" ? { certificateArn: settings.app.https.certificateArn, hostname: settings.app.https.hostname } : undefined,
      disposable: dev,
      protect: settings.protect,
      tags: settings.tags,
    }, componentOptions(built));
    return {
      target: cluster.target,
      outputs: {
        region: pulumi.output(eks.region),
        vpcId: cluster.vpcId,
        clusterEndpoint: cluster.clusterEndpoint,
        oidcProviderArn: cluster.oidcProviderArn,
        registryServer: cluster.registryServer,
      },
    };
  };
}

/**
 * An existing cluster: the kubeconfig is found and read first, so a missing file or context fails as
 * a config error before anything is registered.
 */
async function existingPlatform(settings: Settings, existing: ExistingSettings, placement: PlatformPlacement): Promise<PlatformBuilder> {
  const kubeconfig = readExistingKubeconfig(settings.project, settings.stack, existing);
  const { ExistingCluster } = await import("../components/kubernetes/existing-cluster.js");
  return (built = placement) => {
    const cluster = new ExistingCluster(settings.name, {
      kubeconfig: kubeconfig.kubeconfig,
      context: kubeconfig.context,
      clusterName: kubeconfig.clusterName,
      clusterIdentifier: kubeconfig.clusterIdentifier,
      serviceType: existing.serviceType,
      nodePort: existing.nodePort,
      nodeHost: existing.nodeHost,
      storageClassName: existing.storageClassName,
    }, componentOptions(built));
    return { target: cluster.target, outputs: {} };
  };
}
