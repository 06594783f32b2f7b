import * as containerservice from "@pulumi/azure-native/containerservice/index.js";
import * as pulumi from "@pulumi/pulumi";
import { autoscaledCountPaths, type UserPoolOptions } from "./cluster-profile.js";

export interface AksNodePoolsArgs {
  /** Resource group of the cluster. */
  resourceGroupName: pulumi.Input<string>;
  /** Name of the cluster the pools join. */
  clusterName: pulumi.Input<string>;
  /** Subnet of the pools' nodes. */
  vnetSubnetId: pulumi.Input<string>;
  /** The pools; names must be unique, 1-12 lowercase letters or digits. */
  pools: UserPoolOptions[];
  /**
   * Maximum pods per node for pools that do not set their own.
   * @default 30
   */
  maxPods?: number;
  /**
   * Extra nodes during upgrades, a count or a percentage.
   * @default "33%"
   */
  maxSurge?: string;
  /**
   * Tags for the pools' scale sets.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * User node pools, each a separate AgentPool resource: editing pools inline in the cluster is a known
 * cause of failed updates and of every pool being scaled at once. A pool with minCount and maxCount
 * is autoscaled, and Pulumi then leaves its count alone.
 */
export class AksNodePools extends pulumi.ComponentResource {
  readonly pools: containerservice.AgentPool[];

  constructor(name: string, args: AksNodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksNodePools", name, {}, opts);
    const maxPods = args.maxPods ?? 30;
    const maxSurge = args.maxSurge ?? "33%";
    const names = args.pools.map((p) => p.name);
    const invalid = names.find((n, i) => !/^[a-z][a-z0-9]{0,11}$/.test(n) || names.indexOf(n) !== i || n === "system");
    if (invalid !== undefined) throw new Error(`AksNodePools ${name}: pool name ${JSON.stringify(invalid)} is invalid or not unique`);

    this.pools = args.pools.map((pool) => {
      const autoscaled = pool.minCount !== undefined && pool.maxCount !== undefined;
      return new containerservice.AgentPool(
        `${name}-${pool.name}`,
        {
          agentPoolName: pool.name,
          resourceGroupName: args.resourceGroupName,
          resourceName: args.clusterName,
          mode: "User",
          type: "VirtualMachineScaleSets",
          osType: "Linux",
          vmSize: pool.vmSize,
          // Sent even when Managed: left out, AKS picks Ephemeral wherever the size allows it.
          osDiskType: pool.osDiskType ?? "Managed",
          count: pool.count,
          ...(autoscaled ? { enableAutoScaling: true, minCount: pool.minCount, maxCount: pool.maxCount } : { enableAutoScaling: false }),
          availabilityZones: pool.zones && pool.zones.length > 0 ? pool.zones : undefined,
          maxPods: pool.maxPods ?? maxPods,
          vnetSubnetID: args.vnetSubnetId,
          nodeLabels: pool.labels,
          ...(pool.spot
            ? {
                scaleSetPriority: "Spot",
                scaleSetEvictionPolicy: "Delete",
                spotMaxPrice: -1,
                // AKS adds this taint to spot nodes itself; declaring it keeps Pulumi from removing it.
                nodeTaints: ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"],
              }
            : { upgradeSettings: { maxSurge } }),
          tags: args.tags ?? {},
        },
        {
          parent: this,
          // The autoscaler owns the count of an autoscaled pool.
          ignoreChanges: autoscaledCountPaths(autoscaled, "count"),
          // A pool's VM size (and a few other properties) cannot change in place, so azure-native replaces
          // the AgentPool; the replacement has the same fixed agentPoolName, which AKS refuses while the old
          // pool exists. Delete first: the pool's nodes go away before the new ones come up, so the pods
          // on them wait for the new nodes (or run elsewhere).
          deleteBeforeReplace: true,
        },
      );
    });

    this.registerOutputs({ poolIds: this.pools.map((p) => p.id) });
  }
}
