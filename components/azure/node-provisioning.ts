import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterScalingOptions } from "./cluster-profile.js";
import type { AksSettings } from "./settings.js";

/**
 * Image families an AKSNodeClass takes (karpenter.azure.com/v1beta1, Azure/karpenter-provider-azure v1.14.2).
 * `Ubuntu` follows the Kubernetes version (22.04 up to 1.33, 24.04 from 1.34); `Ubuntu2204` and `Ubuntu2404` pin one.
 */
export type NodeImageFamily = "AzureLinux" | "Ubuntu" | "Ubuntu2204" | "Ubuntu2404";

export interface AksNodeProvisioningArgs {
  /** The cluster's Kubernetes provider; the cluster must have node auto-provisioning on, which brings the CRDs. */
  provider: k8s.Provider;
  /**
   * Name of the NodePool and of its AKSNodeClass; not `default` or `system-surge`, which AKS's own pools take.
   * @default "general"
   */
  poolName?: string;
  /**
   * vCPUs all of the pool's nodes may have together.
   * @default 8
   */
  cpuLimit?: number;
  /**
   * Memory all of the pool's nodes may have together, in GiB.
   * @default 32
   */
  memoryLimitGiB?: number;
  /**
   * How long a node stays empty or underused before it is removed or replaced by a cheaper one.
   * @default "10m"
   */
  consolidateAfter?: string;
  /**
   * Nodes that may be taken away at once, a count or a percentage.
   * @default "10%" - Karpenter's own
   */
  disruptionBudget?: string;
  /**
   * The nodes' OS image.
   * @default "AzureLinux"
   */
  imageFamily?: NodeImageFamily;
  /**
   * Pods per node.
   * @default - by the network plugin: 30 with flat Azure CNI, 250 with the overlay
   */
  maxPods?: number;
  /**
   * Zones by full name (`westeurope-1`).
   * @default - any zone of the region
   */
  zones?: string[];
  /**
   * Azure tags on the nodes' VMs.
   * @default {}
   */
  tags?: Record<string, string>;
  /**
   * What the resources wait for besides the provider: the cluster's role on its node subnet, which NAP
   * creates the nodes' network interfaces with.
   * @default []
   */
  waitFor?: pulumi.Resource[];
}

/** How long `pulumi up` waits for the NodePool and its class to report Ready. */
const readyTimeoutSeconds = 600;

/**
 * The NodePool (karpenter.sh/v1) node auto-provisioning creates nodes from, and its AKSNodeClass
 * (karpenter.azure.com/v1beta1). On-demand general-purpose D-series VMs of 2 vCPUs or more, amd64 Linux,
 * up to the pool's limits; nodes that are empty or underused are consolidated.
 */
export class AksNodeProvisioning extends pulumi.ComponentResource {
  readonly nodeClass: k8s.apiextensions.CustomResource;
  readonly nodePool: k8s.apiextensions.CustomResource;
  /** What workloads wait for: created before them, so their pods have nodes to land on, and deleted after them. */
  readonly readiness: pulumi.Resource[];

  constructor(name: string, args: AksNodeProvisioningArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksNodeProvisioning", name, {}, opts);
    const poolName = args.poolName ?? "general";
    if (["default", "system-surge"].includes(poolName)) throw new Error(`AksNodeProvisioning ${name}: ${poolName} is the name of a NodePool of AKS's`);
    // Created once Karpenter has accepted them (images resolved, the class valid), not when the API server stores them.
    const ready = { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": String(readyTimeoutSeconds) };
    const resourceOpts = { parent: this, provider: args.provider, dependsOn: args.waitFor ?? [] };

    this.nodeClass = new k8s.apiextensions.CustomResource(
      `${name}-node-class`,
      {
        apiVersion: "karpenter.azure.com/v1beta1",
        kind: "AKSNodeClass",
        metadata: { name: poolName, annotations: ready },
        spec: {
          // Azure Linux: Microsoft's own image for AKS, with fewer packages than Ubuntu's (less to patch, and
          // nodes NAP adds for pending pods boot sooner), its release following the Kubernetes version; where
          // Ubuntu2204 pins 22.04, which AKS's Ubuntu default leaves for 24.04 from Kubernetes 1.34.
          imageFamily: args.imageFamily ?? "AzureLinux",
          maxPods: args.maxPods,
          tags: args.tags ?? {},
        },
      },
      resourceOpts,
    );

    const requirements = [
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
      // Spot would be cheaper, but an eviction takes Redis's one replica with it.
      { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
      // AKS's default NodePool's general-purpose family, without its 1-vCPU sizes (Standard_D1_v2).
      { key: "karpenter.azure.com/sku-family", operator: "In", values: ["D"] },
      { key: "karpenter.azure.com/sku-cpu", operator: "Gt", values: ["1"] },
      ...(args.zones && args.zones.length > 0 ? [{ key: "topology.kubernetes.io/zone", operator: "In", values: args.zones }] : []),
    ];
    this.nodePool = new k8s.apiextensions.CustomResource(
      `${name}-node-pool`,
      {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: poolName, annotations: ready },
        spec: {
          template: {
            spec: {
              nodeClassRef: { group: "karpenter.azure.com", kind: "AKSNodeClass", name: this.nodeClass.metadata.name },
              requirements,
              // As AKS's default NodePool: nodes are replaced for drift (a new node image), not for age, which
              // would disrupt Redis's one replica once more a month.
              expireAfter: "Never",
            },
          },
          // The only cap on what NAP spends: AKS's default NodePools, which have none, are off.
          limits: { cpu: String(args.cpuLimit ?? 8), memory: `${args.memoryLimitGiB ?? 32}Gi` },
          disruption: {
            consolidationPolicy: "WhenEmptyOrUnderutilized",
            consolidateAfter: args.consolidateAfter ?? "10m",
            budgets: [{ nodes: args.disruptionBudget ?? "10%" }],
          },
        },
      },
      // Deleted before its class, whose finalizer waits for the nodes made from it.
      { ...resourceOpts, dependsOn: [...(args.waitFor ?? []), this.nodeClass] },
    );

    this.readiness = [this.nodeClass, this.nodePool];
    this.registerOutputs({ nodePoolName: this.nodePool.metadata.name, nodeClassName: this.nodeClass.metadata.name });
  }
}

/** The NodePool's arguments from the stack's settings, or undefined when the cluster autoscaler scales the pools. */
export function autoProvisioningArgs(
  name: string,
  settings: AksSettings,
  tags: Record<string, string>,
): Omit<AksNodeProvisioningArgs, "provider" | "waitFor"> | undefined {
  if (settings.scaling.nodeProvisioning !== "auto") return undefined;
  const autoscaled = settings.userPools.filter((pool) => pool.minCount !== undefined || pool.maxCount !== undefined).map((pool) => pool.name);
  // AKS creates no autoscaled pool beside NAP (the NodeProvisioningMode enum of azure-native 3.28).
  if (autoscaled.length > 0) throw new Error(`${name}: node auto-provisioning takes no autoscaled user pool (${autoscaled.join(", ")} has minCount or maxCount)`);
  const { autoProvisioning } = settings.scaling;
  const region = settings.location.toLowerCase().replace(/\s+/g, "");
  return {
    cpuLimit: autoProvisioning.cpuLimit,
    memoryLimitGiB: autoProvisioning.memoryLimitGiB,
    consolidateAfter: autoProvisioning.consolidateAfter,
    disruptionBudget: autoProvisioning.disruptionBudget,
    // As many pods per node as the system pool, which the node subnet's size was checked against with flat CNI.
    maxPods: settings.systemPool.maxPods,
    // The system pool's zones; without them, any zone.
    zones: settings.systemPool.zones.map((zone) => `${region}-${zone}`),
    tags,
  };
}

/** What the managed cluster is told of scaling: the autoscaler's profile only while a pool is autoscaled. */
export function clusterScaling(settings: AksSettings): ClusterScalingOptions {
  const { scaling } = settings;
  const autoscaled = settings.systemPool.autoscaler !== undefined || settings.userPools.some((pool) => pool.minCount !== undefined);
  return {
    nodeProvisioning: scaling.nodeProvisioning === "auto" ? "Auto" : "Manual",
    autoscalerProfile: autoscaled && scaling.nodeProvisioning === "autoscaler" ? scaling.autoscalerProfile : undefined,
    verticalPodAutoscaler: scaling.verticalPodAutoscaler,
  };
}
