import type { PrivateAccess } from "./private-endpoints.js";

/**
 * What an AksCluster builds, field by field. The stack config (`aks*` keys, src/config/aks.ts) fills
 * every field and applies the defaults stated here; a program that uses the component directly passes
 * them itself. Where dev and prod differ, both defaults are given.
 */
export interface AksSettings {
  /** Azure region of every resource (`azure-native:location`). Required. */
  location: string;
  /**
   * Kubernetes version, minor (`1.33`) or patch (`1.33.2`) (`aksKubernetesVersion`).
   * @default - the region's AKS default version
   */
  kubernetesVersion?: string;
  network: AksNetworkSettings;
  systemPool: AksSystemPoolSettings;
  /** User node pools, each its own AgentPool resource (`aksUserPools`). @default [] */
  userPools: AksUserPoolSettings[];
  /** Virtual nodes: the ACI connector on its own delegated subnet (`aksVirtualNodes`). @default false */
  virtualNodes: boolean;
  scaling: AksScalingSettings;
  /** Control-plane pricing tier (`aksSkuTier`). @default "Free" in dev, "Standard" in prod */
  skuTier: "Free" | "Standard" | "Premium";
  upgrade: AksUpgradeSettings;
  apiServer: {
    /** CIDRs allowed to reach the API server (`aksAuthorizedIpRanges`). @default [] - every address */
    authorizedIpRanges: string[];
    /** A private API server, reachable from the VNet only (`aksPrivateCluster`). @default false */
    privateCluster: boolean;
  };
  access: AksAccessSettings;
  /** The Azure Policy add-on (`aksAzurePolicy`). @default false in dev, true in prod */
  azurePolicy: boolean;
  /** ACR tier (`aksAcrSku`); Premium is zone-redundant. @default "Basic" in dev, "Premium" in prod */
  registrySku: "Basic" | "Standard" | "Premium";
  /** Log Analytics retention in days, 30-730 (`aksLogRetentionDays`). @default 30 in dev, 90 in prod */
  logRetentionDays: number;
  keyVault: {
    /** Days a deleted vault or secret can be recovered, 7-90 (`aksKeyVaultSoftDeleteDays`). @default 7 in dev, 90 in prod */
    softDeleteRetentionDays: number;
    /** Purge protection; once on it can never be turned off (`aksKeyVaultPurgeProtection`). @default false in dev, true in prod */
    purgeProtection: boolean;
  };
  /** The storage account of the seed demo (`aksStorageAccount`). @default false */
  storageAccount: boolean;
  /**
   * Key Vault, ACR and the storage account behind private endpoints in the VNet, off the public internet
   * but for the deployer's addresses (`aksPrivateEndpoints`, `aksDeployerIpRanges`); ACR must be Premium.
   * @default - off in dev; in prod on, letting in aksDeployerIpRanges, which default to aksAuthorizedIpRanges
   */
  privateEndpoints?: PrivateAccess;
}

export interface AksNetworkSettings {
  /** VNet address space (`aksVnetCidr`). @default "10.10.0.0/16" */
  vnetCidr: string;
  /** Node subnet, inside the VNet (`aksNodeSubnetCidr`). @default "10.10.0.0/20" */
  nodeSubnetCidr: string;
  /** Kubernetes service CIDR, outside the VNet (`aksServiceCidr`). @default "10.0.0.0/16" */
  serviceCidr: string;
  /** Cluster DNS service IP, inside the service CIDR (`aksDnsServiceIp`). @default "10.0.0.10" */
  dnsServiceIp: string;
  /** Azure CNI overlay: pods take addresses from `podCidr`, not the subnet (`aksNetworkOverlay`). @default false in dev, true in prod */
  overlay: boolean;
  /** Pod CIDR with overlay (`aksPodCidr`). @default "10.244.0.0/16" when overlay is on, else unset */
  podCidr?: string;
  /** Network policy engine (`aksNetworkPolicy`); cilium also selects the Cilium dataplane. @default "azure" in dev, "cilium" in prod */
  policy: "azure" | "calico" | "cilium" | "none";
  /** Subnet for virtual nodes (`aksVirtualNodesSubnetCidr`). @default "10.10.16.0/24" when virtual nodes are on, else unset */
  virtualNodesSubnetCidr?: string;
  /** Subnet for private endpoints (`aksPrivateEndpointSubnetCidr`). @default "10.10.17.0/24" when private endpoints are on, else unset */
  privateEndpointSubnetCidr?: string;
  /**
   * Subnet delegated to Application Gateway for Containers, which serves the app over HTTPS
   * (`aksAppGatewaySubnetCidr`); made only when the app has a certificate.
   * @default "10.10.18.0/24"
   */
  appGatewaySubnetCidr: string;
  /** Network security groups on the subnets (`aksNetworkSecurityGroups`). @default false in dev, true in prod */
  securityGroups: boolean;
  /**
   * How the cluster reaches the internet (`aksOutboundType`): SNAT through its load balancer, or a NAT
   * gateway of the stack's own with a static IP (AKS's userAssignedNATGateway).
   * @default "loadBalancer" in dev, "natGateway" in prod
   */
  outbound: "loadBalancer" | "natGateway";
}

export interface AksSystemPoolSettings {
  /** Nodes, or the autoscaler's starting count (`aksNodeCount`). @default 3 */
  count: number;
  /** VM size (`aksVmSize`). @default "Standard_B2ms" in dev, "Standard_D4s_v5" in prod */
  vmSize: string;
  /** Availability zones (`aksZones`). @default [] in dev (dev-aks sets 1-3), ["1", "2", "3"] in prod */
  zones: string[];
  /** Cluster autoscaler bounds; Pulumi then ignores changes to the count (`aksAutoscaler`). @default - off in dev; 3 to 6 in prod */
  autoscaler?: { minCount: number; maxCount: number };
  /** OS disk type (`aksOsDiskType`). @default "Managed" */
  osDiskType: "Managed" | "Ephemeral";
  /** Pods per node (`aksMaxPods`). @default 30 in dev, 110 in prod */
  maxPods: number;
  /** Extra nodes during upgrades, a count or a percentage (`aksMaxSurge`). @default "1" in dev, "33%" in prod */
  maxSurge: string;
  /** Taint the pool for system pods only (`aksSystemPoolCriticalOnly`). @default - true when there are user pools */
  criticalAddonsOnly: boolean;
}

/** One user node pool, from one `aksUserPools` record. */
export interface AksUserPoolSettings {
  /** Pool name, 1-12 lowercase letters or digits. */
  name: string;
  vmSize: string;
  /** Nodes, or the autoscaler's starting count. */
  count: number;
  /** Autoscaler bounds; both or neither. @default - no autoscaler */
  minCount?: number;
  maxCount?: number;
  /** @default - no zones */
  zones?: string[];
  /** @default - the AKS default */
  maxPods?: number;
  /** @default - none */
  labels?: Record<string, string>;
  /** Spot VMs, evicted when Azure needs the capacity. @default false */
  spot?: boolean;
  /** @default "Managed" */
  osDiskType: "Managed" | "Ephemeral";
}

export interface AksUpgradeSettings {
  /** Kubernetes auto-upgrade channel (`aksUpgradeChannel`). @default "patch" */
  channel: "none" | "patch" | "stable" | "rapid" | "node-image";
  /** Node OS upgrade channel (`aksNodeOsUpgradeChannel`). @default "NodeImage" */
  nodeOsChannel: "None" | "Unmanaged" | "NodeImage" | "SecurityPatch";
  /** The weekly maintenance window both channels use. */
  window: {
    /** @default "Sunday" (`aksMaintenanceDay`) */
    day: "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday";
    /** HH:MM (`aksMaintenanceStartTime`). @default "02:00" */
    startTime: string;
    /** 4-24 (`aksMaintenanceDurationHours`). @default 4 */
    durationHours: number;
    /** Such as +00:00 or +05:30 (`aksMaintenanceUtcOffset`). @default "+00:00" */
    utcOffset: string;
  };
}

export interface AksAccessSettings {
  /** Identity of the control plane (`aksControlPlaneIdentity`). @default "SystemAssigned" */
  controlPlaneIdentity: "SystemAssigned" | "UserAssigned";
  /** Entra ID sign-in with Azure RBAC for Kubernetes (`aksEntraId`). @default false in dev, true in prod */
  entraId: boolean;
  /** Entra ID groups that administer the cluster (`aksAdminGroupObjectIds`). @default [] */
  adminGroupObjectIds: string[];
  /** No local (certificate) accounts, Entra ID only (`aksDisableLocalAccounts`). @default false in dev, true in prod */
  disableLocalAccounts: boolean;
  /** How kubelogin signs in for the program's kubeconfig (`aksKubeloginMode`). @default "azurecli" */
  kubeloginMode: "azurecli" | "azd" | "spn" | "msi" | "workloadidentity";
}

/** How the cluster adds and removes nodes, and sizes pods. */
export interface AksScalingSettings {
  /**
   * Who adds and removes nodes (`aksNodeProvisioning`): `autoscaler`, the cluster autoscaler on the pools
   * with a minimum and a maximum; or `auto`, node auto-provisioning (Karpenter run by AKS), which picks VM
   * sizes for pending pods itself within the NodePool of `autoProvisioning`.
   * @default "autoscaler"
   */
  nodeProvisioning: "autoscaler" | "auto";
  /**
   * The cluster autoscaler's profile, sent while a pool is autoscaled (`aksAutoscalerProfile` over the
   * environment's profile, src/config/aks-scaling.ts).
   * @default - dev: scale-down after 5m unneeded and 5m after a scale-up, least-waste; prod: 10m and 10m,
   * least-waste, similar pools balanced; both: nodes with emptyDir pods may go
   */
  autoscalerProfile: AksAutoscalerProfile;
  /** NAP's one NodePool, with nodeProvisioning `auto`. */
  autoProvisioning: AksAutoProvisioningSettings;
  /** The Vertical Pod Autoscaler add-on (`aksVerticalPodAutoscaler`). @default false in dev, true in prod */
  verticalPodAutoscaler: boolean;
}

/** Switches of the autoscaler profile that ARM takes as booleans. */
export type AutoscalerBooleanSetting = "daemonsetEvictionForEmptyNodes" | "daemonsetEvictionForOccupiedNodes" | "ignoreDaemonsetsUtilization";
/** Settings of the autoscaler profile that ARM takes as strings, switches ("true", "false") among them. */
export type AutoscalerStringSetting =
  | "balanceSimilarNodeGroups"
  | "expander"
  | "maxEmptyBulkDelete"
  | "maxGracefulTerminationSec"
  | "maxNodeProvisionTime"
  | "maxTotalUnreadyPercentage"
  | "newPodScaleUpDelay"
  | "okTotalUnreadyCount"
  | "scaleDownDelayAfterAdd"
  | "scaleDownDelayAfterDelete"
  | "scaleDownDelayAfterFailure"
  | "scaleDownUnneededTime"
  | "scaleDownUnreadyTime"
  | "scaleDownUtilizationThreshold"
  | "scanInterval"
  | "skipNodesWithLocalStorage"
  | "skipNodesWithSystemPods";

/**
 * The cluster autoscaler's profile by azure-native's property names (`autoScalerProfile`), valued as ARM
 * takes them. What is left out keeps AKS's default (learn.microsoft.com/azure/aks/cluster-autoscaler,
 * "Cluster autoscaler profile settings").
 */
export type AksAutoscalerProfile = Partial<Record<AutoscalerStringSetting, string> & Record<AutoscalerBooleanSetting, boolean>>;

/** The NodePool node auto-provisioning creates nodes from; it is the cluster's only one. */
export interface AksAutoProvisioningSettings {
  /** vCPUs all of its nodes may have together; NAP adds no node beyond. @default 8 in dev, 36 in prod */
  cpuLimit: number;
  /** Memory all of its nodes may have together, in GiB. @default 32 in dev, 144 in prod */
  memoryLimitGiB: number;
  /** How long a node stays empty or underused before NAP removes or replaces it. @default "5m" in dev, "10m" in prod */
  consolidateAfter: string;
  /** Nodes NAP may take away at once, a count or a percentage. @default "10%" in dev, "1" in prod */
  disruptionBudget: string;
}
