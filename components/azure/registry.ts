import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as containerregistry from "@pulumi/azure-native/containerregistry/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerRegistry, RegistryCredentials } from "../cluster-target.js";
import { AcrTokenPassword } from "./acr-token-password.js";
import { roleDefinitionId, roles } from "./naming.js";
import type { PrivateAccess } from "./private-endpoints.js";
import { RegistryNetworkAccess } from "./registry-network-access.js";

export interface AksRegistryArgs {
  /** Resource group that holds the registry. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the registry. */
  location: pulumi.Input<string>;
  /** Globally unique registry name, 5-50 letters and digits. */
  registryName: pulumi.Input<string>;
  /** Subscription of the registry, for role definition ids. */
  subscriptionId: pulumi.Input<string>;
  /** Object id of the cluster's kubelet identity, which gets AcrPull. */
  kubeletObjectId: pulumi.Input<string>;
  /**
   * Registry tier. Premium is needed for zone redundancy.
   * @default "Basic"
   */
  sku?: "Basic" | "Standard" | "Premium";
  /**
   * Replicate the registry across the region's availability zones (Premium only).
   * @default false
   */
  zoneRedundant?: boolean;
  /**
   * Reached through a private endpoint, and from these addresses only (`PrivateAccess`); Premium only.
   * @default - reachable from everywhere
   */
  privateAccess?: PrivateAccess;
  /**
   * Protect the registry from deletion.
   * @default false
   */
  protect?: boolean;
  /**
   * Tags for the registry.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * ACR with the admin user off. Nodes pull through AcrPull on the kubelet identity; the program pushes
 * with an ACR token limited to push and pull, whose password ARM generates (admin credentials stay off).
 */
export class AksRegistry extends pulumi.ComponentResource {
  readonly registry: containerregistry.Registry;
  readonly acrPull: authorization.RoleAssignment;
  /**
   * An ACR token on the built-in `_repositories_push` scope map (push and pull, nothing else), and its
   * password; made when the program first asks the target for push credentials.
   */
  pushToken?: containerregistry.Token;
  pushPassword?: AcrTokenPassword;
  /** The registry as the ClusterTarget contract exposes it. */
  readonly target: ContainerRegistry;

  constructor(name: string, args: AksRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksRegistry", name, {}, opts);
    const sku = args.sku ?? "Basic";
    const zoneRedundant = args.zoneRedundant ?? false;
    if (zoneRedundant && sku !== "Premium") throw new Error(`AksRegistry ${name}: zoneRedundant needs sku Premium, got ${sku}`);
    const access = args.privateAccess;
    if (access && sku !== "Premium") throw new Error(`AksRegistry ${name}: privateAccess needs sku Premium (ACR's private endpoints and IP rules), got ${sku}`);

    this.registry = new containerregistry.Registry(
      `${name}-registry`,
      {
        registryName: args.registryName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: sku },
        adminUserEnabled: false,
        zoneRedundancy: zoneRedundant ? "Enabled" : "Disabled",
        ...(access
          ? {
              // With public access off, ACR honours no IP rule at all; so it stays on, behind a deny-all firewall.
              publicNetworkAccess: access.allowedIpRanges.length > 0 ? "Enabled" : "Disabled",
              networkRuleSet: { defaultAction: "Deny", ipRules: access.allowedIpRanges.map((range) => ({ action: "Allow", iPAddressOrRange: range })) },
              networkRuleBypassOptions: "AzureServices",
            }
          : {}),
        tags: args.tags ?? {},
      },
      { parent: this, protect: args.protect ?? false },
    );

    this.acrPull = new authorization.RoleAssignment(
      `${name}-acr-pull`,
      {
        scope: this.registry.id,
        roleDefinitionId: pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionId(sub, roles.acrPull)),
        principalId: args.kubeletObjectId,
        // A managed identity is a service principal; saying so spares ARM a directory lookup that can
        // fail while a just-created identity replicates.
        principalType: "ServicePrincipal",
      },
      { parent: this },
    );

    const server = this.registry.loginServer;
    // Behind a firewall, a push waits until the registry lets the deployer in.
    const reachable = access
      ? new RegistryNetworkAccess(`${name}-deployer-access`, { loginServer: server, allowedIpRanges: access.allowedIpRanges }, { parent: this })
      : undefined;
    const pushCredentials = () => {
      const made = this.createPushCredentials(name, args);
      return reachable ? pulumi.all([made, reachable.id]).apply(([credentials]) => credentials) : made;
    };
    let credentials: pulumi.Output<RegistryCredentials> | undefined;
    this.target = {
      server,
      // Made on first use: a stack that pushes no image gets no token, and no password to keep.
      get credentials() {
        credentials ??= pushCredentials();
        return credentials;
      },
      repository: (image: string) => pulumi.interpolate`${server}/${image}`,
    };

    this.registerOutputs({ registryId: this.registry.id, loginServer: server, acrPullId: this.acrPull.id });
  }

  private createPushCredentials(name: string, args: AksRegistryArgs): pulumi.Output<RegistryCredentials> {
    const token = new containerregistry.Token(
      `${name}-push-token`,
      {
        tokenName: "pulumi-push",
        registryName: this.registry.name,
        resourceGroupName: args.resourceGroupName,
        scopeMapId: pulumi.interpolate`${this.registry.id}/scopeMaps/_repositories_push`,
        status: "enabled",
      },
      // The password lives in ACR once generated; reading it back on refresh must not plan its removal.
      { parent: this, ignoreChanges: ["credentials"] },
    );
    const password = new AcrTokenPassword(
      `${name}-push-password`,
      {
        registryId: this.registry.id,
        tokenId: token.id,
        tokenCreationDate: token.creationDate,
        accessToken: authorization.getClientTokenOutput({}, { parent: this }).token,
      },
      { parent: this },
    );
    this.pushToken = token;
    this.pushPassword = password;
    return pulumi.secret(pulumi.all([password.username, password.password]).apply(([username, pw]) => ({ username, password: pw })));
  }
}
