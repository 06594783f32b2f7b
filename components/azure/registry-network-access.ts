import * as pulumi from "@pulumi/pulumi";
import { waitForAnswer, type Fetch, type WaitTiming } from "./http-wait.js";

/**
 * Waits until a registry behind a firewall answers `pulumi up`: ACR applies a new network rule set "in a
 * few minutes" (ACR's selected-networks guide), and until then it refuses the deployer's image push with
 * 403. The registry's API root answers 401 to anyone it lets in (no credentials are sent), and 403 to
 * an address its firewall refuses. Pushes wait for this resource.
 */
export async function waitForRegistryAccess(loginServer: string, http?: Fetch, timing?: WaitTiming): Promise<{ attempts: number }> {
  try {
    return await waitForAnswer({ url: `https://${loginServer}/v2/`, done: [200, 401], retry: [403, 404] }, http, { timeoutSeconds: 600, ...timing });
  } catch (err) {
    throw new Error(
      `the registry ${loginServer} does not let this machine in (${err instanceof Error ? err.message : String(err)}). ` +
        "Run pulumi up from an address in aksDeployerIpRanges, or from inside the VNet, where the registry's private endpoint answers.",
    );
  }
}

interface ProviderInputs {
  loginServer: string;
  /** The firewall rules waited for, so that new rules are waited for again. */
  allowedIpRanges: string[];
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: ProviderInputs) {
    await waitForRegistryAccess(inputs.loginServer);
    return { id: `${inputs.loginServer}/reachable`, outs: { ...inputs } };
  },
  async diff(_id: string, olds: ProviderInputs, news: ProviderInputs) {
    const changed = olds.loginServer !== news.loginServer || JSON.stringify(olds.allowedIpRanges) !== JSON.stringify(news.allowedIpRanges);
    return { changes: changed, replaces: changed ? ["loginServer"] : [], deleteBeforeReplace: false };
  },
  async delete() {
    // Nothing exists in Azure for this resource.
  },
};

export interface RegistryNetworkAccessArgs {
  loginServer: pulumi.Input<string>;
  allowedIpRanges: pulumi.Input<string[]>;
}

/** The moment a firewalled registry lets `pulumi up` in; image pushes depend on it. */
export class RegistryNetworkAccess extends pulumi.dynamic.Resource {
  constructor(name: string, args: RegistryNetworkAccessArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args }, opts);
  }
}
