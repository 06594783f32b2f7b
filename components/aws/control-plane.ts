import * as cloudwatch from "@pulumi/aws/cloudwatch/index.js";
import * as eks from "@pulumi/aws/eks/index.js";
import * as iam from "@pulumi/aws/iam/index.js";
import * as kms from "@pulumi/aws/kms/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { ControlPlaneLogType } from "./settings.js";
import { secretsKeyPolicy } from "./iam-policies.js";

export interface ControlPlaneArgs {
  /** The cluster's name, chosen up front: the VPC's subnet tags and the Fargate role already name it. */
  clusterName: string;
  /** The Kubernetes minor version, e.g. `1.33`. */
  kubernetesVersion: string;
  /** The role the control plane runs as. */
  clusterRole: iam.Role;
  /** The policy attachments of `clusterRole`; EKS checks the role's permissions when it creates the cluster. */
  clusterRolePolicies: pulumi.Resource[];
  /** Subnets for the control plane's network interfaces: the private ones. */
  subnetIds: pulumi.Input<string>[];
  /** Whether the API server has a public endpoint. The private endpoint is always on. @default true */
  publicAccess?: boolean;
  /** Who may reach the public endpoint. @default ["0.0.0.0/0"] */
  publicAccessCidrs?: string[];
  /** Control-plane log types sent to CloudWatch. @default ["api", "audit", "authenticator", "controllerManager", "scheduler"] */
  logTypes?: ControlPlaneLogType[];
  /** Days CloudWatch keeps the control-plane logs. @default 90 */
  logRetentionDays?: number;
  /** IAM principals given cluster-admin through access entries. @default [] */
  adminPrincipalArns?: string[];
  /**
   * Whether EKS makes the identity that creates the cluster an admin, with an access entry Pulumi does
   * not manage. Only settable at creation.
   * @default false
   */
  bootstrapCreatorAdmin?: boolean;
  /** The AWS partition, for the access policy ARN. */
  partition: pulumi.Input<string>;
  /**
   * `STANDARD` support upgrades the cluster when its version leaves standard support; `EXTENDED` keeps it,
   * at a higher hourly price.
   * @default "EXTENDED"
   */
  supportType?: "STANDARD" | "EXTENDED";
  /** Days before a deleted KMS key is gone (7-30). @default 30 */
  keyDeletionWindowDays?: number;
  /** IAM principals that administer the secrets key; the identity running `pulumi up` must be one. */
  keyAdministratorArns: pulumi.Input<string>[];
  /**
   * Protect the cluster and its secrets key from deletion: Pulumi's `protect`, and EKS's own deletion
   * protection on the cluster, which refuses DeleteCluster from any tool until it is turned off.
   * @default false
   */
  protect?: boolean;
  /**
   * EKS Auto Mode, with the nodes' role: EKS runs the nodes (its `general-purpose` and `system` pools),
   * their networking, block storage and load balancers; compute, storage and load balancing must be on
   * together. The role cannot change once set. @default - off: nodes, add-ons and controllers are ours
   */
  autoMode?: { nodeRole: iam.Role; nodeRolePolicies: pulumi.Resource[] };
  /** Tags on every resource. @default {} */
  tags?: Record<string, string>;
}

const allLogTypes: ControlPlaneLogType[] = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/**
 * The EKS control plane: the cluster with its secrets encrypted by a KMS key of our own, control-plane
 * logs in a log group with a retention, API authentication through access entries, and the IAM OIDC
 * provider that IRSA roles trust.
 */
export class ControlPlane extends pulumi.ComponentResource {
  readonly cluster: eks.Cluster;
  readonly name: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly certificateAuthorityData: pulumi.Output<string>;
  readonly issuerUrl: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly kmsKey: kms.Key;
  /** The admin access policy associations: Kubernetes objects wait for them when they grant our access. */
  readonly adminAccess: eks.AccessPolicyAssociation[];

  constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:ControlPlane", name, {}, opts);
    const publicAccess = args.publicAccess ?? true;
    const publicAccessCidrs = args.publicAccessCidrs ?? ["0.0.0.0/0"];
    const logTypes = args.logTypes ?? allLogTypes;
    const logRetentionDays = args.logRetentionDays ?? 90;
    const adminPrincipalArns = args.adminPrincipalArns ?? [];
    const bootstrapCreatorAdmin = args.bootstrapCreatorAdmin ?? false;
    const supportType = args.supportType ?? "EXTENDED";
    const keyDeletionWindowDays = args.keyDeletionWindowDays ?? 30;
    const protect = args.protect ?? false;
    const tags = args.tags ?? {};
    if (!/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(args.clusterName)) throw new Error(`clusterName: ${JSON.stringify(args.clusterName)} is not a valid EKS cluster name`);
    if (args.subnetIds.length < 2) throw new Error(`subnetIds: EKS needs subnets in at least 2 AZs, got ${args.subnetIds.length}`);
    if (publicAccess && publicAccessCidrs.length === 0) throw new Error("publicAccessCidrs: a public endpoint needs at least one CIDR block");
    if (!bootstrapCreatorAdmin && adminPrincipalArns.length === 0) {
      throw new Error("adminPrincipalArns: without bootstrapCreatorAdmin, at least one admin is needed to reach the cluster");
    }

    const logGroup = this.createLogGroup(name, args.clusterName, logRetentionDays, tags);
    this.kmsKey = this.createSecretsKey(name, args, keyDeletionWindowDays, protect, tags);

    this.cluster = new eks.Cluster(
      `${name}-cluster`,
      {
        name: args.clusterName,
        version: args.kubernetesVersion,
        roleArn: args.clusterRole.arn,
        vpcConfig: {
          subnetIds: args.subnetIds,
          // Nodes reach the API server inside the VPC; the public endpoint is for people and CI.
          endpointPrivateAccess: true,
          endpointPublicAccess: publicAccess,
          publicAccessCidrs: publicAccess ? publicAccessCidrs : undefined,
        },
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: bootstrapCreatorAdmin },
        // The VPC CNI, kube-proxy and CoreDNS come as managed add-ons we version, not the unmanaged defaults.
        bootstrapSelfManagedAddons: false,
        ...(args.autoMode
          ? {
              computeConfig: { enabled: true, nodePools: ["general-purpose", "system"], nodeRoleArn: args.autoMode.nodeRole.arn },
              storageConfig: { blockStorage: { enabled: true } },
              kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
            }
          : {}),
        enabledClusterLogTypes: logTypes,
        encryptionConfig: { resources: ["secrets"], provider: { keyArn: this.kmsKey.arn } },
        upgradePolicy: { supportType },
        deletionProtection: protect,
        tags,
      },
      {
        parent: this,
        protect,
        // The log group must exist first, or EKS creates one itself with no retention and ours then
        // fails as a duplicate; the role needs its permissions before EKS validates it.
        dependsOn: [logGroup, ...args.clusterRolePolicies, ...(args.autoMode?.nodeRolePolicies ?? [])],
        customTimeouts: { create: "30m", update: "60m", delete: "30m" },
      },
    );

    this.adminAccess = this.createAdminAccess(name, adminPrincipalArns, args.partition, tags);
    const oidcProvider = this.createOidcProvider(name, tags);

    this.name = this.cluster.name;
    this.endpoint = this.cluster.endpoint;
    this.certificateAuthorityData = this.cluster.certificateAuthority.data;
    this.issuerUrl = this.cluster.identities.apply((ids) => {
      const issuer = ids[0]?.oidcs[0]?.issuer;
      if (!issuer) throw new Error(`cluster ${args.clusterName} reports no OIDC issuer`);
      return issuer;
    });
    this.oidcProviderArn = oidcProvider.arn;
    this.registerOutputs({ name: this.name, endpoint: this.endpoint, oidcProviderArn: this.oidcProviderArn, kmsKeyArn: this.kmsKey.arn });
  }

  /** EKS writes control-plane logs to this exact group name. */
  private createLogGroup(name: string, clusterName: string, retentionInDays: number, tags: Record<string, string>): cloudwatch.LogGroup {
    return new cloudwatch.LogGroup(`${name}-logs`, { name: `/aws/eks/${clusterName}/cluster`, retentionInDays, tags }, { parent: this });
  }

  /**
   * A customer-managed key with yearly rotation for envelope encryption of Kubernetes secrets, whose
   * policy keeps its administrators apart from its one user, the cluster role.
   */
  private createSecretsKey(name: string, args: ControlPlaneArgs, deletionWindowInDays: number, protect: boolean, tags: Record<string, string>): kms.Key {
    const policy = pulumi
      .all([pulumi.all(args.keyAdministratorArns), args.clusterRole.arn])
      .apply(([administrators, clusterRole]) => JSON.stringify(secretsKeyPolicy({ administrators, users: [clusterRole] })));
    const key = new kms.Key(
      `${name}-secrets`,
      {
        description: `Envelope encryption of Kubernetes secrets in EKS cluster ${args.clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays,
        policy,
        tags,
      },
      { parent: this, protect },
    );
    new kms.Alias(`${name}-secrets`, { name: `alias/eks/${args.clusterName}`, targetKeyId: key.keyId }, { parent: this });
    return key;
  }

  /** Cluster-admin for each configured principal, through an access entry and the cluster-wide admin policy. */
  private createAdminAccess(name: string, principals: string[], partition: pulumi.Input<string>, tags: Record<string, string>): eks.AccessPolicyAssociation[] {
    return principals.map((principalArn, i) => {
      const entry = new eks.AccessEntry(`${name}-admin-${i}`, { clusterName: this.cluster.name, principalArn, type: "STANDARD", tags }, { parent: this });
      return new eks.AccessPolicyAssociation(
        `${name}-admin-${i}`,
        {
          clusterName: entry.clusterName,
          principalArn: entry.principalArn,
          policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
          accessScope: { type: "cluster" },
        },
        { parent: this },
      );
    });
  }

  /**
   * The IAM OIDC provider for IRSA. No thumbprint: IAM trusts the EKS issuers through its own CA
   * library, and for any other issuer fetches the thumbprint itself when none is given.
   */
  private createOidcProvider(name: string, tags: Record<string, string>): iam.OpenIdConnectProvider {
    const url = this.cluster.identities.apply((ids) => ids[0]?.oidcs[0]?.issuer ?? "");
    return new iam.OpenIdConnectProvider(`${name}-oidc`, { url, clientIdLists: ["sts.amazonaws.com"], tags }, { parent: this });
  }
}
