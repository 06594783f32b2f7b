import * as pulumi from "@pulumi/pulumi";

/**
 * A password for an ACR token, generated once by ARM's `generateCredentials` action and kept in state
 * as a secret. azure-native models tokens but not their passwords (the value is read-only in the API
 * and only that action creates it), so this small dynamic resource fills the gap. The password is
 * stable across updates; replacing the resource (or the token) generates a new one.
 */

/** API version of the registry's token operations, the same the Token resource uses. */
export const tokenApiVersion = "2024-11-01-preview";
const armEndpoint = "https://management.azure.com";

export interface TokenPasswordRequest {
  /** ARM id of the registry. */
  registryId: string;
  /** ARM id of the token. */
  tokenId: string;
  /** An ARM access token of the deploying principal. */
  accessToken: string;
}

export interface TokenPassword {
  username: string;
  password: string;
}

type Fetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

/**
 * Calls `generateCredentials` for `password1` of the token and waits for the long-running operation
 * ARM may answer with (202 and a Location to poll), then returns the token's name and password.
 */
export async function generateTokenPassword(request: TokenPasswordRequest, http: Fetch = fetch, pollSeconds = 2): Promise<TokenPassword> {
  const headers = { authorization: `Bearer ${request.accessToken}`, "content-type": "application/json" };
  const url = `${armEndpoint}${request.registryId}/generateCredentials?api-version=${tokenApiVersion}`;
  let response = await http(url, { method: "POST", headers, body: JSON.stringify({ tokenId: request.tokenId, name: "password1" }) });
  const poll = response.headers.get("location") ?? response.headers.get("azure-asyncoperation");
  for (let attempt = 0; response.status === 201 || response.status === 202; attempt++) {
    if (!poll || attempt >= 150) throw new Error(`generateCredentials for ${request.tokenId} did not complete (HTTP ${response.status})`);
    const retryAfter = Number(response.headers.get("retry-after") ?? pollSeconds);
    await new Promise((resolve) => setTimeout(resolve, 1000 * (Number.isFinite(retryAfter) ? retryAfter : pollSeconds)));
    response = await http(poll, { headers });
  }
  const body = await response.text();
  if (response.status !== 200) throw new Error(`generateCredentials for ${request.tokenId} failed with HTTP ${response.status}: ${body}`);
  const parsed = JSON.parse(body) as {
    username?: string;
    passwords?: { name?: string; value?: string }[];
    properties?: { username?: string; passwords?: { name?: string; value?: string }[] };
  };
  const result = parsed.passwords ? parsed : (parsed.properties ?? {});
  const password = result.passwords?.find((p) => p.name === "password1")?.value;
  if (!result.username || !password) throw new Error(`generateCredentials for ${request.tokenId} returned no password1`);
  return { username: result.username, password };
}

interface ProviderInputs extends TokenPasswordRequest {
  username?: string;
  password?: string;
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: ProviderInputs) {
    const credentials = await generateTokenPassword(inputs);
    return {
      id: `${inputs.tokenId}/passwords/password1`,
      outs: { registryId: inputs.registryId, tokenId: inputs.tokenId, ...credentials },
    };
  },
  async diff(_id: string, olds: ProviderInputs, news: ProviderInputs) {
    // The access token changes on every run; only a different token or registry needs a new password.
    const replaces = (["registryId", "tokenId"] as const).filter((key) => olds[key] !== news[key]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
  async delete() {
    // Nothing to revoke: the password dies with its token, and a replacement overwrites password1.
  },
};

export interface AcrTokenPasswordArgs {
  /** ARM id of the registry. */
  registryId: pulumi.Input<string>;
  /** ARM id of the token the password is for. */
  tokenId: pulumi.Input<string>;
  /** An ARM access token of the deploying principal, used only when the password is generated. */
  accessToken: pulumi.Input<string>;
}

/** The generated password of an ACR token; `password` is a Pulumi secret. */
export class AcrTokenPassword extends pulumi.dynamic.Resource {
  declare readonly username: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;

  constructor(name: string, args: AcrTokenPasswordArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, accessToken: pulumi.secret(args.accessToken), username: undefined, password: undefined },
      { ...opts, additionalSecretOutputs: ["password"] },
    );
  }
}
