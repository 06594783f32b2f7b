import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as resources from "@pulumi/azure-native/resources/index.js";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { pinnedPodAnnotations, type ClusterTarget } from "../cluster-target.js";
import { AksAppGateway } from "./app-gateway.js";
import { AksClusterAccess } from "./cluster-access.js";
import { offersZoneRedundantDisks, zonalStorageClass, zoneRedundantStorageClass, ZoneRedundantStorage } from "./disk-storage.js";
import { AksManagedCluster } from "./cluster.js";
import { AksKeyVault } from "./key-vault.js";
import { AksMonitoring } from "./monitoring.js";
import { containerInsightsRuleName, dnsLabelDomain, globalName, localNames } from "./naming.js";
import { AksNetwork } from "./network.js";
import { AksNodePools } from "./node-pools.js";
import { AksNodeProvisioning, autoProvisioningArgs, clusterScaling } from "./node-provisioning.js";
import { principalTypeOfToken } from "./principal.js";
import { AksPrivateEndpoints, type PrivateEndpointTarget } from "./private-endpoints.js";
import { AksRegistry } from "./registry.js";
import type { AksSettings } from "./settings.js";
import { AksStorage } from "./storage.js";
import { AksWorkloadIdentity } from "./workload-identity.js";

export interface AksClusterArgs {
  /** What to build; `AksSettings` documents each field and its defaults, which the stack config applies. */
  settings: AksSettings;
  /**
   * Base of the resource names (`rg-<base>`, `aks-<base>`...).
   * @default - the component's name
   */
  baseName?: string;
  /**
   * Production posture: zone-redundant storage, a kept-reachable Kubernetes provider, and a warning
   * when the API server is open to every address.
   * @default false
   */
  production?: boolean;
  /**
   * Protect the cluster, registry, vault and workspace from deletion.
   * @default false
   */
  protect?: boolean;
  /**
   * The ServiceAccount that workloads mounting Key Vault secrets run as; only its pods can read the vault.
   * @default - `secrets-reader` in namespace `vote`
   */
  secretsReader?: { namespace: string; serviceAccountName: string };
  /**
   * HTTPS for the app, served by Application Gateway for Containers with a Key Vault certificate that
   * the secrets reader is granted to fetch; HTTP on port 80 redirects to it.
   * @default - HTTP only, through a LoadBalancer Service
   */
  https?: AksHttps;
  /**
   * Tags on every Azure resource that takes them.
   * @default {}
   */
  tags?: Record<string, string>;
}

/** A Key Vault certificate for the app's host name. */
export interface AksHttps {
  /** The host name users open; a CNAME to the gateway's frontend makes it reach the app. */
  hostname: string;
  /** The certificate's name in its vault; fetched as a secret, which holds its key and chain. */
  certificateName: string;
  /** The vault's resource id and name. */
  keyVaultId: string;
  keyVaultName: string;
}

/**
 * An AKS platform: resource group, VNet, Log Analytics, the cluster with its node pools, ACR, Key
 * Vault and a storage account, wired together and exposed as a ClusterTarget for workloads.
 */
export class AksCluster extends pulumi.ComponentResource {
  readonly resourceGroup: resources.ResourceGroup;
  readonly network: AksNetwork;
  readonly monitoring: AksMonitoring;
  readonly managedCluster: AksManagedCluster;
  readonly nodePools?: AksNodePools;
  /** Node auto-provisioning's NodePool and AKSNodeClass, with `scaling.nodeProvisioning` auto. */
  readonly nodeProvisioning?: AksNodeProvisioning;
  readonly registry: AksRegistry;
  readonly keyVault: AksKeyVault;
  readonly secretsReader: AksWorkloadIdentity;
  readonly storage?: AksStorage;
  readonly privateEndpoints?: AksPrivateEndpoints;
  readonly access: AksClusterAccess;
  readonly appGateway?: AksAppGateway;
  /** Zone-redundant disks for workloads, where the pools span zones and the region has them. */
  readonly zoneRedundantStorage?: ZoneRedundantStorage;
  readonly target: ClusterTarget;
  /** Stack outputs worth publishing. */
  readonly outputs: Record<string, pulumi.Output<unknown>>;

  constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksCluster", name, {}, opts);
    const { settings } = args;
    const base = args.baseName ?? name;
    const production = args.production ?? false;
    const protect = args.protect ?? false;
    const tags = args.tags ?? {};
    const names = localNames(base);
    const location = settings.location;
    if (production && settings.apiServer.authorizedIpRanges.length === 0 && !settings.apiServer.privateCluster) {
      pulumi.log.warn(`${name}: the API server accepts connections from any address; set aksAuthorizedIpRanges or aksPrivateCluster`, this);
    }

    const client = authorization.getClientConfigOutput({ parent: this });
    // Whether pulumi up runs as a user or a service principal, for the roles it grants itself.
    const deployerType = authorization.getClientTokenOutput({}, { parent: this }).token.apply(principalTypeOfToken);
    // Registry, vault and storage names are global DNS labels; a stable random suffix keeps forks apart.
    const suffix = new random.RandomString(`${name}-suffix`, { length: 6, special: false, upper: false }, { parent: this });
    const globalNameOf = (kind: "registry" | "vault" | "storage") => suffix.result.apply((s) => globalName(kind, base, s));

    this.resourceGroup = new resources.ResourceGroup(`${name}-rg`, { resourceGroupName: names.resourceGroup, location, tags }, { parent: this });
    const resourceGroupName = this.resourceGroup.name;

    this.network = new AksNetwork(
      `${name}-network`,
      {
        resourceGroupName,
        location,
        baseName: base,
        vnetCidr: settings.network.vnetCidr,
        nodeSubnetCidr: settings.network.nodeSubnetCidr,
        virtualNodesSubnetCidr: settings.network.virtualNodesSubnetCidr,
        privateEndpointSubnetCidr: settings.network.privateEndpointSubnetCidr,
        appGatewaySubnetCidr: args.https ? settings.network.appGatewaySubnetCidr : undefined,
        securityGroups: settings.network.securityGroups,
        natGateway: settings.network.outbound === "natGateway",
        tags,
      },
      { parent: this },
    );

    this.monitoring = new AksMonitoring(
      `${name}-monitoring`,
      {
        resourceGroupName,
        location,
        workspaceName: names.workspace,
        containerInsightsRuleName: containerInsightsRuleName(location, names.cluster),
        retentionDays: settings.logRetentionDays,
        protect,
        tags,
      },
      { parent: this },
    );

    const virtualNodesSubnet = this.network.virtualNodesSubnet;
    this.managedCluster = new AksManagedCluster(
      `${name}-cluster`,
      {
        resourceGroupName,
        location,
        clusterName: names.cluster,
        dnsPrefix: names.dnsPrefix,
        subscriptionId: client.subscriptionId,
        deployerObjectId: client.objectId,
        deployerPrincipalType: deployerType,
        nodeSubnetId: this.network.nodeSubnet.id,
        workspaceId: this.monitoring.workspace.id,
        containerInsightsRuleId: this.monitoring.containerInsightsRule.id,
        network: settings.network,
        systemPool: settings.systemPool,
        scaling: clusterScaling(settings),
        kubernetesVersion: settings.kubernetesVersion,
        virtualNodesSubnet:
          virtualNodesSubnet && this.network.virtualNodesSubnetName
            ? { id: virtualNodesSubnet.id, name: this.network.virtualNodesSubnetName }
            : undefined,
        skuTier: settings.skuTier,
        upgrade: settings.upgrade,
        apiServer: settings.apiServer,
        access: settings.access,
        azurePolicy: settings.azurePolicy,
        protect,
        tags,
      },
      { parent: this },
    );
    const cluster = this.managedCluster.cluster;

    if (settings.userPools.length > 0) {
      this.nodePools = new AksNodePools(
        `${name}-pools`,
        {
          resourceGroupName,
          clusterName: cluster.name,
          vnetSubnetId: this.network.nodeSubnet.id,
          pools: settings.userPools,
          maxPods: settings.systemPool.maxPods,
          maxSurge: settings.systemPool.maxSurge,
          tags,
        },
        { parent: this },
      );
    }

    this.registry = new AksRegistry(
      `${name}-registry`,
      {
        resourceGroupName,
        location,
        registryName: globalNameOf("registry"),
        subscriptionId: client.subscriptionId,
        kubeletObjectId: this.managedCluster.kubeletIdentity.objectId,
        sku: settings.registrySku,
        zoneRedundant: settings.registrySku === "Premium" && settings.systemPool.zones.length > 1,
        privateAccess: settings.privateEndpoints,
        protect,
        tags,
      },
      { parent: this },
    );

    const reader = args.secretsReader ?? { namespace: "vote", serviceAccountName: "secrets-reader" };
    this.secretsReader = new AksWorkloadIdentity(
      `${name}-secrets-reader`,
      {
        resourceGroupName,
        location,
        identityName: `id-${names.cluster}-secrets-reader`,
        oidcIssuerUrl: this.managedCluster.oidcIssuerUrl,
        namespace: reader.namespace,
        serviceAccountName: reader.serviceAccountName,
        tags,
      },
      { parent: this },
    );

    this.keyVault = new AksKeyVault(
      `${name}-keyvault`,
      {
        resourceGroupName,
        location,
        vaultName: globalNameOf("vault"),
        tenantId: client.tenantId,
        subscriptionId: client.subscriptionId,
        deployerObjectId: client.objectId,
        deployerPrincipalType: deployerType,
        reader: this.secretsReader,
        softDeleteRetentionDays: settings.keyVault.softDeleteRetentionDays,
        purgeProtection: settings.keyVault.purgeProtection,
        privateAccess: settings.privateEndpoints,
        protect,
        tags,
      },
      { parent: this },
    );

    if (settings.storageAccount) {
      this.storage = new AksStorage(
        `${name}-storage`,
        {
          resourceGroupName,
          location,
          accountName: globalNameOf("storage"),
          sku: production ? "Standard_ZRS" : "Standard_LRS",
          private: settings.privateEndpoints !== undefined,
          tags,
        },
        { parent: this },
      );
    }

    const endpointSubnet = this.network.privateEndpointSubnet;
    if (settings.privateEndpoints && endpointSubnet) {
      const targets: PrivateEndpointTarget[] = [
        { name: "vault", resourceId: this.keyVault.vault.id, service: "vault" },
        { name: "registry", resourceId: this.registry.registry.id, service: "registry" },
        ...(this.storage ? [{ name: "blob", resourceId: this.storage.account.id, service: "blob" as const }] : []),
      ];
      this.privateEndpoints = new AksPrivateEndpoints(
        `${name}-private-endpoints`,
        { resourceGroupName, location, vnetId: this.network.vnet.id, subnetId: endpointSubnet.id, baseName: base, targets, tags },
        { parent: this },
      );
    }

    this.access = new AksClusterAccess(
      `${name}-access`,
      {
        resourceGroupName,
        clusterName: cluster.name,
        entraId: settings.access.entraId,
        kubeloginMode: settings.access.kubeloginMode,
        accessRoles: this.managedCluster.deployerAccess ? [this.managedCluster.deployerAccess] : [],
        deleteUnreachable: !production,
      },
      { parent: this },
    );

    const autoProvisioning = autoProvisioningArgs(name, settings, tags);
    if (autoProvisioning) {
      this.nodeProvisioning = new AksNodeProvisioning(
        `${name}-node-provisioning`,
        // NAP puts its nodes' network interfaces on the node subnet with the cluster's role there.
        { ...autoProvisioning, provider: this.access.provider, waitFor: [cluster, ...this.managedCluster.roleAssignments] },
        { parent: this },
      );
    }
    const nodes = [...(this.nodePools?.pools ?? []), ...(this.nodeProvisioning?.readiness ?? [])];

    // With pools across zones, a zonal disk would hold its pod to the one zone the disk is in.
    const zonedPools = settings.systemPool.zones.length > 1 || settings.userPools.some((pool) => (pool.zones?.length ?? 0) > 1);
    if (zonedPools && offersZoneRedundantDisks(location)) {
      this.zoneRedundantStorage = new ZoneRedundantStorage(
        `${name}-zrs`,
        { provider: this.access.provider, skuName: production ? "Premium_ZRS" : "StandardSSD_ZRS" },
        { parent: this },
      );
    } else if (zonedPools) {
      pulumi.log.warn(`${name}: ${location} offers no zone-redundant managed disks (data/azure-zrs-disk-regions.json); volumes stay in the zone they are made in`, this);
    }

    const appGatewaySubnet = this.network.appGatewaySubnet;
    if (args.https && appGatewaySubnet) {
      this.appGateway = new AksAppGateway(
        `${name}-app-gateway`,
        {
          resourceGroupName,
          resourceGroupId: this.resourceGroup.id,
          location,
          subscriptionId: client.subscriptionId,
          gatewayName: names.appGateway,
          identityName: `id-${names.cluster}-alb-controller`,
          subnetId: appGatewaySubnet.id,
          oidcIssuerUrl: this.managedCluster.oidcIssuerUrl,
          nodeResourceGroupId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/resourceGroups/${cluster.nodeResourceGroup}`,
          provider: this.access.provider,
          // Its images come from MCR, not the registry; but like every workload it goes before the private endpoints.
          waitFor: [cluster, ...nodes, ...(this.privateEndpoints?.readiness ?? [])],
          certificate: { keyVaultId: args.https.keyVaultId, readerPrincipalId: this.secretsReader.principalId },
          tags,
        },
        { parent: this },
      );
    }

    this.target = {
      kind: "aks",
      name: cluster.name,
      provider: this.access.provider,
      kubeconfig: this.access.kubeconfig,
      exposure:
        args.https && this.appGateway
          ? this.appGateway.exposure({
              hostname: args.https.hostname,
              certificateName: args.https.certificateName,
              keyVaultName: args.https.keyVaultName,
              readerClientId: this.secretsReader.clientId,
              tenantId: client.tenantId,
            })
          : {
              kind: "loadBalancerService",
              dnsLabelAnnotation: "service.beta.kubernetes.io/azure-dns-label-name",
              dnsLabelDomain: pulumi.output(dnsLabelDomain(location)),
              // No extra annotations: an HTTP health-probe path would have to match every app's own path, and
              // a wrong one takes every backend out of rotation. The default TCP probe is the safe choice.
            },
      storageClassName: this.zoneRedundantStorage ? zoneRedundantStorageClass : zonalStorageClass,
      registry: this.registry.target,
      secretStore: this.keyVault.secretStore,
      verticalPodAutoscaler: settings.scaling.verticalPodAutoscaler,
      pinnedPodAnnotations: settings.scaling.nodeProvisioning === "auto" ? pinnedPodAnnotations.karpenter : pinnedPodAnnotations.clusterAutoscaler,
      readiness: [
        cluster,
        // Pods then have nodes to land on, and are deleted before NAP's NodePool takes its nodes away.
        ...nodes,
        ...this.managedCluster.roleAssignments,
        this.registry.acrPull,
        this.keyVault.readerAccess,
        this.secretsReader.federation,
        this.keyVault.redisPasswordSecret,
        ...(this.zoneRedundantStorage ? [this.zoneRedundantStorage.storageClass] : []),
        // Pods resolve the vault and the registry to their private endpoints only once these exist; before,
        // the CSI driver's reads and the image pulls would meet the firewalls.
        ...(this.privateEndpoints?.readiness ?? []),
        // The app's reader of the certificate's vault, like its reader of the stack's own.
        ...(this.appGateway ? [this.appGateway.certificateAccess] : []),
      ],
    };

    this.outputs = {
      resourceGroupName,
      clusterName: cluster.name,
      registryLoginServer: this.registry.registry.loginServer,
      keyVaultUri: this.keyVault.vault.properties.vaultUri,
      workspaceId: this.monitoring.workspace.id,
      oidcIssuerUrl: this.managedCluster.oidcIssuerUrl,
      ...(this.network.egressIp ? { egressIp: this.network.egressIp } : {}),
      // The app's host name must be a CNAME to this.
      ...(this.appGateway ? { appGatewayFqdn: this.appGateway.frontend.fqdn } : {}),
    };
    this.registerOutputs(this.outputs);
  }
}
