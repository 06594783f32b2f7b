import type * as iam from "@pulumi/aws/iam/index.js";
import type { Provider } from "@pulumi/kubernetes/provider.js";
import type * as pulumi from "@pulumi/pulumi";
import { ClusterAutoscaler } from "./cluster-autoscaler.js";
import { Karpenter } from "./karpenter.js";
import type { EksComputeSettings } from "./settings.js";

/** The tag Karpenter finds the private subnets and the cluster's security group by. */
export const karpenterDiscoveryTag = "karpenter.sh/discovery";

export interface NodeScalingArgs {
  compute: EksComputeSettings;
  clusterName: string;
  clusterEndpoint: pulumi.Input<string>;
  region: string;
  kubernetesVersion: string;
  partition: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  oidcProviderArn: pulumi.Input<string>;
  issuerUrl: pulumi.Input<string>;
  /** The role of Karpenter's nodes; required with Karpenter. */
  nodeRole?: iam.Role;
  provider: Provider;
  /** What the controller's pods need first: the system nodes, the CNI, cluster DNS. */
  waitFor: pulumi.Resource[];
  tags: Record<string, string>;
  parent: pulumi.Resource;
}

/**
 * What makes nodes follow the workload, by compute mode: Karpenter with its default NodePool, or the
 * Cluster Autoscaler over the managed node groups. `readiness` is what workloads wait for.
 */
export function nodeScaling(name: string, args: NodeScalingArgs): { readiness: pulumi.Resource[]; karpenter?: Karpenter; autoscaler?: ClusterAutoscaler } {
  const common = { oidcProviderArn: args.oidcProviderArn, issuerUrl: args.issuerUrl, partition: args.partition, provider: args.provider, waitFor: args.waitFor, tags: args.tags };
  if (args.compute.mode === "karpenter") {
    const { nodePool } = args.compute;
    if (!args.nodeRole) throw new Error(`${name}: Karpenter needs a node role of its own`);
    const karpenter = new Karpenter(
      `${name}-karpenter`,
      {
        ...common,
        clusterName: args.clusterName,
        clusterEndpoint: args.clusterEndpoint,
        kubernetesVersion: args.kubernetesVersion,
        region: args.region,
        accountId: args.accountId,
        nodeRole: args.nodeRole,
        discoveryTag: args.clusterName,
        nodePool: {
          cpuLimit: nodePool.cpuLimit,
          memoryLimitGi: nodePool.memoryLimitGi,
          capacityTypes: nodePool.spot ? ["spot", "on-demand"] : ["on-demand"],
        },
      },
      { parent: args.parent },
    );
    return { readiness: karpenter.readiness, karpenter };
  }
  const autoscaler = new ClusterAutoscaler(
    `${name}-cluster-autoscaler`,
    { ...common, clusterName: args.clusterName, region: args.region, kubernetesVersion: args.kubernetesVersion },
    { parent: args.parent },
  );
  return { readiness: [autoscaler.release], autoscaler };
}
