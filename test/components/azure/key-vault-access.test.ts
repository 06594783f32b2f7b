import { describe, expect, it } from "vitest";
import { waitForDataPlaneAccess } from "../../../components/azure/key-vault-access.js";

/** A data plane that answers with the given statuses in turn (an Error for a failed connection). */
function vault(...answers: (number | Error)[]) {
  const calls: { url: string; authorization?: string }[] = [];
  const http = async (url: string, init?: { headers?: Record<string, string> }) => {
    calls.push({ url, authorization: init?.headers?.authorization });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)] as number | Error;
    if (answer instanceof Error) throw answer;
    return { status: answer, text: async () => (answer === 200 ? '{"value":[]}' : '{"error":{"code":"Forbidden"}}') };
  };
  return { http, calls };
}

const probe = { vaultUri: "https://kvdevaks1a2b3c.vault.azure.net/", accessToken: "data-plane-token" };
const noWait = { intervalSeconds: 10, timeoutSeconds: 900, sleep: async () => undefined };

describe("waiting for the deployer's Key Vault data-plane role", () => {
  it("lists the vault's secrets with the data-plane token until the role answers 200", async () => {
    const { http, calls } = vault(403, 403, 200);
    await expect(waitForDataPlaneAccess(probe, http, noWait)).resolves.toEqual({ attempts: 3 });
    expect(calls[0]).toEqual({
      url: "https://kvdevaks1a2b3c.vault.azure.net/secrets?maxresults=1&api-version=7.5",
      authorization: "Bearer data-plane-token",
    });
  });

  it("tries again while a new vault's name is not resolvable yet", async () => {
    const { http } = vault(new Error("getaddrinfo ENOTFOUND kvdevaks1a2b3c.vault.azure.net"), 404, 200);
    await expect(waitForDataPlaneAccess(probe, http, noWait)).resolves.toEqual({ attempts: 3 });
  });

  it("gives up after the timeout, past Key Vault's documented 10 minutes, naming the last answer", async () => {
    const { http, calls } = vault(403);
    await expect(waitForDataPlaneAccess(probe, http, noWait)).rejects.toThrow(/did not take effect \(last answer: HTTP 403: .*Forbidden.*pulumi destroy cannot delete/);
    // Every 10 seconds for 15 minutes.
    expect(calls).toHaveLength(91);
  });

  it("stops at once on an answer that waiting cannot fix", async () => {
    const { http, calls } = vault(400);
    await expect(waitForDataPlaneAccess(probe, http, noWait)).rejects.toThrow(/HTTP 400/);
    expect(calls).toHaveLength(1);
  });
});
