import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity.js";
import { getPartitionOutput } from "@pulumi/aws/getPartition.js";
import { getSessionContextOutput } from "@pulumi/aws/iam/index.js";
import { Provider } from "@pulumi/kubernetes/provider.js";
import * as storage from "@pulumi/kubernetes/storage/v1/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { SupportType } from "./kubernetes-version.js";
import { communityAddons, type ControlPlaneLogType, type EksAddonName, type NodeGroupSettings } from "./settings.js";
import type { ClusterTarget } from "../cluster-target.js";
import { ClusterRoles } from "./cluster-roles.js";
import { ControlPlane } from "./control-plane.js";
import { ecrRegistry } from "./ecr-registry.js";
import { FargateLogging } from "./fargate-logging.js";
import { FargateProfile } from "./fargate-profile.js";
import { managedPolicies } from "./iam-policies.js";
import { eksKubeconfig } from "./kubeconfig.js";
import { LoadBalancerController } from "./load-balancer-controller.js";
import { ManagedAddon, type AddonVersionChoice } from "./managed-addon.js";
import { NodeGroup } from "./node-group.js";
import { Vpc } from "./vpc.js";
import { VpcEndpoints } from "./vpc-endpoints.js";

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

/**
 * The ALB's TLS policy: TLS 1.3 and 1.2 with restricted ciphers and hybrid post-quantum key exchange,
 * the one ELB's guide recommends and its console's default. The API's own default, which the controller
 * passes on unless told, is ELBSecurityPolicy-2016-08, with TLS 1.0.
 */
export const albTlsPolicy = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/** Pods in the Fargate namespace with this label run on Fargate. */
export const fargatePodLabels = { "voting-platform/compute": "fargate" } as const;
const storageClassName = "gp3";

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
    const nodeGroups = args.nodeGroups ?? [
      { name: "general", instanceTypes: ["m6i.large"], architecture: "x86_64", minSize: 3, maxSize: 6, desiredSize: 3, capacityType: "ON_DEMAND", diskSize: 50, labels: {}, taints: [] },
    ];
    const fargateNamespace = args.fargateNamespace ?? "vote";
    const disposable = args.disposable ?? false;
    const addonVersionChoice = args.addonVersionChoice ?? (disposable ? "latest" : "default");
    const tags = args.tags ?? {};
    if (nodeGroups.length === 0) throw new Error("nodeGroups: at least one node group is needed for CoreDNS and the controllers");
    const duplicate = nodeGroups.find((g, i) => nodeGroups.findIndex((o) => o.name === g.name) !== i);
    if (duplicate) throw new Error(`nodeGroups: the name ${duplicate.name} appears twice`);

    const identity = getCallerIdentityOutput({}, { parent: this });
    const partition = getPartitionOutput({}, { parent: this });
    const roles = new ClusterRoles(
      `${name}-roles`,
      { clusterName: args.clusterName, partition: partition.partition, accountId: identity.accountId, region: args.region, tags },
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
        tags,
      },
      { parent: this },
    );
    const kubeconfig = this.kubeconfig(controlPlane, args.region, args.awsProfile);
    const provider = this.createProvider(name, args.clusterName, controlPlane, kubeconfig);

    const addon = (addonName: EksAddonName, extra: Partial<ConstructorParameters<typeof ManagedAddon>[1]> = {}) =>
      new ManagedAddon(
        `${name}-${addonName}`,
        {
          clusterName: controlPlane.name,
          addonName,
          kubernetesVersion,
          version: args.addonVersions?.[addonName],
          versionChoice: communityAddons.includes(addonName) ? "latest" : addonVersionChoice,
          tags,
          ...extra,
        },
        { parent: this },
      );
    const irsa = (namespace: string, serviceAccount: string, policies: readonly string[]) => ({
      namespace,
      serviceAccount,
      managedPolicies: policies,
      oidcProviderArn: controlPlane.oidcProviderArn,
      issuerUrl: controlPlane.issuerUrl,
      partition: partition.partition,
    });
    // The cluster starts without networking add-ons (no self-managed bootstrap): nodes only become Ready
    // once the CNI and kube-proxy are there, so these come first.
    const vpcCni = addon("vpc-cni", {
      configurationValues: { enableNetworkPolicy: "true" },
      irsa: irsa("kube-system", "aws-node", managedPolicies.vpcCni),
    });
    const kubeProxy = addon("kube-proxy");

    const nodes = nodeGroups.map(
      (group) =>
        new NodeGroup(
          `${name}-${group.name}`,
          {
            clusterName: controlPlane.name,
            kubernetesVersion,
            nodeRole: roles.nodeRole,
            subnetIds: vpc.privateSubnetIds,
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
            waitFor: [...roles.nodePolicies, ...privateEgress, vpcCni.addon, kubeProxy.addon],
            tags,
          },
          { parent: this },
        ),
    );
    const nodeGroupResources = nodes.map((n) => n.nodeGroup);
    const fargate = new FargateProfile(
      `${name}-fargate`,
      {
        clusterName: controlPlane.name,
        podExecutionRole: roles.fargateRole,
        subnetIds: vpc.privateSubnetIds,
        namespace: fargateNamespace,
        podLabels: { ...fargatePodLabels },
        waitFor: [...roles.fargatePolicies, ...privateEgress],
        tags,
      },
      { parent: this },
    );

    const fargateLogging = args.fargateLogging
      ? new FargateLogging(
          `${name}-fargate-logging`,
          {
            clusterName: args.clusterName,
            region: args.region,
            podExecutionRole: roles.fargateRole,
            provider,
            retentionDays: args.logRetentionDays ?? 90,
            tags,
          },
          { parent: this },
        )
      : undefined;

    // CoreDNS, the EBS CSI controller and the metrics server are Deployments: EKS reports them active
    // once they run on nodes.
    const coredns = addon("coredns", { waitFor: nodeGroupResources });
    const ebsCsi = addon("aws-ebs-csi-driver", {
      irsa: irsa("kube-system", "ebs-csi-controller-sa", managedPolicies.ebsCsi),
      waitFor: nodeGroupResources,
    });
    // The resource metrics API that HorizontalPodAutoscalers read CPU from; EKS has none without it.
    const metricsServer = addon("metrics-server", { waitFor: nodeGroupResources });
    const storageClass = this.createStorageClass(name, provider, ebsCsi);
    const lbController = new LoadBalancerController(
      `${name}-lb-controller`,
      {
        clusterName: controlPlane.name,
        region: args.region,
        vpcId: vpc.vpcId,
        oidcProviderArn: controlPlane.oidcProviderArn,
        issuerUrl: controlPlane.issuerUrl,
        partition: partition.partition,
        provider,
        replicas: args.lbControllerReplicas,
        // Its pods resolve the AWS endpoints and its webhook through cluster DNS.
        waitFor: [...nodeGroupResources, vpcCni.addon, coredns.addon],
        tags,
      },
      { parent: this },
    );

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
    this.target = {
      kind: "eks",
      name: controlPlane.name,
      provider,
      kubeconfig,
      exposure: {
        kind: "albIngress",
        ingressClassName: lbController.ingressClassName,
        dependsOn: [lbController.release],
        ...(args.https
          ? {
              https: {
                hostname: args.https.hostname,
                annotations: {
                  // Named, so the controller never looks certificates up in ACM, which has no VPC endpoint.
                  "alb.ingress.kubernetes.io/certificate-arn": args.https.certificateArn,
                  "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
                  "alb.ingress.kubernetes.io/ssl-redirect": "443",
                  "alb.ingress.kubernetes.io/ssl-policy": albTlsPolicy,
                },
              },
            }
          : {}),
      },
      storageClassName,
      registry,
      fargate: { podLabels: { ...fargatePodLabels } },
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
      ],
    };
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

  /** The default StorageClass: encrypted gp3 volumes, created in the zone of the pod that claims them. */
  private createStorageClass(name: string, provider: Provider, ebsCsi: ManagedAddon): storage.StorageClass {
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
      { parent: this, provider, dependsOn: [ebsCsi.addon] },
    );
  }
}
