import type {
  AksAutoProvisioningSettings,
  AksAutoscalerProfile,
  AksScalingSettings,
  AutoscalerBooleanSetting,
  AutoscalerStringSetting,
} from "../../components/azure/settings.js";
import { networkPolicyOf, type NetworkValues } from "./aks-network.js";
import { field } from "./fields.js";
import type { ConfigContext, Environment, ReportProblem } from "./fragment.js";

export const nodeProvisioningModes = ["autoscaler", "auto"] as const;

/**
 * The autoscaler profile of each environment. AKS's defaults, which the SDK's comments do not always
 * match (learn.microsoft.com/azure/aks/cluster-autoscaler, "Cluster autoscaler profile settings"):
 * scale-down-unneeded-time 10m, scale-down-delay-after-add 10m, expander random,
 * balance-similar-node-groups false, skip-nodes-with-local-storage false, skip-nodes-with-system-pods true.
 */
export const autoscalerProfileDefaults: Record<Environment, AksAutoscalerProfile> = {
  dev: {
    // A node nobody needs goes after 5 minutes instead of 10, and may go 5 minutes after it came: a
    // workshop's burst is paid for by the minute, and a dev cluster can wait for a node to come back.
    scaleDownUnneededTime: "5m",
    scaleDownDelayAfterAdd: "5m",
    // Of the pools that fit the pending pods, the one left with the least idle CPU (then memory), rather
    // than AKS's random pick: the cheapest fit where pools differ in size.
    expander: "least-waste",
    // AKS's default, written out because azure-native documents the upstream true: a node whose pods only
    // have emptyDir scratch space may go. Redis keeps its data on a disk (a PVC), which is not local storage.
    skipNodesWithLocalStorage: "false",
  },
  prod: {
    // AKS's defaults, pinned so that a change of AKS's does not move prod unnoticed: 10 minutes of a node
    // being unneeded, and 10 after a scale-up, ride out the front end's HPA going down and up again.
    scaleDownUnneededTime: "10m",
    scaleDownDelayAfterAdd: "10m",
    // least-waste, not priority: priority takes its order from a ConfigMap in kube-system
    // (cluster-autoscaler-priority-expander) that nothing here manages.
    expander: "least-waste",
    // AKS recommends it, with a pool per zone, where zone-bound volumes place pods (Redis's disk where ZRS is
    // not offered): pools that differ only by zone grow alike. With prod-aks's one app pool it changes nothing.
    balanceSimilarNodeGroups: "true",
    skipNodesWithLocalStorage: "false",
  },
};

/** Node auto-provisioning's NodePool in each environment. */
export const autoProvisioningDefaults: Record<Environment, AksAutoProvisioningSettings> = {
  // Two Standard_D4s_v5 (or four D2) at most: the seed demo's size, with room for a scale-up.
  dev: { cpuLimit: 8, memoryLimitGiB: 32, consolidateAfter: "5m", disruptionBudget: "10%" },
  // The ceiling of prod-aks's autoscaled app pool, 9 x Standard_D4s_v5 (4 vCPUs, 16 GiB); nodes consolidated
  // after the same 10 minutes as the autoscaler's, one at a time, as Redis runs a single replica.
  prod: { cpuLimit: 36, memoryLimitGiB: 144, consolidateAfter: "10m", disruptionBudget: "1" },
};

interface ProfileSetting {
  pattern: RegExp;
  expected: string;
}

const onOff: ProfileSetting = { pattern: /^(true|false)$/, expected: "true or false" };
const minutes: ProfileSetting = { pattern: /^\d+m$/, expected: "whole minutes such as 10m, the only unit ARM takes" };
const wholeNumber: ProfileSetting = { pattern: /^\d+$/, expected: "a whole number" };

/** Every setting of the profile, by its azure-native name, with what ARM accepts (azure-native 3.28, API 2025-09-01). */
export const autoscalerProfileSettings: Record<AutoscalerStringSetting | AutoscalerBooleanSetting, ProfileSetting> = {
  balanceSimilarNodeGroups: onOff,
  daemonsetEvictionForEmptyNodes: onOff,
  daemonsetEvictionForOccupiedNodes: onOff,
  expander: { pattern: /^(least-waste|most-pods|priority|random)$/, expected: "least-waste, most-pods, priority or random" },
  ignoreDaemonsetsUtilization: onOff,
  maxEmptyBulkDelete: { pattern: /^[1-9]\d*$/, expected: "a positive whole number" },
  maxGracefulTerminationSec: { pattern: /^\d+$/, expected: "whole seconds such as 600" },
  maxNodeProvisionTime: minutes,
  maxTotalUnreadyPercentage: { pattern: /^(100|[1-9]?\d)$/, expected: "a percentage from 0 to 100, without %" },
  newPodScaleUpDelay: { pattern: /^\d+[smh]$/, expected: "a duration such as 30s, 2m or 1h" },
  okTotalUnreadyCount: wholeNumber,
  scaleDownDelayAfterAdd: minutes,
  scaleDownDelayAfterDelete: minutes,
  scaleDownDelayAfterFailure: minutes,
  scaleDownUnneededTime: minutes,
  scaleDownUnreadyTime: minutes,
  scaleDownUtilizationThreshold: { pattern: /^(0(\.\d+)?|1(\.0+)?)$/, expected: "a fraction from 0 to 1 such as 0.5" },
  scanInterval: { pattern: /^[1-9]\d*s?$/, expected: "whole seconds such as 10 or 30s" },
  skipNodesWithLocalStorage: onOff,
  skipNodesWithSystemPods: onOff,
};

/** The settings ARM takes as booleans rather than the strings "true" and "false". */
const booleanSettings: readonly AutoscalerBooleanSetting[] = ["daemonsetEvictionForEmptyNodes", "daemonsetEvictionForOccupiedNodes", "ignoreDaemonsetsUtilization"];
const settingNames = Object.keys(autoscalerProfileSettings);

function isSetting(name: string): name is AutoscalerStringSetting | AutoscalerBooleanSetting {
  return Object.prototype.hasOwnProperty.call(autoscalerProfileSettings, name);
}

function isBooleanSetting(name: AutoscalerStringSetting | AutoscalerBooleanSetting): name is AutoscalerBooleanSetting {
  return (booleanSettings as readonly string[]).includes(name);
}

/** scale-down-unneeded-time, as the CLI and the AKS docs write it, to scaleDownUnneededTime. */
function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The keys of node scaling: who provisions nodes, the autoscaler's profile, and VPA. */
export function aksScalingKeys(ctx: ConfigContext) {
  return {
    aksNodeProvisioning: field.oneOf(nodeProvisioningModes, { default: "autoscaler" }),
    aksAutoscalerProfile: field.keyValueList({
      default: {},
      expected: "a list of autoscaler profile settings by their azure-native names, such as scaleDownUnneededTime=15m",
    }),
    // Off in dev: its recommender, updater and admission controller would take room on the small system nodes
    // for recommendations nobody reads in a workshop. On in prod, where Redis's requests are sized from them.
    aksVerticalPodAutoscaler: field.boolean({ default: ctx.environment === "prod" }),
  };
}

export interface ScalingValues extends Pick<NetworkValues, "aksNetworkPolicy" | "aksVirtualNodes"> {
  aksNodeProvisioning: (typeof nodeProvisioningModes)[number];
  aksAutoscalerProfile: Record<string, string>;
  aksVerticalPodAutoscaler: boolean;
  aksAutoscaler: boolean;
  aksUserPools: { name: string; minCount?: number; maxCount?: number }[];
}

/** Bad profile settings, and the combinations AKS refuses with node auto-provisioning, each against the key to change. */
export function checkScaling(v: ScalingValues, report: ReportProblem): void {
  for (const [name, value] of Object.entries(v.aksAutoscalerProfile)) {
    if (!isSetting(name)) {
      const named = isSetting(camelCase(name)) ? ` (${name} is the CLI's name for ${camelCase(name)})` : "";
      report("aksAutoscalerProfile", `settings named as azure-native's autoScalerProfile names them (${settingNames.join(", ")}); ${name} is not one${named}`);
    } else if (!autoscalerProfileSettings[name].pattern.test(value)) {
      report("aksAutoscalerProfile", `${name} as ${autoscalerProfileSettings[name].expected}, not ${JSON.stringify(value)}`);
    }
  }
  if (v.aksNodeProvisioning !== "auto") return;
  // learn.microsoft.com/azure/aks/node-auto-provisioning-networking: NAP supports Azure CNI, flat or overlay,
  // with or without Cilium; not Calico, nor dynamic pod IP allocation (which this stack never uses).
  if (networkPolicyOf(v) === "calico") {
    report("aksNetworkPolicy", "cilium, azure or none while aksNodeProvisioning is auto: node auto-provisioning does not support Calico network policy");
  }
  // AKS creates no autoscaled pool beside NAP (azure-native's NodeProvisioningMode Auto) but with the
  // AllowClusterAutoscalerAndNAP preview, where both would add nodes for the same pods
  // (learn.microsoft.com/azure/aks/migrate-from-autoscaler-to-node-auto-provisioning).
  const both = "AKS runs no cluster autoscaler beside node auto-provisioning, which adds the nodes itself";
  if (v.aksAutoscaler) {
    report("aksAutoscaler", `false while aksNodeProvisioning is auto: ${both}; the system pool keeps aksNodeCount nodes`);
  }
  const autoscaled = v.aksUserPools.filter((pool) => pool.minCount !== undefined || pool.maxCount !== undefined).map((pool) => pool.name);
  if (autoscaled.length > 0) {
    report("aksUserPools", `pools without minCount and maxCount while aksNodeProvisioning is auto (${autoscaled.join(", ")} has them): ${both}`);
  }
  if (Object.keys(v.aksAutoscalerProfile).length > 0) {
    report("aksAutoscalerProfile", "an empty list while aksNodeProvisioning is auto: it tunes the cluster autoscaler, which node auto-provisioning replaces");
  }
}

/** Nodes of node auto-provisioning at its CPU limit, on sizes of 2 vCPUs or more, plus one replacing another. */
export function autoProvisionedNodes(v: Pick<ScalingValues, "aksNodeProvisioning">, ctx: ConfigContext): number {
  if (v.aksNodeProvisioning !== "auto") return 0;
  return Math.floor(autoProvisioningDefaults[ctx.environment].cpuLimit / 2) + 1;
}

export function scalingSettings(v: ScalingValues, ctx: ConfigContext): AksScalingSettings {
  const overrides: AksAutoscalerProfile = {};
  for (const [name, value] of Object.entries(v.aksAutoscalerProfile)) {
    if (!isSetting(name)) continue;
    if (isBooleanSetting(name)) overrides[name] = value === "true";
    else overrides[name] = value;
  }
  return {
    nodeProvisioning: v.aksNodeProvisioning,
    autoscalerProfile: { ...autoscalerProfileDefaults[ctx.environment], ...overrides },
    autoProvisioning: autoProvisioningDefaults[ctx.environment],
    verticalPodAutoscaler: v.aksVerticalPodAutoscaler,
  };
}
