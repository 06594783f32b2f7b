import * as ec2 from "@pulumi/aws/ec2/index.js";
import * as eks from "@pulumi/aws/eks/index.js";
import type * as iam from "@pulumi/aws/iam/index.js";
import { getParameterOutput } from "@pulumi/aws/ssm/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { NodeTaint } from "./settings.js";

export interface NodeGroupArgs {
  /** The cluster the nodes join. */
  clusterName: pulumi.Input<string>;
  /** The Kubernetes version of the nodes; follows the control plane. */
  kubernetesVersion: pulumi.Input<string>;
  /** The nodes' instance role. */
  nodeRole: iam.Role;
  /** Subnets the nodes run in: the private ones. */
  subnetIds: pulumi.Input<string>[];
  /** Instance types, all of one architecture. */
  instanceTypes: string[];
  /** CPU architecture of `instanceTypes`, which picks the AL2023 AMI. @default "x86_64" */
  architecture?: "x86_64" | "arm64";
  /** Minimum nodes. */
  minSize: number;
  /** Maximum nodes. */
  maxSize: number;
  /** Nodes at creation; later changes belong to the autoscaler, so Pulumi ignores them. */
  desiredSize: number;
  /** `ON_DEMAND` or `SPOT` capacity. @default "ON_DEMAND" */
  capacityType?: "ON_DEMAND" | "SPOT";
  /**
   * The EKS-optimized AMI release the nodes run, such as `1.35.2-20261115`.
   * @default - the recommended AL2023 release for the version and architecture, read from AWS's public
   * SSM parameter on every run, so nodes move to each new release (a rolling replacement) on `pulumi up`
   */
  releaseVersion?: pulumi.Input<string>;
  /** Root volume size in GiB (gp3, encrypted). @default 50 */
  diskSize?: number;
  /** Kubernetes labels on every node. @default {} */
  labels?: Record<string, string>;
  /** Kubernetes taints on every node. @default [] */
  taints?: NodeTaint[];
  /**
   * What the nodes need before they boot and join: the node role's policies, the private subnets' routes
   * to NAT (to reach ECR and the EKS API), and the CNI add-on (to become Ready). @default []
   */
  waitFor?: pulumi.Resource[];
  /** Tags on the node group, its instances and their volumes. @default {} */
  tags?: Record<string, string>;
}

/** AWS's public SSM parameter with the recommended AL2023 EKS node release for a version and architecture. */
export function al2023ReleaseParameter(kubernetesVersion: string, architecture: "x86_64" | "arm64"): string {
  return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${architecture}/standard/recommended/release_version`;
}

/**
 * A managed node group on Amazon Linux 2023, through a launch template that requires IMDSv2 with a hop
 * limit of 1 (pods cannot reach the node's credentials) and gives every node an encrypted gp3 root volume.
 * Nodes run the recommended AMI release and are repaired by EKS when they stop being Ready.
 */
export class NodeGroup extends pulumi.ComponentResource {
  readonly nodeGroup: eks.NodeGroup;

  constructor(name: string, args: NodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:NodeGroup", name, {}, opts);
    const architecture = args.architecture ?? "x86_64";
    const capacityType = args.capacityType ?? "ON_DEMAND";
    const diskSize = args.diskSize ?? 50;
    const labels = args.labels ?? {};
    const taints = args.taints ?? [];
    const waitFor = args.waitFor ?? [];
    const tags = args.tags ?? {};
    if (args.instanceTypes.length === 0) throw new Error("instanceTypes: at least one instance type is needed");
    if (args.minSize > args.maxSize) throw new Error(`minSize: ${args.minSize} is above maxSize ${args.maxSize}`);
    if (args.desiredSize < args.minSize || args.desiredSize > args.maxSize) {
      throw new Error(`desiredSize: ${args.desiredSize} is outside minSize..maxSize (${args.minSize}..${args.maxSize})`);
    }
    if (args.subnetIds.length === 0) throw new Error("subnetIds: the nodes need at least one subnet");

    const launchTemplate = this.createLaunchTemplate(name, diskSize, tags);
    // The launch template names no AMI, so EKS picks its optimized one, at this release.
    const releaseVersion =
      args.releaseVersion ??
      getParameterOutput({ name: pulumi.output(args.kubernetesVersion).apply((v) => al2023ReleaseParameter(v, architecture)) }, { parent: this }).insecureValue;
    this.nodeGroup = new eks.NodeGroup(
      `${name}-nodes`,
      {
        clusterName: args.clusterName,
        version: args.kubernetesVersion,
        releaseVersion,
        nodeRoleArn: args.nodeRole.arn,
        subnetIds: args.subnetIds,
        amiType: architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
        instanceTypes: args.instanceTypes,
        capacityType,
        scalingConfig: { minSize: args.minSize, maxSize: args.maxSize, desiredSize: args.desiredSize },
        // Replace a third of the nodes at a time on upgrades: faster than one by one, never all at once.
        updateConfig: { maxUnavailablePercentage: 33 },
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        labels,
        taints: taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
        // EKS replaces a node that stays NotReady (or is deleted by hand), within its default thresholds.
        nodeRepairConfig: { enabled: true },
        tags,
      },
      {
        parent: this,
        // Nodes cannot join without these, though no input of the node group refers to them.
        dependsOn: waitFor,
        // Between a min and a max the autoscaler owns the size, and Pulumi must not reset it. A fixed group
        // (min = max) has no autoscaler: its size is Pulumi's, or a new size would be refused as outside
        // the bounds (EKS checks min <= desired <= max).
        ignoreChanges: args.minSize === args.maxSize ? [] : ["scalingConfig.desiredSize"],
        customTimeouts: { create: "30m", update: "60m", delete: "30m" },
      },
    );
    this.registerOutputs({ nodeGroupName: this.nodeGroup.nodeGroupName });
  }

  private createLaunchTemplate(name: string, diskSize: number, tags: Record<string, string>): ec2.LaunchTemplate {
    return new ec2.LaunchTemplate(
      `${name}-lt`,
      {
        description: `Nodes of ${name}: IMDSv2 only, encrypted gp3 root volume`,
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          // One hop: the node reaches IMDS, a pod behind the node's network namespace does not.
          httpPutResponseHopLimit: 1,
        },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: { volumeSize: diskSize, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        tagSpecifications: [
          { resourceType: "instance", tags: { ...tags, Name: name } },
          { resourceType: "volume", tags: { ...tags, Name: name } },
        ],
        updateDefaultVersion: true,
        tags,
      },
      { parent: this },
    );
  }
}
