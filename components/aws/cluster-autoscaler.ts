import { readFileSync } from "node:fs";
import * as helm from "@pulumi/kubernetes/helm/v3/index.js";
import type { Provider } from "@pulumi/kubernetes/provider.js";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "./iam-policies.js";
import { IrsaRole } from "./irsa-role.js";

interface ReleaseData {
  chart: { repo: string; name: string; version: string };
  images: Record<string, string>;
}
/** The pinned chart and the image per Kubernetes minor, with their sources (data/cluster-autoscaler.json). */
export const clusterAutoscalerRelease = JSON.parse(readFileSync(new URL("../../data/cluster-autoscaler.json", import.meta.url), "utf8")) as ReleaseData;

/**
 * The autoscaler's policy for auto-discovery, as its AWS README recommends it ("Full Cluster Autoscaler
 * Features Policy"), with the writes narrowed, as the README advises, to the Auto Scaling groups tagged
 * for this cluster: EKS tags a managed node group's group `k8s.io/cluster-autoscaler/<cluster>: owned`.
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: ["*"],
      },
      {
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: ["*"],
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
      },
    ],
  };
}

export interface ClusterAutoscalerArgs {
  clusterName: string;
  region: string;
  /** The cluster's Kubernetes minor version, which picks the autoscaler's image. */
  kubernetesVersion: string;
  oidcProviderArn: pulumi.Input<string>;
  issuerUrl: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  provider: Provider;
  /** What its pods need first: nodes, the CNI, cluster DNS. @default [] */
  waitFor?: pulumi.Resource[];
  /** Tags on its IAM role. @default {} */
  tags?: Record<string, string>;
}

/**
 * The Cluster Autoscaler, finding the cluster's managed node groups by their tags and resizing each
 * between its minimum and maximum: pods that do not fit get a node, and idle nodes go.
 */
export class ClusterAutoscaler extends pulumi.ComponentResource {
  readonly role: IrsaRole;
  readonly release: helm.Release;

  constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:ClusterAutoscaler", name, {}, opts);
    const image = clusterAutoscalerRelease.images[args.kubernetesVersion];
    if (!image) {
      throw new Error(
        `kubernetesVersion: no Cluster Autoscaler image for ${args.kubernetesVersion} in data/cluster-autoscaler.json (known: ${Object.keys(clusterAutoscalerRelease.images).join(", ")})`,
      );
    }
    const namespace = "kube-system";
    const serviceAccount = "cluster-autoscaler";
    this.role = new IrsaRole(
      `${name}-irsa`,
      {
        oidcProviderArn: args.oidcProviderArn,
        issuerUrl: args.issuerUrl,
        namespace,
        serviceAccount,
        partition: args.partition,
        policy: clusterAutoscalerPolicy(args.clusterName),
        tags: args.tags ?? {},
      },
      { parent: this },
    );
    const { chart } = clusterAutoscalerRelease;
    this.release = new helm.Release(
      `${name}-release`,
      {
        name: serviceAccount,
        namespace,
        chart: chart.name,
        version: chart.version,
        repositoryOpts: { repo: chart.repo },
        values: {
          cloudProvider: "aws",
          awsRegion: args.region,
          autoDiscovery: { clusterName: args.clusterName },
          image: { tag: image },
          rbac: { serviceAccount: { create: true, name: serviceAccount, annotations: { "eks.amazonaws.com/role-arn": this.role.arn } } },
          extraArgs: {
            // Groups of the same instance types in several zones grow together, so zonal volumes find room.
            "balance-similar-node-groups": true,
            expander: "least-waste",
            // Redis's volume is a PersistentVolume, not local storage: its node may be scaled down.
            "skip-nodes-with-local-storage": false,
          },
        },
        atomic: true,
        cleanupOnFail: true,
        timeout: 600,
      },
      { parent: this, provider: args.provider, dependsOn: [...(args.waitFor ?? []), ...this.role.attachments] },
    );
    this.registerOutputs({ releaseName: this.release.name, roleArn: this.role.arn });
  }
}
