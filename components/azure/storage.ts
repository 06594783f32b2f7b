import * as storage from "@pulumi/azure-native/storage/index.js";
import * as pulumi from "@pulumi/pulumi";

export interface AksStorageArgs {
  /** Resource group that holds the account. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the account. */
  location: pulumi.Input<string>;
  /** Globally unique account name, 3-24 lowercase letters and digits. */
  accountName: pulumi.Input<string>;
  /**
   * Replication: locally redundant (LRS) or across the region's zones (ZRS).
   * @default "Standard_LRS"
   */
  sku?: "Standard_LRS" | "Standard_ZRS";
  /**
   * Off the public internet: reached through a private endpoint only. Nothing of the program writes to
   * the account, so no deployer address is let in (and storage ignores IP rules for clients in its own
   * region anyway).
   * @default false
   */
  private?: boolean;
  /**
   * Tags for the account.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * The seed demo's storage account, locked down: StorageV2, HTTPS only with TLS 1.2 at least, no
 * anonymous blob access, and no shared keys, so every request is authorized by Entra ID and RBAC and
 * there is no account key to leak or rotate.
 */
export class AksStorage extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;

  constructor(name: string, args: AksStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksStorage", name, {}, opts);
    const sku = args.sku ?? "Standard_LRS";

    this.account = new storage.StorageAccount(
      `${name}-account`,
      {
        accountName: args.accountName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "StorageV2",
        sku: { name: sku },
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        // Shared keys are off, so the portal must use Entra ID as well.
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        ...(args.private ? { publicNetworkAccess: "Disabled", networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" } } : {}),
        tags: args.tags ?? {},
      },
      { parent: this },
    );

    this.registerOutputs({ accountId: this.account.id });
  }
}
