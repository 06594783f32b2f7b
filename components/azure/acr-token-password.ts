import * as pulumi from "@pulumi/pulumi";

/**
 * A password for an ACR token, generated once by ARM's `generateCredentials` action and kept in state
 * as a secret. azure-native models tokens but not their passwords (the value is read-only in the API
 * and only that action creates it), so this small dynamic resource fills the gap. The password
 * expires after `passwordValidityDays`, and the first `pulumi up` in its last `renewBeforeDays` (every
 * up pushes images with it) generates a new one, which `pulumi preview` shows as a replacement; so does
 * a new token.
 */

/** A GA API version of the registry's `generateCredentials` action (Microsoft.ContainerRegistry stable 2025-04-01). */
export const tokenApiVersion = "2025-04-01";
/** How long a generated password is valid. */
export const passwordValidityDays = 90;
/** How long before its expiry a password is renewed. */
export const renewBeforeDays = 30;
const dayMs = 86_400_000;
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
  /** When ACR stops accepting the password, as an ISO date-time. */
  expiry: string;
}

type Fetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

type HttpResponse = Awaited<ReturnType<Fetch>>;

/** How long to wait before the next poll: ARM's Retry-After in seconds, or the default. */
function retryAfter(response: HttpResponse, pollSeconds: number): Promise<void> {
  const seconds = Number(response.headers.get("retry-after") ?? pollSeconds);
  return new Promise((resolve) => setTimeout(resolve, 1000 * (Number.isFinite(seconds) && seconds >= 0 ? seconds : pollSeconds)));
}

/** Polls give up after this many tries: five minutes at ARM's usual two seconds. */
const maxPolls = 150;

/**
 * Waits for a long-running ARM action and returns the body of its result. A 200 is the result itself. A
 * 201 or 202 is followed to its `Location`, which answers 202 until the action ends and then 200 with the
 * result. Without a `Location`, its `Azure-AsyncOperation` is polled: that answers 200 all along with a
 * status, `InProgress` until the end. `Failed` and `Canceled` end the wait with ARM's error; on
 * `Succeeded` the result is read from the `Location` the last answer names, or else from the operation
 * body, where such actions put it.
 */
export async function armActionResult(first: HttpResponse, http: Fetch, headers: Record<string, string>, what: string, pollSeconds = 2): Promise<string> {
  if (first.status === 200) return first.text();
  if (first.status !== 201 && first.status !== 202) throw new Error(`${what} failed with HTTP ${first.status}: ${await first.text()}`);
  const location = first.headers.get("location");
  const operation = first.headers.get("azure-asyncoperation");
  const pollUrl = location ?? operation;
  if (!pollUrl) throw new Error(`${what} answered HTTP ${first.status} without a Location or Azure-AsyncOperation to follow`);
  let previous = first;
  for (let attempt = 0; attempt < maxPolls; attempt++) {
    await retryAfter(previous, pollSeconds);
    const response = await http(pollUrl, { headers });
    const body = await response.text();
    if (location) {
      if (response.status === 200) return body;
      if (response.status !== 201 && response.status !== 202) throw new Error(`${what} failed with HTTP ${response.status}: ${body}`);
    } else {
      if (response.status !== 200) throw new Error(`${what}: its operation answered HTTP ${response.status}: ${body}`);
      const state = JSON.parse(body) as { status?: string; error?: { code?: string; message?: string } };
      if (state.status === "Failed" || state.status === "Canceled") {
        throw new Error(`${what} ended ${state.status}: ${state.error?.code ?? "no code"}: ${state.error?.message ?? body}`);
      }
      if (state.status === "Succeeded") return (await finalResult(response, http, headers, what)) ?? body;
    }
    previous = response;
  }
  throw new Error(`${what} did not complete after ${maxPolls} polls`);
}

/** The result at the `Location` a succeeded operation names, if it names one. */
async function finalResult(succeeded: HttpResponse, http: Fetch, headers: Record<string, string>, what: string): Promise<string | undefined> {
  const location = succeeded.headers.get("location");
  if (!location) return undefined;
  const response = await http(location, { headers });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${what}: reading its result failed with HTTP ${response.status}: ${body}`);
  return body;
}

/**
 * Calls `generateCredentials` for `password1` of the token, valid for `passwordValidityDays` from `now`,
 * waits for the long-running operation ARM may answer with, and returns the token's name, the password
 * and its expiry.
 */
export async function generateTokenPassword(request: TokenPasswordRequest, http: Fetch = fetch, pollSeconds = 2, now = new Date()): Promise<TokenPassword> {
  const what = `generateCredentials for ${request.tokenId}`;
  const headers = { authorization: `Bearer ${request.accessToken}`, "content-type": "application/json" };
  const url = `${armEndpoint}${request.registryId}/generateCredentials?api-version=${tokenApiVersion}`;
  const expiry = new Date(now.getTime() + passwordValidityDays * dayMs).toISOString();
  const response = await http(url, { method: "POST", headers, body: JSON.stringify({ tokenId: request.tokenId, name: "password1", expiry }) });
  const parsed = JSON.parse(await armActionResult(response, http, headers, what, pollSeconds)) as GeneratedCredentials & { properties?: GeneratedCredentials };
  const result = parsed.passwords ? parsed : (parsed.properties ?? {});
  const generated = result.passwords?.find((p) => p.name === "password1");
  if (!result.username || !generated?.value) throw new Error(`${what} returned no password1`);
  return { username: result.username, password: generated.value, expiry: generated.expiry ?? expiry };
}

interface GeneratedCredentials {
  username?: string;
  passwords?: { name?: string; value?: string; expiry?: string }[];
}

interface ProviderInputs extends TokenPasswordRequest {
  /** When the token was created; a new date means a new token, which needs a new password. */
  tokenCreationDate?: string;
  username?: string;
  password?: string;
  /** When the password in state expires; a state from before passwords expired has none. */
  expiry?: string;
}

/**
 * What forces a new password: another registry or token id, a token re-created under the same id (its
 * creation date changes), or a password in its last `renewBeforeDays`, or one without an expiry (made
 * before passwords expired). The access token changes on every run and never does. A state written
 * before the creation date was an input has none, and is taken as the same token.
 */
export function tokenPasswordReplaces(olds: Partial<ProviderInputs>, news: Partial<ProviderInputs>, now = new Date()): string[] {
  const replaces: string[] = (["registryId", "tokenId"] as const).filter((key) => olds[key] !== news[key]);
  if (olds.tokenCreationDate !== undefined && olds.tokenCreationDate !== news.tokenCreationDate) replaces.push("tokenCreationDate");
  const expiry = olds.expiry === undefined ? Number.NaN : Date.parse(olds.expiry);
  if (!(expiry - now.getTime() > renewBeforeDays * dayMs)) replaces.push("expiry");
  return replaces;
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: ProviderInputs) {
    const credentials = await generateTokenPassword(inputs);
    return {
      id: `${inputs.tokenId}/passwords/password1`,
      outs: { registryId: inputs.registryId, tokenId: inputs.tokenId, tokenCreationDate: inputs.tokenCreationDate, ...credentials },
    };
  },
  async diff(_id: string, olds: ProviderInputs, news: ProviderInputs) {
    const replaces = tokenPasswordReplaces(olds, news);
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
  /**
   * The token's creation date. The id of a token re-created under the same name does not change, its
   * creation date does, and the password is then generated anew for it.
   */
  tokenCreationDate: pulumi.Input<string>;
  /** An ARM access token of the deploying principal, used only when the password is generated. */
  accessToken: pulumi.Input<string>;
}

/** The generated password of an ACR token; `password` is a Pulumi secret. */
export class AcrTokenPassword extends pulumi.dynamic.Resource {
  declare readonly username: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;
  declare readonly expiry: pulumi.Output<string>;

  constructor(name: string, args: AcrTokenPasswordArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, accessToken: pulumi.secret(args.accessToken), username: undefined, password: undefined, expiry: undefined },
      // replaceOnChanges says in the plan what the provider's diff does: a new token means a new password.
      { ...opts, additionalSecretOutputs: ["password"], replaceOnChanges: ["tokenCreationDate"] },
    );
  }
}
