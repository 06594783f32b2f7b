import { describe, expect, it } from "vitest";
import { generateTokenPassword, tokenApiVersion, tokenPasswordReplaces } from "../../../components/azure/acr-token-password.js";

const issued = new Date("2026-12-02T10:00:00.000Z");

const request = { registryId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr", tokenId: "/token/id", accessToken: "arm-token" };
const credentials = { username: "pulumi-push", passwords: [{ name: "password1", value: "s3cret" }, { name: "password2", value: "other" }] };

function respond(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, headers: { get: (name: string) => headers[name] ?? null }, text: async () => JSON.stringify(body) };
}

type Answer = ReturnType<typeof respond>;

/** A fake ARM that answers in order and records every URL asked for. */
function arm(...answers: Answer[]) {
  const urls: string[] = [];
  const http = async (url: string) => {
    urls.push(url);
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request to ${url}`);
    return answer;
  };
  return { http, urls };
}

const now = { "retry-after": "0" };

describe("generateTokenPassword", () => {
  it("posts to generateCredentials, at a GA API version, with the deployer's token, for password1 valid 90 days", async () => {
    const calls: { url: string; init?: { method?: string; headers?: Record<string, string>; body?: string } }[] = [];
    const result = await generateTokenPassword(
      request,
      async (url, init) => {
        calls.push({ url, init });
        return respond(200, credentials);
      },
      2,
      issued,
    );
    expect(result).toEqual({ username: "pulumi-push", password: "s3cret", expiry: "2027-03-02T10:00:00.000Z" });
    expect(tokenApiVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(calls[0]?.url).toBe(`https://management.azure.com${request.registryId}/generateCredentials?api-version=${tokenApiVersion}`);
    expect(calls[0]?.init).toMatchObject({ method: "POST", headers: { authorization: "Bearer arm-token" } });
    expect(JSON.parse(calls[0]?.init?.body ?? "{}")).toEqual({ tokenId: "/token/id", name: "password1", expiry: "2027-03-02T10:00:00.000Z" });
  });

  it("keeps the expiry ACR reports for the password, where it reports one", async () => {
    const reported = { username: "pulumi-push", passwords: [{ name: "password1", value: "s3cret", expiry: "2027-03-02T09:59:00Z" }] };
    const result = await generateTokenPassword(request, async () => respond(200, reported), 2, issued);
    expect(result.expiry).toBe("2027-03-02T09:59:00Z");
  });

  it("follows the Location of a long-running operation until it answers 200", async () => {
    const { http, urls } = arm(respond(202, {}, { location: "https://poll", ...now }), respond(202, {}, now), respond(200, credentials));
    expect(await generateTokenPassword(request, http, 0)).toEqual(expect.objectContaining({ username: "pulumi-push", password: "s3cret" }));
    expect(urls.slice(1)).toEqual(["https://poll", "https://poll"]);
  });

  it("prefers the Location when ARM names an Azure-AsyncOperation too", async () => {
    const { http, urls } = arm(respond(202, {}, { location: "https://result", "azure-asyncoperation": "https://operation", ...now }), respond(200, credentials));
    await generateTokenPassword(request, http, 0);
    expect(urls.slice(1)).toEqual(["https://result"]);
  });

  it("polls an Azure-AsyncOperation past its 200 InProgress answers until it succeeds", async () => {
    const { http, urls } = arm(
      respond(202, {}, { "azure-asyncoperation": "https://operation", ...now }),
      respond(200, { status: "InProgress" }, now),
      respond(200, { status: "InProgress" }, now),
      respond(200, { status: "Succeeded", properties: credentials }),
    );
    expect(await generateTokenPassword(request, http, 0)).toEqual(expect.objectContaining({ username: "pulumi-push", password: "s3cret" }));
    expect(urls.slice(1)).toEqual(["https://operation", "https://operation", "https://operation"]);
  });

  it("reads the result from the Location a succeeded operation names", async () => {
    const { http, urls } = arm(
      respond(201, {}, { "azure-asyncoperation": "https://operation", ...now }),
      respond(200, { status: "Succeeded" }, { location: "https://result" }),
      respond(200, credentials),
    );
    expect(await generateTokenPassword(request, http, 0)).toEqual(expect.objectContaining({ username: "pulumi-push", password: "s3cret" }));
    expect(urls.slice(1)).toEqual(["https://operation", "https://result"]);
  });

  it.each(["Failed", "Canceled"])("fails with ARM's error when the operation ends %s", async (status) => {
    const { http } = arm(
      respond(202, {}, { "azure-asyncoperation": "https://operation", ...now }),
      respond(200, { status, error: { code: "TokenNotFound", message: "The token does not exist." } }),
    );
    await expect(generateTokenPassword(request, http, 0)).rejects.toThrow(new RegExp(`ended ${status}: TokenNotFound: The token does not exist`));
  });

  it("fails when a long-running answer names nothing to follow", async () => {
    const { http } = arm(respond(202, {}));
    await expect(generateTokenPassword(request, http, 0)).rejects.toThrow(/without a Location or Azure-AsyncOperation/);
  });

  it("fails with ARM's answer when the call is refused", async () => {
    await expect(generateTokenPassword(request, async () => respond(403, { error: { code: "AuthorizationFailed" } }))).rejects.toThrow(/HTTP 403: .*AuthorizationFailed/);
  });

  it("fails when the result holds no password1", async () => {
    const { http } = arm(respond(200, { username: "pulumi-push", passwords: [{ name: "password2", value: "other" }] }));
    await expect(generateTokenPassword(request, http, 0)).rejects.toThrow(/returned no password1/);
  });
});

describe("tokenPasswordReplaces", () => {
  const olds = { registryId: "r", tokenId: "t", tokenCreationDate: "2025-06-01T09:30:00Z", accessToken: "old", expiry: "2027-03-02T10:00:00.000Z" };
  const news = { ...olds, expiry: undefined };

  it("keeps the password while only the access token changes", () => {
    expect(tokenPasswordReplaces(olds, { ...news, accessToken: "new" }, issued)).toEqual([]);
  });

  it("generates a new one for a token re-created under the same id", () => {
    expect(tokenPasswordReplaces(olds, { ...news, tokenCreationDate: "2025-07-01T10:00:00Z" }, issued)).toEqual(["tokenCreationDate"]);
  });

  it("generates a new one for another token or registry", () => {
    expect(tokenPasswordReplaces(olds, { ...news, tokenId: "t2", registryId: "r2" }, issued)).toEqual(["registryId", "tokenId"]);
  });

  it("renews the password on the first run in its last 30 days, so pushes never meet an expired one", () => {
    expect(tokenPasswordReplaces(olds, news, new Date("2027-01-31T09:00:00Z"))).toEqual([]);
    expect(tokenPasswordReplaces(olds, news, new Date("2027-01-31T11:00:00Z"))).toEqual(["expiry"]);
    expect(tokenPasswordReplaces(olds, news, new Date("2027-04-01T00:00:00Z"))).toEqual(["expiry"]);
  });

  it("takes a state from before creation dates were recorded as the same token, and renews one that never expired", () => {
    const legacy = { registryId: olds.registryId, tokenId: olds.tokenId, accessToken: olds.accessToken };
    expect(tokenPasswordReplaces({ ...legacy, expiry: olds.expiry }, news, issued)).toEqual([]);
    expect(tokenPasswordReplaces(legacy, news, issued)).toEqual(["expiry"]);
  });
});
