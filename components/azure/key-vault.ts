import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as keyvault from "@pulumi/azure-native/keyvault/index.js";
import type { keyvault as keyvaultInputs } from "@pulumi/azure-native/types/input.js";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { SecretStore } from "../cluster-target.js";
import { KeyVaultDataPlaneAccess, keyVaultTokenEndpoint } from "./key-vault-access.js";
import { roleDefinitionId, roles } from "./naming.js";
import type { PrivateAccess } from "./private-endpoints.js";
import type { PrincipalType } from "./principal.js";
import type { AksWorkloadIdentity } from "./workload-identity.js";

export interface AksKeyVaultArgs {
  /** Resource group that holds the vault. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the vault. */
  location: pulumi.Input<string>;
  /** Globally unique vault name, 3-24 letters, digits or hyphens. */
  vaultName: pulumi.Input<string>;
  /** Entra ID tenant of the vault. */
  tenantId: pulumi.Input<string>;
  /** Subscription of the vault, for role definition ids. */
  subscriptionId: pulumi.Input<string>;
  /** Object id of the identity running `pulumi up`, which writes and deletes the vault's secrets. */
  deployerObjectId: pulumi.Input<string>;
  /** Whether that identity is a user or a service principal; ARM refuses a role assignment of the wrong type. */
  deployerPrincipalType: pulumi.Input<PrincipalType>;
  /**
   * The workload identity that reads the secrets, through the Secrets Store CSI driver, for the pods of
   * its one ServiceAccount. Not the driver add-on's own identity: every node carries that one, so any
   * pod that reaches a node's metadata endpoint could read the vault with it.
   */
  reader: AksWorkloadIdentity;
  /**
   * Days a deleted vault or secret can be recovered (7-90). Soft delete itself is always on.
   * @default 7
   */
  softDeleteRetentionDays?: number;
  /**
   * Purge protection: deleted items cannot be purged before their retention ends. Once on, it can never
   * be turned off, and the vault name stays taken for the retention period after deletion.
   * @default false
   */
  purgeProtection?: boolean;
  /**
   * Reached through a private endpoint, and from these addresses only (`PrivateAccess`).
   * @default - reachable from everywhere; RBAC alone decides
   */
  privateAccess?: PrivateAccess;
  /**
   * Protect the vault from deletion.
   * @default false
   */
  protect?: boolean;
  /**
   * Tags for the vault.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * Public: the deployer writes secrets from wherever `pulumi up` runs, and the CSI driver reads them from
 * the nodes' public egress; RBAC decides. Private: only the listed addresses pass the firewall (the
 * deployer deletes secrets through the data plane, and ARM's own writes are not subject to it).
 */
function vaultNetwork(access: PrivateAccess | undefined): Pick<keyvaultInputs.VaultPropertiesArgs, "publicNetworkAccess" | "networkAcls"> {
  if (!access) return { publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Allow", bypass: "AzureServices" } };
  return {
    publicNetworkAccess: access.allowedIpRanges.length > 0 ? "Enabled" : "Disabled",
    networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: access.allowedIpRanges.map((value) => ({ value })) },
  };
}

/** Name of the Redis password in the vault. */
export const redisPasswordSecretName = "redis-password";

/**
 * Key Vault with RBAC authorization, the Redis password the app mounts through the Secrets Store CSI
 * driver, and Secrets User for the reader's workload identity alone. The deployer gets Key
 * Vault Secrets Officer on the vault: azure-native writes a secret through ARM, but deletes it (and
 * recovers a soft-deleted one of the same name) through the data plane, which the vault's RBAC guards.
 * Every secret waits until that role is in effect, and is deleted before it goes.
 */
export class AksKeyVault extends pulumi.ComponentResource {
  readonly vault: keyvault.Vault;
  /** The reader identity's Key Vault Secrets User role: pods mounting the store need it. */
  readonly readerAccess: authorization.RoleAssignment;
  /** The deployer's Key Vault Secrets Officer role on the vault: `pulumi destroy` deletes secrets with it. */
  readonly deployerAccess: authorization.RoleAssignment;
  /** Resolves once the deployer's role works on the vault's data plane; secrets depend on it. */
  readonly deployerAccessInEffect: KeyVaultDataPlaneAccess;
  readonly redisPassword: random.RandomPassword;
  readonly redisPasswordSecret: keyvault.Secret;
  /** The vault as the ClusterTarget contract exposes it. */
  readonly secretStore: SecretStore;

  constructor(name: string, args: AksKeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksKeyVault", name, {}, opts);
    const softDeleteRetentionDays = args.softDeleteRetentionDays ?? 7;
    if (!Number.isInteger(softDeleteRetentionDays) || softDeleteRetentionDays < 7 || softDeleteRetentionDays > 90) {
      throw new Error(`AksKeyVault ${name}: softDeleteRetentionDays must be an integer from 7 to 90, got ${softDeleteRetentionDays}`);
    }
    const purgeProtection = args.purgeProtection ?? false;
    const role = (id: string) => pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionId(sub, id));

    this.vault = new keyvault.Vault(
      `${name}-vault`,
      {
        vaultName: args.vaultName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        properties: {
          tenantId: args.tenantId,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: softDeleteRetentionDays,
          // The API rejects enablePurgeProtection: false; leaving it out is how it stays off.
          ...(purgeProtection ? { enablePurgeProtection: true } : {}),
          ...vaultNetwork(args.privateAccess),
        },
        tags: args.tags ?? {},
      },
      { parent: this, protect: args.protect ?? false },
    );

    this.readerAccess = new authorization.RoleAssignment(
      `${name}-reader-secrets-user`,
      {
        scope: this.vault.id,
        roleDefinitionId: role(roles.keyVaultSecretsUser),
        principalId: args.reader.principalId,
        principalType: "ServicePrincipal",
      },
      { parent: this },
    );

    this.deployerAccess = new authorization.RoleAssignment(
      `${name}-deployer-secrets-officer`,
      { scope: this.vault.id, roleDefinitionId: role(roles.keyVaultSecretsOfficer), principalId: args.deployerObjectId, principalType: args.deployerPrincipalType },
      { parent: this },
    );
    this.deployerAccessInEffect = new KeyVaultDataPlaneAccess(
      `${name}-deployer-access`,
      {
        vaultUri: this.vault.properties.vaultUri,
        roleAssignmentId: this.deployerAccess.id,
        accessToken: authorization.getClientTokenOutput({ endpoint: keyVaultTokenEndpoint }, { parent: this }).token,
      },
      { parent: this },
    );

    this.redisPassword = new random.RandomPassword(
      `${name}-redis-password`,
      // Letters and digits only: the password travels in Redis URLs and command lines unescaped.
      { length: 32, special: false },
      { parent: this },
    );

    this.redisPasswordSecret = new keyvault.Secret(
      `${name}-redis-password-secret`,
      {
        secretName: redisPasswordSecretName,
        vaultName: this.vault.name,
        resourceGroupName: args.resourceGroupName,
        properties: { value: pulumi.secret(this.redisPassword.result), contentType: "text/plain" },
      },
      // Written once the deployer's data-plane role works, deleted while it still does.
      { parent: this, dependsOn: [this.deployerAccessInEffect] },
    );

    this.secretStore = {
      provider: "azure",
      // Workload identity: a clientID and no VM identity, which the provider would try first.
      parameters: pulumi.all([args.reader.clientId, this.vault.name, args.tenantId]).apply(([clientID, keyvaultName, tenantID]): Record<string, string> => ({
        usePodIdentity: "false",
        clientID,
        keyvaultName,
        tenantID,
      })),
      serviceAccount: args.reader.serviceAccount,
      objects: { redisPassword: redisPasswordSecretName },
      values: { redisPassword: pulumi.secret(this.redisPassword.result) },
    };

    this.registerOutputs({ vaultId: this.vault.id, vaultUri: this.vault.properties.vaultUri, redisPasswordSecretId: this.redisPasswordSecret.id });
  }
}
