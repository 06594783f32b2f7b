import * as ec2 from "@pulumi/aws/ec2/index.js";
import type { Provider } from "@pulumi/kubernetes/provider.js";
import * as storage from "@pulumi/kubernetes/storage/v1/index.js";
import type * as pulumi from "@pulumi/pulumi";
import { pinnedPodAnnotations, type ClusterTarget } from "../cluster-target.js";
import { albExposure } from "./alb-exposure.js";
import type { ClusterRoles } from "./cluster-roles.js";
import type { ControlPlane } from "./control-plane.js";
import { FargateLogging } from "./fargate-logging.js";
import { FargateProfile } from "./fargate-profile.js";
import { managedPolicies } from "./iam-policies.js";
import { LoadBalancerController } from "./load-balancer-controller.js";
import { ManagedAddon, type AddonVersionChoice } from "./managed-addon.js";
import { NodeGroup } from "./node-group.js";
import { karpenterDiscoveryTag, nodeScaling } from "./node-scaling.js";
import { communityAddons, type EksAddonName, type EksComputeSettings, type NodeGroupSettings } from "./settings.js";
import type { Vpc } from "./vpc.js";

/** Pods in the Fargate namespace with this label run on Fargate. */
export const fargatePodLabels = { "voting-platform/compute": "fargate" } as const;
export const storageClassName = "gp3";

export interface ManagedComputeArgs {
  /** The EKS cluster component the resources belong to. */
  parent: pulumi.Resource;
  clusterName: string;
  region: string;
  kubernetesVersion: string;
  controlPlane: ControlPlane;
  roles: ClusterRoles;
  vpc: Vpc;
  /** What the private subnets reach AWS through: NAT, and the VPC endpoints where they exist. */
  privateEgress: pulumi.Resource[];
  provider: Provider;
  partition: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  nodeGroups: NodeGroupSettings[];
  compute: Exclude<EksComputeSettings, { mode: "auto-mode" }>;
  addonVersions?: Partial<Record<EksAddonName, string>>;
  addonVersionChoice: AddonVersionChoice;
  fargateNamespace: string;
  fargateLogging: boolean;
  logRetentionDays: number;
  lbControllerReplicas?: number;
  https?: { certificateArn: string; hostname: string };
  tags: Record<string, string>;
}

/**
 * Compute that the stack runs itself: managed node groups, the managed add-ons, a Fargate profile, the
 * AWS Load Balancer Controller, a gp3 StorageClass, and Karpenter or the Cluster Autoscaler. Its
 * resources belong to the cluster component; what it returns is the ClusterTarget's share of them.
 */
export function managedCompute(name: string, args: ManagedComputeArgs): Pick<ClusterTarget, "exposure" | "storageClassName" | "fargate" | "readiness" | "pinnedPodAnnotations"> {
  const { parent, provider, tags } = args;
  const addon = (addonName: EksAddonName, extra: Partial<ConstructorParameters<typeof ManagedAddon>[1]> = {}) =>
    new ManagedAddon(
      `${name}-${addonName}`,
      {
        clusterName: args.controlPlane.name,
        addonName,
        kubernetesVersion: args.kubernetesVersion,
        version: args.addonVersions?.[addonName],
        versionChoice: communityAddons.includes(addonName) ? "latest" : args.addonVersionChoice,
        tags,
        ...extra,
      },
      { parent },
    );
  const irsa = (namespace: string, serviceAccount: string, policies: readonly string[]) => ({
    namespace,
    serviceAccount,
    managedPolicies: policies,
    oidcProviderArn: args.controlPlane.oidcProviderArn,
    issuerUrl: args.controlPlane.issuerUrl,
    partition: args.partition,
  });
  // The cluster starts without networking add-ons (no self-managed bootstrap): nodes only become Ready
  // once the CNI and kube-proxy are there, so these come first.
  const vpcCni = addon("vpc-cni", {
    configurationValues: { enableNetworkPolicy: "true" },
    irsa: irsa("kube-system", "aws-node", managedPolicies.vpcCni),
  });
  const kubeProxy = addon("kube-proxy");

  const nodes = args.nodeGroups.map(
    (group) =>
      new NodeGroup(
        `${name}-${group.name}`,
        {
          clusterName: args.controlPlane.name,
          kubernetesVersion: args.kubernetesVersion,
          nodeRole: args.roles.nodeRole,
          subnetIds: args.vpc.privateSubnetIds,
          instanceTypes: group.instanceTypes,
          architecture: group.architecture,
          minSize: group.minSize,
          maxSize: group.maxSize,
          desiredSize: group.desiredSize,
          capacityType: group.capacityType,
          diskSize: group.diskSize,
          labels: group.labels,
          taints: group.taints,
          // Side by side: each group waits for the network and the CNI, none for another group.
          waitFor: [...args.roles.nodePolicies, ...args.privateEgress, vpcCni.addon, kubeProxy.addon],
          tags,
        },
        { parent },
      ),
  );
  const nodeGroupResources = nodes.map((n) => n.nodeGroup);
  const fargate = new FargateProfile(
    `${name}-fargate`,
    {
      clusterName: args.controlPlane.name,
      podExecutionRole: args.roles.fargateRole,
      subnetIds: args.vpc.privateSubnetIds,
      namespace: args.fargateNamespace,
      podLabels: { ...fargatePodLabels },
      waitFor: [...args.roles.fargatePolicies, ...args.privateEgress],
      tags,
    },
    { parent },
  );

  const fargateLogging = args.fargateLogging
    ? new FargateLogging(
        `${name}-fargate-logging`,
        {
          clusterName: args.clusterName,
          region: args.region,
          podExecutionRole: args.roles.fargateRole,
          provider,
          retentionDays: args.logRetentionDays ?? 90,
          tags,
        },
        { parent },
      )
    : undefined;

  // CoreDNS, the EBS CSI controller and the metrics server are Deployments: EKS reports them active
  // once they run on nodes.
  const coredns = addon("coredns", { waitFor: nodeGroupResources });
  const ebsCsi = addon("aws-ebs-csi-driver", {
    irsa: irsa("kube-system", "ebs-csi-controller-sa", managedPolicies.ebsCsi),
    waitFor: nodeGroupResources,
  });
  // Karpenter's EC2NodeClass finds the security group its nodes join by tag: the cluster's own, which EKS makes.
  const discoveryTag =
    args.compute.mode === "karpenter"
      ? new ec2.Tag(
          `${name}-karpenter-discovery`,
          { resourceId: args.controlPlane.cluster.vpcConfig.clusterSecurityGroupId, key: karpenterDiscoveryTag, value: args.clusterName },
          { parent },
        )
      : undefined;
  const scaling = nodeScaling(name, {
    compute: args.compute,
    clusterName: args.clusterName,
    clusterEndpoint: args.controlPlane.endpoint,
    region: args.region,
    kubernetesVersion: args.kubernetesVersion,
    partition: args.partition,
    accountId: args.accountId,
    oidcProviderArn: args.controlPlane.oidcProviderArn,
    issuerUrl: args.controlPlane.issuerUrl,
    nodeRole: args.roles.karpenterNodeRole,
    provider,
    // It resolves AWS's endpoints through cluster DNS, on the system nodes, which it tolerates.
    waitFor: [...nodeGroupResources, vpcCni.addon, coredns.addon, ...(discoveryTag ? [discoveryTag] : []), ...args.roles.karpenterNodePolicies],
    tags,
    parent,
  });
  // The resource metrics API that HorizontalPodAutoscalers read CPU from; EKS has none without it. Its
  // pods may not tolerate the system nodes' taint, so with Karpenter they wait for its nodes.
  const metricsServer = addon("metrics-server", { waitFor: [...nodeGroupResources, ...(scaling.karpenter?.readiness ?? [])] });
  const storageClass = createStorageClass(name, parent, provider, ebsCsi);
  const lbController = new LoadBalancerController(
    `${name}-lb-controller`,
    {
      clusterName: args.controlPlane.name,
      region: args.region,
      vpcId: args.vpc.vpcId,
      oidcProviderArn: args.controlPlane.oidcProviderArn,
      issuerUrl: args.controlPlane.issuerUrl,
      partition: args.partition,
      provider,
      replicas: args.lbControllerReplicas,
      // Its pods resolve the AWS endpoints and its webhook through cluster DNS.
      waitFor: [...nodeGroupResources, vpcCni.addon, coredns.addon],
      tags,
    },
    { parent },
  );

  return {
    exposure: albExposure(lbController, args.https),
    storageClassName,
    fargate: { podLabels: { ...fargatePodLabels } },
    pinnedPodAnnotations: args.compute.mode === "karpenter" ? pinnedPodAnnotations.karpenter : pinnedPodAnnotations.clusterAutoscaler,
    readiness: [
      ...nodeGroupResources,
      vpcCni.addon,
      kubeProxy.addon,
      coredns.addon,
      ebsCsi.addon,
      metricsServer.addon,
      // Pods made before the profile exists are scheduled on nodes and stay there; and on destroy the
      // profile must outlive the pods it runs.
      fargate.profile,
      ...(fargateLogging?.readiness ?? []),
      lbController.release,
      storageClass,
      ...scaling.readiness,
    ],
  };
}

/** The default StorageClass: encrypted gp3 volumes, created in the zone of the pod that claims them. */
function createStorageClass(name: string, parent: pulumi.Resource, provider: Provider, ebsCsi: ManagedAddon): storage.StorageClass {
  return new storage.StorageClass(
    `${name}-gp3`,
    {
      metadata: { name: storageClassName, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
    },
    // The EBS CSI driver provisions the volumes this class names; it must be there first and last.
    { parent, provider, dependsOn: [ebsCsi.addon] },
  );
}
