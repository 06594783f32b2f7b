import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity.js";
import { getPartitionOutput } from "@pulumi/aws/getPartition.js";
import { getSessionContextOutput } from "@pulumi/aws/iam/index.js";
import { Provider } from "@pulumi/kubernetes/provider.js";
import * as pulumi from "@pulumi/pulumi";
import type { SupportType } from "./kubernetes-version.js";
import type { ControlPlaneLogType, EksAddonName, EksComputeSettings, NodeGroupSettings } from "./settings.js";
import type { ClusterTarget } from "../cluster-target.js";
import { autoModeCompute } from "./auto-mode.js";
import { ClusterRoles } from "./cluster-roles.js";
import { ControlPlane } from "./control-plane.js";
import { ecrRegistry } from "./ecr-registry.js";
import { eksKubeconfig } from "./kubeconfig.js";
import type { AddonVersionChoice } from "./managed-addon.js";
import { managedCompute } from "./managed-compute.js";
import { karpenterDiscoveryTag } from "./node-scaling.js";
import { Vpc } from "./vpc.js";
import { interfaceEndpointServices, VpcEndpoints } from "./vpc-endpoints.js";

export interface EksClusterArgs {
  /** The EKS cluster's name, fixed up front: subnet tags and the Fargate role's trust name it before it exists. */
  clusterName: string;
  /** The region everything is created in (the AWS provider's region). */
  region: string;
  /**
   * The AWS CLI profile of the stack's AWS provider (`aws:profile`), which the kubeconfig's
   * `aws eks get-token` then uses too.
   * @default - the AWS CLI's default credentials
   */
  awsProfile?: string;
  /**
   * Kubernetes minor version, such as `1.35`: decided before the cluster exists, since node groups and
   * add-ons follow it (`chooseKubernetesVersion` picks EKS's default, or what a running cluster has).
   */
  kubernetesVersion: string;
  /**
   * `STANDARD` support upgrades the cluster when its version leaves standard support; `EXTENDED` keeps
   * it there, at the extended support price.
   * @default - `STANDARD` when `disposable`, `EXTENDED` otherwise
   */
  supportType?: SupportType;
  /**
   * IAM principals that administer the secrets key (its policy, rotation, deletion) without using it.
   * @default - the identity running `pulumi up`, as its session's IAM role
   */
  keyAdministratorArns?: pulumi.Input<string>[];
  /** The VPC's CIDR block. @default "10.20.0.0/16" */
  vpcCidr?: string;
  /** Availability zones for subnets and nodes. @default 3 */
  azCount?: number;
  /** Public subnets, one per AZ. @default - carved from `vpcCidr` */
  publicSubnetCidrs?: string[];
  /** Private subnets, one per AZ. @default - carved from `vpcCidr` */
  privateSubnetCidrs?: string[];
  /** One NAT gateway for the VPC, or one per AZ. @default "perAz" */
  natGateways?: "single" | "perAz";
  /**
   * VPC endpoints for the AWS APIs the nodes, Fargate pods and controllers call (`VpcEndpoints`), so
   * that their traffic stays in the VPC instead of going through NAT.
   * @default false
   */
  vpcEndpoints?: boolean;
  /** Managed node groups, created side by side. @default - one group `general` of 3 m6i.large (3 to 6) */
  nodeGroups?: NodeGroupSettings[];
  /**
   * How nodes follow the workload: Karpenter, beside a fixed system group that replaces `nodeGroups`; or
   * the Cluster Autoscaler, resizing `nodeGroups` between their bounds.
   * @default { mode: "cluster-autoscaler" }
   */
  compute?: EksComputeSettings;
  /** Whether the API server has a public endpoint. @default true */
  publicAccess?: boolean;
  /** Who may reach the public endpoint. @default - required when `publicAccess` */
  publicAccessCidrs?: string[];
  /** Control-plane log types. @default - all five */
  logTypes?: ControlPlaneLogType[];
  /** Days the control-plane logs are kept. @default 90 */
  logRetentionDays?: number;
  /** IAM principals that get cluster-admin through access entries. @default [] */
  adminPrincipalArns?: string[];
  /** Let EKS make the identity that runs `pulumi up` an admin. @default false */
  bootstrapCreatorAdmin?: boolean;
  /** Fixed add-on versions by add-on name. @default - each as `addonVersionChoice` picks it */
  addonVersions?: Partial<Record<EksAddonName, string>>;
  /**
   * For add-ons without a fixed version: EKS's `default` version for the cluster's Kubernetes version, or
   * its `latest` build. Dev takes new builds first; prod moves only when EKS moves its default.
   * Community add-ons (`communityAddons`), which have no default version, always take `latest`.
   * @default - `latest` when `disposable`, `default` otherwise
   */
  addonVersionChoice?: AddonVersionChoice;
  /** The namespace whose Fargate-labelled pods run on Fargate. @default "vote" */
  fargateNamespace?: string;
  /**
   * Fargate pods' logs to CloudWatch (`FargateLogging`), kept for `logRetentionDays`.
   * @default false
   */
  fargateLogging?: boolean;
  /**
   * HTTPS on the ALB with an ACM certificate of the cluster's region, for the host name users open
   * (a CNAME to the ALB); HTTP redirects to it.
   * @default - HTTP only
   */
  https?: { certificateArn: string; hostname: string };
  /** AWS Load Balancer Controller replicas. @default 2 */
  lbControllerReplicas?: number;
  /**
   * Workshop mode: image tags may be pushed again, the KMS key goes after 7 days, and the cluster
   * follows standard support only (unless `supportType` says otherwise).
   * @default false
   */
  disposable?: boolean;
  /** Protect the cluster, its KMS key and the image repositories from deletion. @default false */
  protect?: boolean;
  /** Tags on every AWS resource. @default {} */
  tags?: Record<string, string>;
}

export { fargatePodLabels } from "./managed-compute.js";

/**
 * An EKS platform: a VPC, the cluster, managed node groups and a Fargate profile, the managed add-ons,
 * IRSA, a default gp3 StorageClass and the AWS Load Balancer Controller, offered to workloads as a
 * ClusterTarget.
 */
export class EksCluster extends pulumi.ComponentResource {
  readonly target: ClusterTarget;
  readonly vpcId: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly clusterEndpoint: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly registryServer: pulumi.Output<string>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:EksCluster", name, {}, opts);
    const kubernetesVersion = args.kubernetesVersion;
    const azCount = args.azCount ?? 3;
    const scaling: EksComputeSettings = args.compute ?? { mode: "cluster-autoscaler" };
    const nodeGroups =
      scaling.mode === "karpenter"
        ? [scaling.systemGroup]
        : scaling.mode === "auto-mode"
          ? []
          : (args.nodeGroups ?? [
            { name: "general", instanceTypes: ["m6i.large"], architecture: "x86_64", minSize: 3, maxSize: 6, desiredSize: 3, capacityType: "ON_DEMAND", diskSize: 50, labels: {}, taints: [] },
          ]);
    const discovery: Record<string, string> = scaling.mode === "karpenter" ? { [karpenterDiscoveryTag]: args.clusterName } : {};
    const fargateNamespace = args.fargateNamespace ?? "vote";
    const disposable = args.disposable ?? false;
    const addonVersionChoice = args.addonVersionChoice ?? (disposable ? "latest" : "default");
    const tags = args.tags ?? {};
    if (nodeGroups.length === 0 && scaling.mode !== "auto-mode") throw new Error("nodeGroups: at least one node group is needed for CoreDNS and the controllers");
    const duplicate = nodeGroups.find((g, i) => nodeGroups.findIndex((o) => o.name === g.name) !== i);
    if (duplicate) throw new Error(`nodeGroups: the name ${duplicate.name} appears twice`);

    const identity = getCallerIdentityOutput({}, { parent: this });
    const partition = getPartitionOutput({}, { parent: this });
    const roles = new ClusterRoles(
      `${name}-roles`,
      { clusterName: args.clusterName, partition: partition.partition, accountId: identity.accountId, region: args.region, autoMode: scaling.mode === "auto-mode", karpenterNodes: scaling.mode === "karpenter", tags },
      { parent: this },
    );
    const vpc = new Vpc(
      `${name}-network`,
      {
        cidrBlock: args.vpcCidr ?? "10.20.0.0/16",
        azCount,
        clusterName: args.clusterName,
        publicSubnetCidrs: args.publicSubnetCidrs,
        privateSubnetCidrs: args.privateSubnetCidrs,
        natGateways: args.natGateways,
        privateSubnetTags: discovery,
        tags,
      },
      { parent: this },
    );
    const endpoints = args.vpcEndpoints
      ? new VpcEndpoints(
          `${name}-endpoints`,
          {
            vpcId: vpc.vpcId,
            vpcCidr: args.vpcCidr ?? "10.20.0.0/16",
            region: args.region,
            privateSubnetIds: vpc.privateSubnetIds,
            privateRouteTableIds: vpc.privateRouteTableIds,
            // Karpenter's controller polls its interruption queue all the time; through NAT that is paid traffic.
            services: scaling.mode === "karpenter" ? [...interfaceEndpointServices, "sqs"] : interfaceEndpointServices,
            tags,
          },
          { parent: this },
        )
      : undefined;
    // What runs in the private subnets reaches AWS through these: NAT, and the endpoints where they exist.
    // Waiting for them also keeps them until the nodes, pods and the cloud objects their controllers
    // delete (ALBs, volumes) are gone.
    const privateEgress = [...vpc.privateEgress, ...(endpoints?.endpoints ?? [])];
    const controlPlane = new ControlPlane(
      `${name}-control-plane`,
      {
        clusterName: args.clusterName,
        kubernetesVersion,
        clusterRole: roles.clusterRole,
        clusterRolePolicies: roles.clusterPolicies,
        // Subnet ids only: the control plane does not wait for NAT gateways, which only nodes need.
        subnetIds: vpc.privateSubnetIds,
        publicAccess: args.publicAccess,
        publicAccessCidrs: args.publicAccessCidrs,
        logTypes: args.logTypes,
        logRetentionDays: args.logRetentionDays,
        adminPrincipalArns: args.adminPrincipalArns,
        bootstrapCreatorAdmin: args.bootstrapCreatorAdmin,
        partition: partition.partition,
        supportType: args.supportType ?? (disposable ? "STANDARD" : "EXTENDED"),
        keyDeletionWindowDays: disposable ? 7 : 30,
        keyAdministratorArns: args.keyAdministratorArns ?? [getSessionContextOutput({ arn: identity.arn }, { parent: this }).issuerArn],
        protect: args.protect,
        autoMode: scaling.mode === "auto-mode" ? { nodeRole: roles.nodeRole, nodeRolePolicies: roles.nodePolicies } : undefined,
        tags,
      },
      { parent: this },
    );
    const kubeconfig = this.kubeconfig(controlPlane, args.region, args.awsProfile);
    const provider = this.createProvider(name, args.clusterName, controlPlane, kubeconfig);

    const common = {
      parent: this,
      clusterName: args.clusterName,
      region: args.region,
      kubernetesVersion,
      controlPlane,
      roles,
      vpc,
      privateEgress,
      provider,
      partition: partition.partition,
      accountId: identity.accountId,
      nodeGroups,
      addonVersions: args.addonVersions,
      addonVersionChoice,
      fargateNamespace,
      fargateLogging: args.fargateLogging ?? false,
      logRetentionDays: args.logRetentionDays ?? 90,
      lbControllerReplicas: args.lbControllerReplicas,
      https: args.https,
      tags,
    };
    // Auto Mode runs nodes, networking, storage and load balancers itself; otherwise they are the stack's.
    const compute = scaling.mode === "auto-mode" ? autoModeCompute(name, common) : managedCompute(name, { ...common, compute: scaling });

    const registry = ecrRegistry({
      accountId: identity.accountId,
      region: args.region,
      dnsSuffix: partition.dnsSuffix,
      prefix: args.clusterName,
      immutableTags: !disposable,
      protect: args.protect,
      tags,
      parent: this,
    });
    this.target = { kind: "eks", name: controlPlane.name, provider, kubeconfig, registry, ...compute };
    this.vpcId = vpc.vpcId;
    this.clusterName = controlPlane.name;
    this.clusterEndpoint = controlPlane.endpoint;
    this.oidcProviderArn = controlPlane.oidcProviderArn;
    this.registryServer = registry.server;
    this.registerOutputs({
      vpcId: this.vpcId,
      clusterName: this.clusterName,
      clusterEndpoint: this.clusterEndpoint,
      oidcProviderArn: this.oidcProviderArn,
      registryServer: this.registryServer,
    });
  }

  private kubeconfig(controlPlane: ControlPlane, region: string, profile: string | undefined): pulumi.Output<string> {
    return pulumi.secret(
      pulumi
        .all([controlPlane.name, controlPlane.endpoint, controlPlane.certificateAuthorityData])
        .apply(([clusterName, endpoint, certificateAuthorityData]) =>
          eksKubeconfig({ clusterName, region, endpoint, certificateAuthorityData, profile }),
        ),
    );
  }

  private createProvider(name: string, clusterName: string, controlPlane: ControlPlane, kubeconfig: pulumi.Output<string>): Provider {
    return new Provider(
      `${name}-k8s`,
      {
        kubeconfig,
        // Known before anything exists: when an update of the cluster leaves the kubeconfig unknown in a
        // preview, the provider is updated, not replaced with every object it manages. Only another
        // cluster name, which is another cluster, replaces it.
        clusterIdentifier: clusterName,
      },
      // Where our access comes from access entries, the API answers 401 until they exist.
      { parent: this, dependsOn: controlPlane.adminAccess },
    );
  }

}
