import * as pulumi from "@pulumi/pulumi";
import { waitForAnswer, type Fetch, type WaitTiming } from "./http-wait.js";

/**
 * Waits until a data-plane role on a Key Vault is in effect for the identity `pulumi up` runs as.
 * azure-native writes a `keyvault:Secret` through ARM, but deletes it through the vault's data plane,
 * and recovers a soft-deleted one of the same name through it too; a vault with RBAC authorization
 * answers both with 403 until the role has propagated, which Key Vault's RBAC guide gives up to 10
 * minutes. Secrets wait for this resource, so they are written once the role works, and `pulumi
 * destroy` can always delete them. A small dynamic resource, since no provider offers such a wait: a
 * fixed sleep would wait too long on most runs and too short on some.
 */

/** The Key Vault data-plane API version the probe lists secrets with (GA). */
export const keyVaultApiVersion = "7.5";
/** The audience of a Key Vault data-plane token in Azure's public cloud. */
export const keyVaultTokenEndpoint = "https://vault.azure.net";

export interface DataPlaneProbe {
  /** The vault's URI, `https://<name>.vault.azure.net/`. */
  vaultUri: string;
  /** A data-plane access token of the deploying identity. */
  accessToken: string;
}

/**
 * Lists the vault's secrets until the answer is 200. 401 and 403 (the role has not reached the vault
 * yet, or its firewall rule has not), 404 and network errors (a new vault's name not yet in DNS) are
 * tried again; anything else, or no success before the timeout (above Key Vault's documented 10
 * minutes), fails with the last answer.
 */
export async function waitForDataPlaneAccess(probe: DataPlaneProbe, http?: Fetch, timing?: WaitTiming): Promise<{ attempts: number }> {
  const url = `${probe.vaultUri.replace(/\/$/, "")}/secrets?maxresults=1&api-version=${keyVaultApiVersion}`;
  try {
    return await waitForAnswer({ url, headers: { authorization: `Bearer ${probe.accessToken}` }, done: [200], retry: [401, 403, 404] }, http, timing);
  } catch (err) {
    throw new Error(
      `the deployer's data-plane role on ${probe.vaultUri} did not take effect (${err instanceof Error ? err.message : String(err)}). ` +
        "Run pulumi up as the identity the role was granted to, and from where the vault's network rules let it in; " +
        "without the role, pulumi destroy cannot delete the vault's secrets.",
    );
  }
}

interface ProviderInputs extends DataPlaneProbe {
  roleAssignmentId: string;
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: ProviderInputs) {
    await waitForDataPlaneAccess(inputs);
    return { id: `${inputs.roleAssignmentId}/effective`, outs: { vaultUri: inputs.vaultUri, roleAssignmentId: inputs.roleAssignmentId } };
  },
  async diff(_id: string, olds: ProviderInputs, news: ProviderInputs) {
    // A new vault or a new role assignment is a new wait; the token changes on every run and never is.
    const replaces = (["vaultUri", "roleAssignmentId"] as const).filter((key) => olds[key] !== news[key]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
  async delete() {
    // Nothing exists in Azure for this resource; the role assignment is deleted on its own.
  },
};

export interface KeyVaultDataPlaneAccessArgs {
  /** The vault's URI. */
  vaultUri: pulumi.Input<string>;
  /** The role assignment that grants the deployer its data-plane role; a new one is waited for again. */
  roleAssignmentId: pulumi.Input<string>;
  /** A Key Vault data-plane token of the deploying identity, used only while waiting. */
  accessToken: pulumi.Input<string>;
}

/** The moment a deployer's data-plane role on a vault is in effect; secrets depend on it. */
export class KeyVaultDataPlaneAccess extends pulumi.dynamic.Resource {
  constructor(name: string, args: KeyVaultDataPlaneAccessArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, accessToken: pulumi.secret(args.accessToken) }, opts);
  }
}
