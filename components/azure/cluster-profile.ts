import type { containerservice } from "@pulumi/azure-native/types/input.js";
import type * as pulumi from "@pulumi/pulumi";
import { addons } from "./naming.js";
import type { AksAutoscalerProfile, AksNetworkSettings, AksSystemPoolSettings, AksUserPoolSettings } from "./settings.js";

type AgentPoolProfile = containerservice.ManagedClusterAgentPoolProfileArgs;
type NetworkProfile = containerservice.ContainerServiceNetworkProfileArgs;
type AddonProfile = containerservice.ManagedClusterAddonProfileArgs;
type MaintenanceWindow = containerservice.MaintenanceWindowArgs;
type AutoscalerProfileArgs = containerservice.ManagedClusterPropertiesAutoScalerProfileArgs;

/** AksAutoscalerProfile names exactly azure-native's properties: a renamed or missing one fails to compile. */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never) : never;
const profileNamesMatch: SameKeys<Required<AksAutoscalerProfile>, Required<AutoscalerProfileArgs>> = true;
void profileNamesMatch;

/** The cluster's network, as AKS sees it: the VNet and subnets are the network component's. */
export type ClusterNetworkOptions = Pick<AksNetworkSettings, "serviceCidr" | "dnsServiceIp" | "overlay" | "podCidr" | "policy" | "outbound">;
export type SystemPoolOptions = AksSystemPoolSettings;
export type UserPoolOptions = AksUserPoolSettings;

/** Name of the system pool inside the cluster. */
export const systemPoolName = "system";

/** The system pool, inline in the cluster as AKS requires for at least one System pool. */
export function systemPoolProfile(pool: SystemPoolOptions, vnetSubnetID: pulumi.Input<string>, orchestratorVersion?: string): AgentPoolProfile {
  return {
    name: systemPoolName,
    mode: "System",
    type: "VirtualMachineScaleSets",
    osType: "Linux",
    vmSize: pool.vmSize,
    count: pool.count,
    ...(pool.autoscaler
      ? { enableAutoScaling: true, minCount: pool.autoscaler.minCount, maxCount: pool.autoscaler.maxCount }
      : { enableAutoScaling: false }),
    availabilityZones: pool.zones.length > 0 ? pool.zones : undefined,
    osDiskType: pool.osDiskType,
    maxPods: pool.maxPods,
    vnetSubnetID,
    orchestratorVersion,
    upgradeSettings: { maxSurge: pool.maxSurge },
    nodeTaints: pool.criticalAddonsOnly ? ["CriticalAddonsOnly=true:NoSchedule"] : undefined,
  };
}

/** Azure CNI, flat or overlay, with the chosen policy engine. */
export function networkProfile(options: ClusterNetworkOptions): NetworkProfile {
  // Cilium enforces policy as the dataplane: AKS refuses one without the other.
  const cilium = options.policy === "cilium";
  return {
    networkPlugin: "azure",
    ...(options.overlay ? { networkPluginMode: "overlay", podCidr: options.podCidr } : {}),
    ...(cilium ? { networkDataplane: "cilium" } : {}),
    networkPolicy: options.policy,
    serviceCidr: options.serviceCidr,
    dnsServiceIP: options.dnsServiceIp,
    loadBalancerSku: "standard",
    // A NAT gateway of our own, on the node subnet before the cluster exists, as AKS requires.
    outboundType: options.outbound === "natGateway" ? "userAssignedNATGateway" : "loadBalancer",
  };
}

/** What the add-ons need from the rest of the platform. */
export interface AddonOptions {
  /** Log Analytics workspace of Container Insights; its data collection rule must send there too. */
  workspaceId: pulumi.Input<string>;
  /** How often the Secrets Store CSI driver re-reads mounted secrets, e.g. `2m`. */
  secretRotationInterval: string;
  /** Turn on the Azure Policy add-on. */
  azurePolicy: boolean;
  /** Subnet of the ACI connector for virtual nodes; undefined leaves virtual nodes off. */
  virtualNodesSubnetName?: string;
}

/** The add-on profiles, keyed exactly as ARM expects them. */
export function addonProfiles(options: AddonOptions): Record<string, AddonProfile> {
  const profiles: Record<string, AddonProfile> = {
    // useAADAuth: the agent signs in with the add-on's managed identity and sends what the cluster's data
    // collection rule asks for, instead of using the workspace's shared key.
    [addons.monitoring]: { enabled: true, config: { logAnalyticsWorkspaceResourceID: options.workspaceId, useAADAuth: "true" } },
    [addons.secretsProvider]: {
      enabled: true,
      config: { enableSecretRotation: "true", rotationPollInterval: options.secretRotationInterval },
    },
    [addons.policy]: { enabled: options.azurePolicy },
  };
  if (options.virtualNodesSubnetName) {
    profiles[addons.virtualNodes] = { enabled: true, config: { SubnetName: options.virtualNodesSubnetName } };
  }
  return profiles;
}

/**
 * The add-on profile under `key` in what AKS reports, whatever the casing: AKS returns keys in the casing
 * they were last written in, and a portal or CLI edit can turn `azureKeyvaultSecretsProvider` into
 * `azurekeyvaultsecretsprovider`.
 */
export function addonProfile<T>(profiles: Record<string, T> | undefined, key: string): T | undefined {
  const wanted = key.toLowerCase();
  const found = Object.keys(profiles ?? {}).find((candidate) => candidate.toLowerCase() === wanted);
  return found === undefined ? undefined : profiles?.[found];
}

/** A weekly maintenance window. */
export interface MaintenanceWindowOptions {
  day: string;
  /** HH:MM, 00:00 to 23:59. */
  startTime: string;
  /** 4 to 24 hours. */
  durationHours: number;
  /** +HH:MM or -HH:MM. */
  utcOffset: string;
}

/** The window in the form the auto-upgrade and node OS schedules take; throws on an invalid window. */
export function maintenanceWindow(window: MaintenanceWindowOptions): MaintenanceWindow {
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(window.startTime)) {
    throw new Error(`maintenance window startTime must be HH:MM from 00:00 to 23:59, got ${JSON.stringify(window.startTime)}`);
  }
  if (!Number.isInteger(window.durationHours) || window.durationHours < 4 || window.durationHours > 24) {
    throw new Error(`maintenance window durationHours must be an integer from 4 to 24, got ${window.durationHours}`);
  }
  return {
    schedule: { weekly: { dayOfWeek: window.day, intervalWeeks: 1 } },
    startTime: window.startTime,
    durationHours: window.durationHours,
    utcOffset: window.utcOffset,
  };
}

/** ignoreChanges paths for a pool count the autoscaler owns. */
export function autoscaledCountPaths(autoscaled: boolean, path: string): string[] {
  return autoscaled ? [path] : [];
}

/** Who scales the cluster's nodes, how the cluster autoscaler behaves, and whether pods get VPA. */
export interface ClusterScalingOptions {
  /**
   * `Auto` turns on node auto-provisioning without AKS's default NodePools, so that the NodePool the
   * stack makes is the only one and its limits hold; `Manual` leaves nodes to the pools.
   * @default "Manual"
   */
  nodeProvisioning?: "Manual" | "Auto";
  /**
   * The cluster autoscaler's profile.
   * @default - none sent: AKS's defaults
   */
  autoscalerProfile?: AksAutoscalerProfile;
  /**
   * The Vertical Pod Autoscaler add-on.
   * @default false
   */
  verticalPodAutoscaler?: boolean;
}

/**
 * The cluster's scaling profiles. The node provisioning mode and VPA are always sent, off included, so that
 * turning either off takes effect; the autoscaler profile only when given.
 */
export function scalingProfiles(options: ClusterScalingOptions) {
  return {
    // Default pools None in either mode: with `Auto` (azure-native fills it in when left out), AKS would add
    // NodePools of its own, without limits, beside ours; and turning NAP on then changes the mode alone.
    nodeProvisioningProfile: { mode: options.nodeProvisioning ?? "Manual", defaultNodePools: "None" },
    autoScalerProfile: options.autoscalerProfile,
    workloadAutoScalerProfile: { verticalPodAutoscaler: { enabled: options.verticalPodAutoscaler ?? false } },
  };
}
