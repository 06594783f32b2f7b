/** The process as Kubernetes runs it: startup checks, SIGTERM, and cluster workers. */
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisServer } from "../../../support/redis-server.js";
import { spawnFrontEnd, stopFrontEnds } from "./process.js";
import { readPage, request } from "./support.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterEach(stopFrontEnds);
afterAll(async () => {
  await redis?.dispose();
});

const listening = (workers: number) => (line: Record<string, unknown>) =>
  line["msg"] === "listening" && (workers === 1 || line["workers"] === workers);

/**
 * Starts a vote whose body is held back, so it is in flight until `finish` is called. It resolves once the
 * server has parsed the headers, which it acknowledges with 100 Continue.
 */
async function startSlowVote(url: string): Promise<{ response: Promise<string>; finish(): void }> {
  const { port } = new URL(url);
  const socket = connect({ host: "127.0.0.1", port: Number(port) });
  let text = "";
  const response = new Promise<string>((resolve, reject) => {
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
  const continued = new Promise<void>((resolve) => {
    socket.on("data", (data) => {
      text += data.toString();
      if (text.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
        text = "";
        resolve();
      }
    });
  });
  socket.write(
    "POST / HTTP/1.1\r\nHost: test\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
      "Content-Length: 9\r\nExpect: 100-continue\r\n\r\n",
  );
  await continued;
  return { response, finish: () => socket.write("vote=Cats") };
}

function refusesConnections(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: Number(port) });
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(true));
  });
}

describe("graceful shutdown", () => {
  it("on SIGTERM stops accepting, finishes the request in flight and exits 0", async () => {
    const frontEnd = await spawnFrontEnd({ REDIS: redis.address, WEB_CONCURRENCY: "1" });
    await frontEnd.waitForLog(listening(1));
    expect((await request(`${frontEnd.url}/`)).status).toBe(200);

    const vote = await startSlowVote(frontEnd.url);
    frontEnd.child.kill("SIGTERM");
    await frontEnd.waitForLog((line) => line["msg"] === "shutting down");
    expect(await refusesConnections(frontEnd.url)).toBe(true);

    vote.finish();
    const response = await vote.response;
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    // The client is told to reconnect elsewhere rather than reuse this connection.
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    expect(readPage(response).results).toBe("Cats - 1 | Dogs - 0");

    expect(await frontEnd.exited).toEqual({ code: 0, signal: null });
    expect(frontEnd.logs.at(-1)?.["msg"]).toBe("stopped");
  });

  it("runs WEB_CONCURRENCY workers, replaces one that dies, and exits 0 on SIGTERM", async () => {
    const frontEnd = await spawnFrontEnd({ REDIS: redis.address, WEB_CONCURRENCY: "2" });
    await frontEnd.waitForLog(listening(2));
    const workerLines = (): Record<string, unknown>[] =>
      frontEnd.logs.filter((line) => line["msg"] === "listening" && typeof line["pid"] === "number");
    // Each worker logs its own line just after the primary sees it listen.
    await expect.poll(() => workerLines().length).toBe(2);
    const workers = workerLines();

    process.kill(workers[0]?.["pid"] as number, "SIGKILL");
    await frontEnd.waitForLog((line) => line["msg"] === "worker died: replacing it");
    await expect.poll(() => workerLines().length, { timeout: 5_000 }).toBe(3);
    expect((await request(`${frontEnd.url}/`)).status).toBe(200);

    frontEnd.child.kill("SIGTERM");
    expect(await frontEnd.exited).toEqual({ code: 0, signal: null });
    // Both live workers and the primary each report that they stopped.
    expect(frontEnd.logs.filter((line) => line["msg"] === "stopped")).toHaveLength(3);
  });
});

describe("startup", () => {
  it("refuses bad configuration with exit code 78 and one log line naming every problem", async () => {
    const frontEnd = await spawnFrontEnd({ REDIS: "", VOTE1VALUE: "Dogs" });
    expect(await frontEnd.exited).toEqual({ code: 78, signal: null });
    expect(frontEnd.logs).toEqual([
      expect.objectContaining({
        level: "error",
        msg: "invalid configuration",
        problems: [
          "REDIS is required: the Redis host name, optionally with :port",
          'VOTE1VALUE and VOTE2VALUE must differ, both are "Dogs"',
        ],
      }),
    ]);
  });

  it("exits non-zero when the port is taken, instead of retrying forever", async () => {
    const first = await spawnFrontEnd({ REDIS: redis.address, WEB_CONCURRENCY: "1" });
    await first.waitForLog(listening(1));
    const second = await spawnFrontEnd({ REDIS: redis.address, WEB_CONCURRENCY: "2", PORT: new URL(first.url).port });
    expect((await second.exited).code).toBe(1);
    expect(second.logs.some((line) => line["msg"] === "worker failed to start: stopping")).toBe(true);
    first.child.kill("SIGTERM");
    expect((await first.exited).code).toBe(0);
  });
});
