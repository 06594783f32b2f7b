import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as containerservice from "@pulumi/azure-native/containerservice/index.js";
import * as managedidentity from "@pulumi/azure-native/managedidentity/index.js";
import * as monitor from "@pulumi/azure-native/monitor/index.js";
import * as pulumi from "@pulumi/pulumi";
import * as time from "@pulumiverse/time";
import {
  addonProfile,
  addonProfiles,
  autoscaledCountPaths,
  maintenanceWindow,
  networkProfile,
  scalingProfiles,
  systemPoolProfile,
  type ClusterNetworkOptions,
  type ClusterScalingOptions,
  type MaintenanceWindowOptions,
  type SystemPoolOptions,
} from "./cluster-profile.js";
import { addons, controlPlaneLogCategories, roleDefinitionId, roles } from "./naming.js";
import type { PrincipalType } from "./principal.js";

export interface AksManagedClusterArgs {
  /** Resource group that holds the cluster. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the cluster. */
  location: pulumi.Input<string>;
  /** Name of the cluster in Azure. */
  clusterName: string;
  /** DNS prefix of the API server's FQDN; cannot change after creation. */
  dnsPrefix: string;
  /** Subscription of the cluster, for role definition ids. */
  subscriptionId: pulumi.Input<string>;
  /** Object id of the principal running `pulumi up`; it gets cluster admin when Entra ID is on. */
  deployerObjectId: pulumi.Input<string>;
  /** Whether that principal is a user or a service principal; ARM refuses a role assignment of the wrong type. */
  deployerPrincipalType: pulumi.Input<PrincipalType>;
  /** Subnet of the system pool's nodes. */
  nodeSubnetId: pulumi.Input<string>;
  /** Log Analytics workspace for Container Insights and the control-plane logs. */
  workspaceId: pulumi.Input<string>;
  /** Container Insights' data collection rule, sending to `workspaceId`; the cluster is associated with it. */
  containerInsightsRuleId: pulumi.Input<string>;
  /** Network profile: CNI mode, policy engine, service CIDR. */
  network: ClusterNetworkOptions;
  /** The system node pool. */
  systemPool: SystemPoolOptions;
  /**
   * Node auto-provisioning, the cluster autoscaler's profile and VPA.
   * @default - Manual node provisioning, AKS's autoscaler profile, no VPA
   */
  scaling?: ClusterScalingOptions;
  /**
   * Kubernetes version, `1.33` or `1.33.2`.
   * @default - the region's AKS default version
   */
  kubernetesVersion?: string;
  /**
   * The virtual nodes' delegated subnet; turns the ACI connector add-on on.
   * @default - no virtual nodes
   */
  virtualNodesSubnet?: { id: pulumi.Input<string>; name: string };
  /**
   * Pricing tier: Free, Standard (uptime SLA) or Premium.
   * @default "Free"
   */
  skuTier?: "Free" | "Standard" | "Premium";
  /**
   * Auto-upgrade channels and their weekly maintenance window.
   * @default - patch and NodeImage channels, Sundays 02:00-06:00 UTC
   */
  upgrade?: { channel: string; nodeOsChannel: string; window: MaintenanceWindowOptions };
  /**
   * Who reaches the API server: authorized CIDRs, or a private endpoint only.
   * @default - public, from any address
   */
  apiServer?: { authorizedIpRanges: string[]; privateCluster: boolean };
  /**
   * Identity and sign-in.
   * @default - system-assigned identity, local accounts, no Entra ID
   */
  access?: { controlPlaneIdentity: "SystemAssigned" | "UserAssigned"; entraId: boolean; adminGroupObjectIds: string[]; disableLocalAccounts: boolean };
  /**
   * The Azure Policy add-on.
   * @default false
   */
  azurePolicy?: boolean;
  /**
   * How often the Secrets Store CSI driver re-reads mounted secrets.
   * @default "2m"
   */
  secretRotationInterval?: string;
  /**
   * Control-plane log categories sent to the workspace.
   * @default - API server, audit (admin), controller manager, scheduler, autoscaler, guard, cloud controller and CSI controllers
   */
  logCategories?: readonly string[];
  /**
   * Protect the cluster from deletion.
   * @default false
   */
  protect?: boolean;
  /**
   * Tags for the cluster and its identity.
   * @default {}
   */
  tags?: Record<string, string>;
}

/** How long a new control-plane identity's subnet role is given to propagate before AKS checks it. */
export const identityRolePropagationWait = "120s";

const defaultUpgrade = {
  channel: "patch",
  nodeOsChannel: "NodeImage",
  window: { day: "Sunday", startTime: "02:00", durationHours: 4, utcOffset: "+00:00" },
};

/** An identity of the cluster as role assignments and the CSI driver need it. */
export interface ClusterIdentity {
  clientId: string;
  objectId: string;
}

/** An identity AKS reports for the cluster; a missing one would make a role assignment fail obscurely. */
function requireIdentity(cluster: string, role: string, identity: { clientId?: string; objectId?: string } | undefined): ClusterIdentity {
  if (!identity?.clientId || !identity.objectId) throw new Error(`AksManagedCluster ${cluster}: AKS reported no ${role} identity`);
  return { clientId: identity.clientId, objectId: identity.objectId };
}

/**
 * The AKS managed cluster with its system pool, add-ons, identity and access settings, plus what
 * belongs to the cluster alone: its maintenance windows, its control-plane diagnostic setting, and
 * the roles that let the cluster manage its subnets and the deployer reach the API.
 */
export class AksManagedCluster extends pulumi.ComponentResource {
  readonly cluster: containerservice.ManagedCluster;
  readonly controlPlaneIdentity?: managedidentity.UserAssignedIdentity;
  readonly maintenance: containerservice.MaintenanceConfiguration[] = [];
  readonly diagnostics: monitor.DiagnosticSetting;
  /** The association that makes Container Insights' agent on this cluster follow its data collection rule. */
  readonly containerInsights: monitor.DataCollectionRuleAssociation;
  /**
   * With a user-assigned control-plane identity, the wait between its subnet role and the cluster, which
   * AKS checks at creation.
   */
  identityRolePropagation?: time.Sleep;
  /** Role assignments workloads need in place: the deployer's cluster role, network roles. */
  readonly roleAssignments: authorization.RoleAssignment[] = [];
  /** The deployer's AKS RBAC Cluster Admin role with Entra ID; the program's Kubernetes calls need it. */
  readonly deployerAccess?: authorization.RoleAssignment;
  readonly kubeletIdentity: pulumi.Output<ClusterIdentity>;
  readonly oidcIssuerUrl: pulumi.Output<string>;

  constructor(name: string, args: AksManagedClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksManagedCluster", name, {}, opts);
    const skuTier = args.skuTier ?? "Free";
    const upgrade = args.upgrade ?? defaultUpgrade;
    const apiServer = args.apiServer ?? { authorizedIpRanges: [], privateCluster: false };
    const access = args.access ?? { controlPlaneIdentity: "SystemAssigned", entraId: false, adminGroupObjectIds: [], disableLocalAccounts: false };
    const tags = args.tags ?? {};
    const window = maintenanceWindow(upgrade.window);
    if (access.disableLocalAccounts && !access.entraId) throw new Error(`AksManagedCluster ${name}: disableLocalAccounts needs entraId`);
    if (apiServer.privateCluster && apiServer.authorizedIpRanges.length > 0) {
      throw new Error(`AksManagedCluster ${name}: authorizedIpRanges cannot be combined with privateCluster`);
    }
    // Refused with node auto-provisioning: Calico (learn.microsoft.com/azure/aks/node-auto-provisioning-networking), and
    // autoscaled pools (azure-native's NodeProvisioningMode Auto).
    if (args.scaling?.nodeProvisioning === "Auto" && (args.systemPool.autoscaler || args.network.policy === "calico")) {
      throw new Error(`AksManagedCluster ${name}: node auto-provisioning takes neither the cluster autoscaler on the system pool nor Calico`);
    }
    const role = (id: string) => pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionId(sub, id));

    const identity = this.createIdentity(name, args, access.controlPlaneIdentity, role, tags);
    this.controlPlaneIdentity = identity.resource;
    this.cluster = new containerservice.ManagedCluster(
      `${name}-cluster`,
      {
        resourceName: args.clusterName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        dnsPrefix: args.dnsPrefix,
        kubernetesVersion: args.kubernetesVersion,
        sku: { name: "Base", tier: skuTier },
        identity: identity.profile,
        agentPoolProfiles: [systemPoolProfile(args.systemPool, args.nodeSubnetId)],
        networkProfile: networkProfile(args.network),
        ...scalingProfiles(args.scaling ?? {}),
        addonProfiles: addonProfiles({
          workspaceId: args.workspaceId,
          secretRotationInterval: args.secretRotationInterval ?? "2m",
          azurePolicy: args.azurePolicy ?? false,
          virtualNodesSubnetName: args.virtualNodesSubnet?.name,
        }),
        enableRBAC: true,
        oidcIssuerProfile: { enabled: true },
        securityProfile: { workloadIdentity: { enabled: true } },
        aadProfile: access.entraId ? { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: access.adminGroupObjectIds } : undefined,
        disableLocalAccounts: access.disableLocalAccounts,
        autoUpgradeProfile: { upgradeChannel: upgrade.channel, nodeOSUpgradeChannel: upgrade.nodeOsChannel },
        apiServerAccessProfile: apiServer.privateCluster
          ? { enablePrivateCluster: true }
          : { authorizedIPRanges: apiServer.authorizedIpRanges.length > 0 ? apiServer.authorizedIpRanges : undefined },
        tags,
      },
      {
        parent: this,
        protect: args.protect ?? false,
        // The autoscaler owns the node count; Pulumi writing it back would undo its work on every update.
        ignoreChanges: autoscaledCountPaths(args.systemPool.autoscaler !== undefined, "agentPoolProfiles[0].count"),
        // A user-assigned identity must hold its network role before AKS configures the subnet.
        dependsOn: [...this.roleAssignments, ...(this.identityRolePropagation ? [this.identityRolePropagation] : [])],
      },
    );

    this.kubeletIdentity = this.cluster.identityProfile.apply((profile) =>
      requireIdentity(name, "kubelet", profile?.kubeletidentity),
    );
    this.oidcIssuerUrl = this.cluster.oidcIssuerProfile.apply((profile) => profile?.issuerURL ?? "");

    this.createMaintenance(name, args, upgrade, window);
    this.diagnostics = new monitor.DiagnosticSetting(
      `${name}-diagnostics`,
      {
        name: "control-plane-to-log-analytics",
        resourceUri: this.cluster.id,
        workspaceId: args.workspaceId,
        // Resource-specific tables (AKSAudit, AKSControlPlane) cost less to query than AzureDiagnostics.
        logAnalyticsDestinationType: "Dedicated",
        logs: (args.logCategories ?? controlPlaneLogCategories).map((category) => ({ category, enabled: true })),
        metrics: [{ category: "AllMetrics", enabled: true }],
      },
      { parent: this },
    );
    this.containerInsights = new monitor.DataCollectionRuleAssociation(
      `${name}-container-insights`,
      {
        // The name Azure's onboarding uses, and which the portal looks for.
        associationName: "ContainerInsightsExtension",
        resourceUri: this.cluster.id,
        dataCollectionRuleId: args.containerInsightsRuleId,
        description: "Container Insights for this cluster; deleting it stops the collection of container logs and metrics.",
      },
      { parent: this },
    );
    this.deployerAccess = this.createAccessRoles(name, args, access, role);

    this.registerOutputs({
      clusterId: this.cluster.id,
      kubeletIdentity: this.kubeletIdentity,
      oidcIssuerUrl: this.oidcIssuerUrl,
      diagnosticsId: this.diagnostics.id,
      containerInsightsId: this.containerInsights.id,
    });
  }

  /** The control plane's identity; a user-assigned one is created here and granted its network role. */
  private createIdentity(
    name: string,
    args: AksManagedClusterArgs,
    kind: "SystemAssigned" | "UserAssigned",
    role: (id: string) => pulumi.Output<string>,
    tags: Record<string, string>,
  ) {
    if (kind === "SystemAssigned") return { profile: { type: containerservice.ResourceIdentityType.SystemAssigned } };
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { resourceName: `id-${args.clusterName}`, resourceGroupName: args.resourceGroupName, location: args.location, tags },
      { parent: this },
    );
    const network = new authorization.RoleAssignment(
      `${name}-identity-network`,
      { scope: args.nodeSubnetId, roleDefinitionId: role(roles.networkContributor), principalId: identity.principalId, principalType: "ServicePrincipal" },
      { parent: this },
    );
    this.roleAssignments.push(network);
    // AKS checks the identity's rights on the subnet when it creates the cluster, and a new assignment
    // takes a while to reach the check (Azure documents up to 10 minutes for RBAC in general); ARM
    // offers no way to ask whether another principal's role is in effect yet, so the cluster waits.
    // A new assignment (a new identity or subnet) waits again; nothing waits on destroy.
    this.identityRolePropagation = new time.Sleep(
      `${name}-identity-network-propagation`,
      { createDuration: identityRolePropagationWait, triggers: { roleAssignmentId: network.id } },
      { parent: this },
    );
    return { resource: identity, profile: { type: containerservice.ResourceIdentityType.UserAssigned, userAssignedIdentities: [identity.id] } };
  }

  /** Weekly windows for Kubernetes and node OS upgrades, under the names AKS reads them by. */
  private createMaintenance(
    name: string,
    args: AksManagedClusterArgs,
    upgrade: { channel: string; nodeOsChannel: string },
    window: ReturnType<typeof maintenanceWindow>,
  ) {
    const schedules: [string, string, boolean][] = [
      ["auto-upgrade", "aksManagedAutoUpgradeSchedule", upgrade.channel !== "none"],
      ["node-os-upgrade", "aksManagedNodeOSUpgradeSchedule", ["NodeImage", "SecurityPatch"].includes(upgrade.nodeOsChannel)],
    ];
    for (const [role, configName, applies] of schedules) {
      if (!applies) continue;
      this.maintenance.push(
        new containerservice.MaintenanceConfiguration(
          `${name}-${role}-window`,
          { configName, resourceGroupName: args.resourceGroupName, resourceName: this.cluster.name, maintenanceWindow: window },
          { parent: this },
        ),
      );
    }
  }

  /**
   * Roles granted once the cluster exists: its own network role, the ACI connector's, and the deployer's,
   * which is returned for the Kubernetes provider to wait for.
   */
  private createAccessRoles(
    name: string,
    args: AksManagedClusterArgs,
    access: { controlPlaneIdentity: string; entraId: boolean },
    role: (id: string) => pulumi.Output<string>,
  ): authorization.RoleAssignment | undefined {
    if (access.controlPlaneIdentity === "SystemAssigned") {
      // Load balancers and public IPs for Services are managed in the node subnet by the control plane.
      this.roleAssignments.push(
        new authorization.RoleAssignment(
          `${name}-network-contributor`,
          {
            scope: args.nodeSubnetId,
            roleDefinitionId: role(roles.networkContributor),
            principalId: this.cluster.identity.apply((identity) => identity?.principalId ?? ""),
            principalType: "ServicePrincipal",
          },
          { parent: this },
        ),
      );
    }
    if (args.virtualNodesSubnet) {
      // The ACI connector creates container groups in its delegated subnet under its own identity.
      this.roleAssignments.push(
        new authorization.RoleAssignment(
          `${name}-aci-connector-network`,
          {
            scope: args.virtualNodesSubnet.id,
            roleDefinitionId: role(roles.networkContributor),
            principalId: this.cluster.addonProfiles.apply(
              (profiles) => requireIdentity(name, addons.virtualNodes, addonProfile(profiles, addons.virtualNodes)?.identity).objectId,
            ),
            principalType: "ServicePrincipal",
          },
          { parent: this },
        ),
      );
    }
    if (!access.entraId) return undefined;
    // With Entra ID and Azure RBAC, Kubernetes authorizes the program's calls by Azure role.
    const deployer = new authorization.RoleAssignment(
      `${name}-deployer-cluster-admin`,
      { scope: this.cluster.id, roleDefinitionId: role(roles.aksRbacClusterAdmin), principalId: args.deployerObjectId, principalType: args.deployerPrincipalType },
      { parent: this },
    );
    this.roleAssignments.push(deployer);
    return deployer;
  }
}
