import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { waitForRegistryAccess } from "../../../components/azure/registry-network-access.js";
import type { Fetch } from "../../../components/azure/http-wait.js";

/**
 * A registry's API root behind a firewall, served for real on a local port: it answers the given statuses
 * in turn, as ACR does while a new network rule set takes effect (403, then 401 to an anonymous client).
 */
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function registry(...statuses: number[]) {
  const requests: string[] = [];
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const status = statuses[Math.min(requests.length - 1, statuses.length - 1)] as number;
    res.writeHead(status, { "content-type": "application/json" }).end(status === 403 ? '{"errors":[{"code":"DENIED","message":"client with IP is not allowed access"}]}' : "{}");
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  // The real fetch, sent to the local server in place of https://<login server>.
  const http: Fetch = (url, init) => fetch(url.replace(/^https:\/\/[^/]+/, `http://127.0.0.1:${port}`), init);
  return { http, requests };
}

const noWait = { sleep: async () => undefined };

describe("waiting for a firewalled registry to let pulumi up in", () => {
  it("asks the API root until the firewall stops refusing, and takes 401 (no credentials sent) as in", async () => {
    const { http, requests } = await registry(403, 403, 401);
    await expect(waitForRegistryAccess("acrprodaks1a2b3c.azurecr.io", http, noWait)).resolves.toEqual({ attempts: 3 });
    expect(requests).toEqual(["GET /v2/", "GET /v2/", "GET /v2/"]);
  });

  it("gives up after ten minutes of refusals, telling the deployer where to run from", async () => {
    const { http, requests } = await registry(403);
    await expect(waitForRegistryAccess("acrprodaks1a2b3c.azurecr.io", http, noWait)).rejects.toThrow(
      /does not let this machine in \(last answer: HTTP 403: .*DENIED.*\)\. Run pulumi up from an address in aksDeployerIpRanges, or from inside the VNet/,
    );
    // Every 10 seconds for 600 seconds.
    expect(requests).toHaveLength(61);
  });

  it("fails at once on an answer that waiting cannot change", async () => {
    const { http, requests } = await registry(500);
    await expect(waitForRegistryAccess("acrprodaks1a2b3c.azurecr.io", http, noWait)).rejects.toThrow(/HTTP 500/);
    expect(requests).toHaveLength(1);
  });
});
