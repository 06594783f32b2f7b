import { z } from "zod";
import { parseCidr, type Cidr } from "../../components/cidr.js";
import { field, isCidr } from "./fields.js";
import { documentationRanges } from "./placeholders.js";
import type { AksSettings } from "../../components/azure/settings.js";
import { aksNetworkKeys, checkNetwork, deployerRanges, networkSettings } from "./aks-network.js";
import { aksScalingKeys, autoProvisionedNodes, checkScaling, scalingSettings } from "./aks-scaling.js";
import { defineFragment, type ConfigContext, type ReportProblem } from "./fragment.js";

const azureRegion = /^[a-z][a-z0-9]{2,30}$/;
const vmSizePattern = /^Standard_[A-Za-z0-9_]+$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Sizes with one vCPU or less than 4 GiB: AKS refuses them for system pools. */
const tooSmallForSystemPool = /^Standard_(A0|A1|A1_v2|A2_v2|B1ls|B1s|B1ms|B2ats_v2|B2ts_v2|D1_v2|DS1_v2|F1|F1s|F2s?_v2)$/;
/**
 * Sizes of generation 4 and later without a `d` among their feature letters (Standard_D4s_v5,
 * Standard_E8as_v6): they have neither a cache nor a temp disk, so an ephemeral OS disk has nowhere to go.
 */
const withoutLocalDisk = /^Standard_[A-Z]+\d+(-\d+)?[a-ce-z]*_v[4-9]$/;

export { networkPolicies, networkPolicyOf } from "./aks-network.js";
export const skuTiers = ["Free", "Standard", "Premium"] as const;
export const upgradeChannels = ["none", "patch", "stable", "rapid", "node-image"] as const;
export const nodeOsUpgradeChannels = ["None", "Unmanaged", "NodeImage", "SecurityPatch"] as const;
export const weekDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export const osDiskTypes = ["Managed", "Ephemeral"] as const;
export const acrSkus = ["Basic", "Standard", "Premium"] as const;
/** kubelogin's non-interactive login modes; devicecode would hang a `pulumi up` waiting for a browser. */
export const kubeloginModes = ["azurecli", "azd", "spn", "msi", "workloadidentity"] as const;
export const controlPlaneIdentities = ["SystemAssigned", "UserAssigned"] as const;

const zoneList = z
  .union([z.number(), z.string()])
  .transform((value) => String(value).split("|"))
  .refine((zones) => zones.every((zone) => ["1", "2", "3"].includes(zone)) && new Set(zones).size === zones.length, {
    message: "expected zones from 1, 2 and 3, separated by |, each once",
  });

const labelList = z
  .string()
  .transform((text) => text.split("|"))
  .refine((pairs) => pairs.every((pair) => /^[A-Za-z0-9][A-Za-z0-9./_-]*=[A-Za-z0-9._-]*$/.test(pair)), {
    message: "expected Kubernetes labels as key=value, separated by |",
  })
  .transform((pairs) => Object.fromEntries(pairs.map((pair) => pair.split("=") as [string, string])));

/** One user node pool, as written in `aksUserPools`. */
const userPoolRecord = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9]{0,11}$/, { message: "expected 1-12 lowercase letters or digits, starting with a letter" }),
  vmSize: z.string().regex(vmSizePattern, { message: "expected an Azure VM size such as Standard_D4s_v5" }),
  count: z.number().int().min(0).max(1000),
  minCount: z.number().int().min(0).max(1000).optional(),
  maxCount: z.number().int().min(1).max(1000).optional(),
  zones: zoneList.optional(),
  maxPods: z.number().int().min(10).max(250).optional(),
  labels: labelList.optional(),
  spot: z.boolean().optional(),
  osDiskType: z.enum(osDiskTypes).default("Managed"),
});

export type UserPoolSettings = z.output<typeof userPoolRecord>;

/** A boolean that may stay unset, so that its default can depend on other keys. */
function optionalBoolean() {
  return z
    .string()
    .optional()
    .transform((raw, ctx): boolean | undefined => {
      if (raw === undefined || raw === "true" || raw === "false") return raw === undefined ? undefined : raw === "true";
      ctx.addIssue({ code: "custom", message: "expected true or false" });
      return z.NEVER;
    });
}

/** The AKS platform's keys, with defaults that depend on the environment. */
export function aksConfig(ctx: ConfigContext) {
  const prod = ctx.environment === "prod";
  return defineFragment(
    {
      "azure-native:location": field.string({
        pattern: azureRegion,
        expected: "an Azure region name such as westeurope or eastus2",
      }),
      aksKubernetesVersion: field.optionalString("a Kubernetes version such as 1.33 or 1.33.2", /^\d+\.\d+(\.\d+)?$/),
      ...aksNetworkKeys(ctx),
      aksNodeCount: field.integer({ min: 1, max: 100, default: 3 }),
      aksVmSize: field.string({
        default: prod ? "Standard_D4s_v5" : "Standard_B2ms",
        pattern: vmSizePattern,
        expected: "an Azure VM size such as Standard_D4s_v5",
      }),
      aksZones: field.stringList({
        default: prod ? ["1", "2", "3"] : [],
        item: (zone) => ["1", "2", "3"].includes(zone),
        itemExpected: "an availability zone: 1, 2 or 3",
        expected: "a list of availability zones drawn from 1, 2 and 3",
        maxItems: 3,
      }),
      // Unset, on in prod, but with node auto-provisioning, which AKS runs no cluster autoscaler beside.
      aksAutoscaler: optionalBoolean(),
      aksNodeMinCount: field.integer({ min: 1, max: 100, default: prod ? 3 : 1 }),
      aksNodeMaxCount: field.integer({ min: 1, max: 100, default: prod ? 6 : 5 }),
      aksOsDiskType: field.oneOf(osDiskTypes, { default: "Managed" }),
      aksMaxPods: field.integer({ min: 10, max: 250, default: prod ? 110 : 30 }),
      aksMaxSurge: field.string({
        default: prod ? "33%" : "1",
        pattern: /^([1-9]\d{0,2}|[1-9]\d?%|100%)$/,
        expected: "a node count such as 1 or a percentage such as 33%",
      }),
      aksSystemPoolCriticalOnly: optionalBoolean(),
      aksUserPools: field.recordList(userPoolRecord, {
        default: [],
        expected: "a list of node pools such as name=user,vmSize=Standard_D4s_v5,count=2,minCount=1,maxCount=5,zones=1|2|3",
      }),
      ...aksScalingKeys(ctx),
      aksSkuTier: field.oneOf<(typeof skuTiers)[number]>(skuTiers, { default: prod ? "Standard" : "Free" }),
      aksUpgradeChannel: field.oneOf(upgradeChannels, { default: "patch" }),
      aksNodeOsUpgradeChannel: field.oneOf(nodeOsUpgradeChannels, { default: "NodeImage" }),
      aksMaintenanceDay: field.oneOf(weekDays, { default: "Sunday" }),
      aksMaintenanceStartTime: field.string({
        default: "02:00",
        pattern: /^([01]\d|2[0-3]):[0-5]\d$/,
        expected: "a time of day from 00:00 to 23:59, as HH:MM",
      }),
      aksMaintenanceDurationHours: field.integer({ min: 4, max: 24, default: 4 }),
      aksMaintenanceUtcOffset: field.string({
        default: "+00:00",
        pattern: /^[+-](0\d|1[0-4]):(00|30|45)$/,
        expected: "a UTC offset such as +00:00, +05:30 or -07:00",
      }),
      aksAuthorizedIpRanges: field.stringList({
        default: [],
        item: isCidr,
        itemExpected: "an IPv4 CIDR block such as 203.0.113.0/24",
        expected: "a list of IPv4 CIDR blocks allowed to reach the API server",
        maxItems: 200,
      }),
      aksPrivateCluster: field.boolean({ default: false }),
      aksEntraId: field.boolean({ default: prod }),
      aksAdminGroupObjectIds: field.stringList({
        default: [],
        item: (id) => uuidPattern.test(id),
        itemExpected: "an Entra ID group object id (a UUID)",
        expected: "a list of Entra ID group object ids",
      }),
      aksDisableLocalAccounts: field.boolean({ default: prod }),
      aksKubeloginMode: field.oneOf(kubeloginModes, { default: "azurecli" }),
      aksControlPlaneIdentity: field.oneOf(controlPlaneIdentities, { default: "SystemAssigned" }),
      aksAzurePolicy: field.boolean({ default: prod }),
      aksAcrSku: field.oneOf<(typeof acrSkus)[number]>(acrSkus, { default: prod ? "Premium" : "Basic" }),
      aksLogRetentionDays: field.integer({ min: 30, max: 730, default: prod ? 90 : 30 }),
      aksKeyVaultSoftDeleteDays: field.integer({ min: 7, max: 90, default: prod ? 90 : 7 }),
      aksKeyVaultPurgeProtection: field.boolean({ default: prod }),
      aksStorageAccount: field.boolean({ default: false }),
    },
    (given, report): AksSettings => {
      const v = { ...given, aksAutoscaler: given.aksAutoscaler ?? (prod && given.aksNodeProvisioning !== "auto") };
      checkNetwork(v, ctx, report);
      checkSystemPool(v, report, autoProvisionedNodes(v, ctx));
      checkUserPools(v.aksUserPools, report);
      checkScaling(v, report);
      checkAccess(v, ctx, report);
      if (v.aksUpgradeChannel === "node-image" && v.aksNodeOsUpgradeChannel !== "NodeImage") {
        report(
          "aksUpgradeChannel",
          `none, patch, stable or rapid while aksNodeOsUpgradeChannel is ${v.aksNodeOsUpgradeChannel}: the node-image channel needs aksNodeOsUpgradeChannel NodeImage`,
        );
      }
      if (/^\d+\.\d+\.\d+$/.test(v.aksKubernetesVersion ?? "") && ["patch", "stable", "rapid"].includes(v.aksUpgradeChannel)) {
        report(
          "aksKubernetesVersion",
          `a minor version such as 1.33 while aksUpgradeChannel is ${v.aksUpgradeChannel}: auto-upgrade moves the patch, and a pinned patch would fight it`,
        );
      }
      const criticalOnly = v.aksSystemPoolCriticalOnly ?? v.aksUserPools.length > 0;
      return {
        location: v["azure-native:location"],
        kubernetesVersion: v.aksKubernetesVersion,
        network: networkSettings(v),
        systemPool: {
          count: v.aksNodeCount,
          vmSize: v.aksVmSize,
          zones: v.aksZones,
          autoscaler: v.aksAutoscaler ? { minCount: v.aksNodeMinCount, maxCount: v.aksNodeMaxCount } : undefined,
          osDiskType: v.aksOsDiskType,
          maxPods: v.aksMaxPods,
          maxSurge: v.aksMaxSurge,
          criticalAddonsOnly: criticalOnly,
        },
        userPools: v.aksUserPools,
        virtualNodes: v.aksVirtualNodes,
        scaling: scalingSettings(v, ctx),
        skuTier: v.aksSkuTier,
        upgrade: {
          channel: v.aksUpgradeChannel,
          nodeOsChannel: v.aksNodeOsUpgradeChannel,
          window: {
            day: v.aksMaintenanceDay,
            startTime: v.aksMaintenanceStartTime,
            durationHours: v.aksMaintenanceDurationHours,
            utcOffset: v.aksMaintenanceUtcOffset,
          },
        },
        apiServer: { authorizedIpRanges: v.aksAuthorizedIpRanges, privateCluster: v.aksPrivateCluster },
        access: {
          controlPlaneIdentity: v.aksControlPlaneIdentity,
          entraId: v.aksEntraId,
          adminGroupObjectIds: v.aksAdminGroupObjectIds,
          disableLocalAccounts: v.aksDisableLocalAccounts,
          kubeloginMode: v.aksKubeloginMode,
        },
        azurePolicy: v.aksAzurePolicy,
        registrySku: v.aksAcrSku,
        logRetentionDays: v.aksLogRetentionDays,
        keyVault: { softDeleteRetentionDays: v.aksKeyVaultSoftDeleteDays, purgeProtection: v.aksKeyVaultPurgeProtection },
        storageAccount: v.aksStorageAccount,
        privateEndpoints: v.aksPrivateEndpoints ? { allowedIpRanges: deployerRanges(v) } : undefined,
      };
    },
  );
}

interface PoolValues {
  aksNodeCount: number;
  aksVmSize: string;
  aksOsDiskType: (typeof osDiskTypes)[number];
  aksZones: string[];
  aksAutoscaler: boolean;
  aksNodeMinCount: number;
  aksNodeMaxCount: number;
  aksMaxPods: number;
  aksMaxSurge: string;
  aksNetworkOverlay: boolean;
  aksNodeSubnetCidr: string;
  aksUserPools: UserPoolSettings[];
  aksSystemPoolCriticalOnly: boolean | undefined;
  aksNodeProvisioning: "autoscaler" | "auto";
}

/** `autoProvisioned`: the nodes node auto-provisioning may add on the node subnet. */
function checkSystemPool(v: PoolValues, report: ReportProblem, autoProvisioned = 0): void {
  if (new Set(v.aksZones).size !== v.aksZones.length) {
    report("aksZones", "a list of availability zones drawn from 1, 2 and 3, each once");
  }
  if (tooSmallForSystemPool.test(v.aksVmSize)) {
    report("aksVmSize", "a size with at least 2 vCPUs and 4 GiB of memory, the minimum AKS accepts for a system pool");
  }
  if (v.aksOsDiskType === "Ephemeral" && withoutLocalDisk.test(v.aksVmSize)) {
    report("aksOsDiskType", `Managed with aksVmSize ${v.aksVmSize}, which has no cache or temp disk to hold an ephemeral OS disk (sizes with a d, such as Standard_D4ds_v5, have one)`);
  }
  if (v.aksAutoscaler) {
    if (v.aksNodeMinCount > v.aksNodeMaxCount) {
      report("aksNodeMinCount", `at most aksNodeMaxCount (${v.aksNodeMaxCount})`);
    } else if (v.aksNodeCount < v.aksNodeMinCount || v.aksNodeCount > v.aksNodeMaxCount) {
      report("aksNodeCount", `a count from aksNodeMinCount to aksNodeMaxCount (${v.aksNodeMinCount} to ${v.aksNodeMaxCount}) while the autoscaler is on`);
    }
  }
  if (v.aksSystemPoolCriticalOnly === true && v.aksUserPools.length === 0 && v.aksNodeProvisioning !== "auto") {
    report("aksSystemPoolCriticalOnly", "false while aksUserPools is empty and aksNodeProvisioning is autoscaler: the app's pods would have no node to run on");
  }
  const nodes = parseCidr(v.aksNodeSubnetCidr);
  if (nodes && !v.aksNetworkOverlay) {
    const needed = flatCniAddresses(v) + autoProvisioned * (v.aksMaxPods + 1);
    const usable = nodes.last - nodes.first + 1 - 5;
    if (needed > usable) {
      report(
        "aksNodeSubnetCidr",
        `a larger block: flat Azure CNI reserves maxPods + 1 addresses per node, ${needed} at full scale and during upgrades, but ${v.aksNodeSubnetCidr} has ${usable}`,
      );
    }
  }
}

/** Addresses flat CNI takes from the node subnet at full scale, surge nodes included. */
export function flatCniAddresses(v: PoolValues): number {
  const systemNodes = v.aksAutoscaler ? v.aksNodeMaxCount : v.aksNodeCount;
  const surge = v.aksMaxSurge.endsWith("%") ? Math.ceil((systemNodes * Number(v.aksMaxSurge.slice(0, -1))) / 100) : Number(v.aksMaxSurge);
  let total = (systemNodes + surge) * (v.aksMaxPods + 1);
  for (const pool of v.aksUserPools) {
    const poolNodes = pool.maxCount ?? pool.count;
    total += (poolNodes + 1) * ((pool.maxPods ?? v.aksMaxPods) + 1);
  }
  return total;
}

function checkUserPools(pools: UserPoolSettings[], report: ReportProblem): void {
  const names = pools.map((p) => p.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate || names.includes("system")) {
    report("aksUserPools", `node pools with unique names other than system (${duplicate ?? "system"} is taken)`);
  }
  for (const pool of pools) {
    if (pool.osDiskType === "Ephemeral" && withoutLocalDisk.test(pool.vmSize)) {
      report("aksUserPools", `pool ${pool.name} with osDiskType Managed: ${pool.vmSize} has no cache or temp disk to hold an ephemeral OS disk`);
    }
    const autoscaled = pool.minCount !== undefined || pool.maxCount !== undefined;
    if (autoscaled && (pool.minCount === undefined || pool.maxCount === undefined)) {
      report("aksUserPools", `pool ${pool.name} with both minCount and maxCount for the autoscaler, or neither`);
    } else if (pool.minCount !== undefined && pool.maxCount !== undefined) {
      if (pool.minCount > pool.maxCount) {
        report("aksUserPools", `pool ${pool.name} with minCount at most maxCount (${pool.minCount} > ${pool.maxCount})`);
      } else if (pool.count < pool.minCount || pool.count > pool.maxCount) {
        report("aksUserPools", `pool ${pool.name} with a count from minCount to maxCount (${pool.minCount} to ${pool.maxCount})`);
      }
    }
  }
}

interface AccessValues {
  aksVirtualNodes: boolean;
  aksAuthorizedIpRanges: string[];
  aksPrivateCluster: boolean;
  aksEntraId: boolean;
  aksAdminGroupObjectIds: string[];
  aksDisableLocalAccounts: boolean;
}

/** Where to find the address to list: the public IPv4 address this machine reaches the internet from. */
const ownAddressHint = "the output of `curl -s https://checkip.amazonaws.com`, with /32";

function checkAccess(v: AccessValues, ctx: ConfigContext, report: ReportProblem): void {
  const prod = ctx.environment === "prod";
  if (prod && !v.aksPrivateCluster && v.aksAuthorizedIpRanges.length === 0) {
    report(
      "aksAuthorizedIpRanges",
      `required in prod unless aksPrivateCluster is true: the IPv4 CIDR blocks allowed to reach the API server, among them the address pulumi up runs from (${ownAddressHint}) and your people's office or VPN egress`,
    );
  }
  const placeholders = documentationRanges(v.aksAuthorizedIpRanges);
  if (placeholders.length > 0 && !ctx.examples.has("aksAuthorizedIpRanges")) {
    report(
      "aksAuthorizedIpRanges",
      `the real addresses pulumi up and your people connect from (for this machine, ${ownAddressHint}); ${placeholders.join(", ")} is an RFC 5737 documentation range that no client has, so the API server would shut pulumi up out right after creating the cluster`,
    );
  }
  if (v.aksPrivateCluster && v.aksAuthorizedIpRanges.length > 0) {
    report("aksAuthorizedIpRanges", "an empty list while aksPrivateCluster is true: a private API server has no public endpoint to restrict");
  }
  if (v.aksVirtualNodes && v.aksAuthorizedIpRanges.length > 0) {
    report("aksVirtualNodes", "false while aksAuthorizedIpRanges is set: virtual nodes do not support API server authorized IP ranges");
  }
  const blocks = v.aksAuthorizedIpRanges.map(parseCidr).filter((c): c is Cidr => c !== undefined);
  if (blocks.some((block) => block.prefix === 0)) {
    report("aksAuthorizedIpRanges", "blocks narrower than 0.0.0.0/0, which would authorize every address");
  }
  if (v.aksDisableLocalAccounts && !v.aksEntraId) {
    report("aksDisableLocalAccounts", "false while aksEntraId is false: without local accounts only Entra ID can sign in");
  }
  if (v.aksAdminGroupObjectIds.length > 0 && !v.aksEntraId) {
    report("aksAdminGroupObjectIds", "an empty list while aksEntraId is false: admin groups are Entra ID groups");
  }
}

export type { AksSettings };
