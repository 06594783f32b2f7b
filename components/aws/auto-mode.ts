import * as k8s from "@pulumi/kubernetes";
import { pinnedPodAnnotations, type ClusterTarget } from "../cluster-target.js";
import { albHttps } from "./alb-exposure.js";
import type { ManagedComputeArgs } from "./managed-compute.js";
import { ManagedAddon } from "./managed-addon.js";

/** The IngressClass of Auto Mode's load balancing: its own controller, not the AWS Load Balancer Controller's `alb`. */
export const autoModeIngressClass = "eks-auto-alb";
/** Auto Mode's EBS provisioner, which runs in EKS's control plane, not the `ebs.csi.aws.com` of the add-on. */
export const autoModeEbsProvisioner = "ebs.csi.eks.amazonaws.com";
const storageClassName = "gp3";

/**
 * What a cluster in EKS Auto Mode is given on top of what EKS runs: an IngressClass for internet-facing
 * ALBs and a default gp3 StorageClass, both for Auto Mode's own controllers (AWS docs: *Create an
 * IngressClass to configure an Application Load Balancer*, *Create a storage class*), and the metrics
 * server, which Auto Mode does not run. No node group, CNI, kube-proxy, CoreDNS, EBS CSI add-on or Load
 * Balancer Controller of ours; the front end runs on Auto Mode's nodes, not on Fargate.
 */
export function autoModeCompute(
  name: string,
  args: Omit<ManagedComputeArgs, "compute">,
): Pick<ClusterTarget, "exposure" | "storageClassName" | "fargate" | "readiness" | "pinnedPodAnnotations"> {
  const { parent, provider } = args;
  const opts = { parent, provider };
  const params = new k8s.apiextensions.CustomResource(
    `${name}-alb-params`,
    {
      apiVersion: "eks.amazonaws.com/v1",
      kind: "IngressClassParams",
      metadata: { name: autoModeIngressClass },
      spec: { scheme: "internet-facing" },
    },
    opts,
  );
  const ingressClass = new k8s.networking.v1.IngressClass(
    `${name}-alb-class`,
    {
      metadata: { name: autoModeIngressClass },
      spec: { controller: "eks.amazonaws.com/alb", parameters: { apiGroup: "eks.amazonaws.com", kind: "IngressClassParams", name: params.metadata.name } },
    },
    opts,
  );
  const storageClass = new k8s.storage.v1.StorageClass(
    `${name}-gp3`,
    {
      metadata: { name: storageClassName, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: autoModeEbsProvisioner,
      parameters: { type: "gp3", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
    },
    opts,
  );
  const networkPolicy = enforceNetworkPolicy(name, args);
  // HorizontalPodAutoscalers read CPU from the resource metrics API, which Auto Mode leaves to us.
  const metricsServer = new ManagedAddon(
    `${name}-metrics-server`,
    { clusterName: args.controlPlane.name, addonName: "metrics-server", kubernetesVersion: args.kubernetesVersion, version: args.addonVersions?.["metrics-server"], versionChoice: "latest", tags: args.tags },
    { parent },
  );
  return {
    // The class's controller is in EKS's control plane: it deletes an Ingress's ALB while the cluster and
    // its role's load balancing policy are there, which every Kubernetes object outlives by its provider.
    exposure: {
      kind: "albIngress",
      ingressClassName: autoModeIngressClass,
      dependsOn: [ingressClass, params],
      ...(args.https ? { https: albHttps(args.https) } : {}),
    },
    storageClassName,
    // Auto Mode's nodes are Karpenter's, and read its annotation.
    pinnedPodAnnotations: pinnedPodAnnotations.karpenter,
    // Auto Mode's nodes pull images through the private subnets' ways out, so pods wait for them, and go first.
    readiness: [ingressClass, params, storageClass, metricsServer.addon, ...networkPolicy, ...args.privateEgress],
  };
}

/**
 * NetworkPolicy enforcement, which Auto Mode leaves off (AWS docs: *Use Network Policies with EKS Auto
 * Mode*): the `amazon-vpc-cni` ConfigMap that turns the policy controller on, and nodes of a NodeClass with
 * `networkPolicy: DefaultAllow`. The built-in pools use the default NodeClass, so a NodePool of ours, of
 * the same C, M and R instances and weighted above them, takes the app's pods.
 */
function enforceNetworkPolicy(name: string, args: Omit<ManagedComputeArgs, "compute">): k8s.apiextensions.CustomResource[] {
  const { parent, provider } = args;
  const controller = new k8s.core.v1.ConfigMap(
    `${name}-network-policy-controller`,
    { metadata: { name: "amazon-vpc-cni", namespace: "kube-system" }, data: { "enable-network-policy-controller": "true" } },
    { parent, provider },
  );
  const nodeClass = new k8s.apiextensions.CustomResource(
    `${name}-node-class`,
    {
      apiVersion: "eks.amazonaws.com/v1",
      kind: "NodeClass",
      metadata: { name: "network-policy" },
      spec: {
        role: args.roles.nodeRole.name,
        // Named, as the default NodeClass has them: the private subnets and the cluster's security group.
        subnetSelectorTerms: args.vpc.privateSubnetIds.map((id) => ({ id })),
        securityGroupSelectorTerms: [{ id: args.controlPlane.cluster.vpcConfig.clusterSecurityGroupId }],
        networkPolicy: "DefaultAllow",
        networkPolicyEventLogs: "Disabled",
      },
    },
    { parent, provider, dependsOn: [controller] },
  );
  const nodePool = new k8s.apiextensions.CustomResource(
    `${name}-node-pool`,
    {
      apiVersion: "karpenter.sh/v1",
      kind: "NodePool",
      metadata: { name: "network-policy" },
      spec: {
        weight: 10,
        template: {
          spec: {
            nodeClassRef: { group: "eks.amazonaws.com", kind: "NodeClass", name: nodeClass.metadata.name },
            requirements: [
              { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
              { key: "eks.amazonaws.com/instance-category", operator: "In", values: ["c", "m", "r"] },
              { key: "eks.amazonaws.com/instance-generation", operator: "Gt", values: ["4"] },
              { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
            ],
            expireAfter: "336h",
          },
        },
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "30s" },
      },
    },
    { parent, provider },
  );
  return [nodeClass, nodePool];
}
