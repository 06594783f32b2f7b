/** What the sample did not do: reject bad votes, and survive Redis going away and coming back. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisServer } from "../../../support/redis-server.js";
import { type RunningFrontEnd, postVote, readPage, redisClientFor, request, runFrontEnd } from "./support.js";

describe("bad requests", () => {
  let redis: RedisServer;
  let frontEnd: RunningFrontEnd;

  beforeAll(async () => {
    redis = await RedisServer.start();
    frontEnd = await runFrontEnd({ REDIS: redis.address });
    await postVote(`${frontEnd.url}/`, "Cats");
  });
  afterAll(async () => {
    await frontEnd?.shutdown();
    await redis?.dispose();
  });

  const countsAreUnchanged = async (): Promise<void> => {
    expect(readPage((await request(`${frontEnd.url}/`)).body).results).toBe("Cats - 1 | Dogs - 0");
    const client = await redisClientFor(redis);
    expect((await client.keys("*")).sort()).toEqual(["Cats", "Dogs"]);
    await client.close();
  };

  it.each([
    ["no vote field", ""],
    ["an empty vote", "vote="],
    ["an unknown choice", "vote=Birds"],
    ["a choice in the wrong case", "vote=cats"],
    ["Reset in the wrong case", "vote=RESET"],
    ["a JSON body", '{"vote":"Cats"}'],
  ])("answers 400 and changes nothing for %s", async (_what, body) => {
    const res = await request(`${frontEnd.url}/`, {
      method: "POST",
      body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(400);
    expect(res.body).toContain("Unknown vote. Choose Cats or Dogs.");
    await countsAreUnchanged();
  });

  it("answers 413 to a body too large to be a vote", async () => {
    const res = await request(`${frontEnd.url}/`, { method: "POST", body: `vote=Cats&pad=${"x".repeat(10_000)}` });
    expect(res.status).toBe(413);
    await countsAreUnchanged();
  });

  it("answers 405 with Allow to other methods and 404 to other paths", async () => {
    const put = await request(`${frontEnd.url}/`, { method: "PUT", body: "vote=Cats" });
    expect(put.status).toBe(405);
    expect(put.headers["allow"]).toBe("GET, HEAD, POST");
    expect((await request(`${frontEnd.url}/nope`)).status).toBe(404);
    expect((await request(`${frontEnd.url}/healthz`, { method: "POST" })).status).toBe(405);
    await countsAreUnchanged();
  });
});

describe("a Redis outage", () => {
  it("gives 503 pages and a red /readyz while Redis is down, and recovers by itself when it returns", async () => {
    const redis = await RedisServer.start();
    const frontEnd = await runFrontEnd({ REDIS: redis.address });
    try {
      expect((await request(`${frontEnd.url}/`)).status).toBe(200);
      expect((await request(`${frontEnd.url}/readyz`)).status).toBe(200);

      await redis.kill();
      const page = await request(`${frontEnd.url}/`);
      expect(page.status).toBe(503);
      expect(page.headers["retry-after"]).toBe("5");
      expect(page.body).toContain("Voting is unavailable right now");
      expect(readPage(page.body).header).toBe("Azure Voting App");
      expect((await postVote(`${frontEnd.url}/`, "Dogs")).status).toBe(503);
      expect((await request(`${frontEnd.url}/readyz`)).status).toBe(503);
      // Liveness stays green: restarting the process would not bring Redis back.
      expect((await request(`${frontEnd.url}/healthz`)).status).toBe(200);

      await redis.restart();
      await expect.poll(async () => (await request(`${frontEnd.url}/readyz`)).status, { timeout: 5_000 }).toBe(200);
      const after = await postVote(`${frontEnd.url}/`, "Dogs");
      expect(after.status).toBe(200);
      expect(readPage(after.body).results).toBe("Cats - 0 | Dogs - 1");

      const outages = frontEnd.logs.filter((line) => line["msg"] === "redis unavailable");
      expect(outages.length).toBeGreaterThanOrEqual(1);
      expect(outages.length).toBeLessThanOrEqual(2);
    } finally {
      await frontEnd.shutdown();
      await redis.dispose();
    }
  });

  it("serves 503 from the start when Redis is not there yet, then works once it is", async () => {
    const redis = await RedisServer.start();
    await redis.kill();
    // A short Redis timeout: startup waits that long for Redis before serving without it.
    const frontEnd = await runFrontEnd({ REDIS: redis.address, REDIS_TIMEOUT_MS: "200" });
    try {
      expect((await request(`${frontEnd.url}/healthz`)).status).toBe(200);
      expect((await request(`${frontEnd.url}/`)).status).toBe(503);
      expect((await request(`${frontEnd.url}/readyz`)).status).toBe(503);
      await redis.restart();
      await expect.poll(async () => (await request(`${frontEnd.url}/`)).status, { timeout: 5_000 }).toBe(200);
    } finally {
      await frontEnd.shutdown();
      await redis.dispose();
    }
  });
});

describe("a hung Redis", () => {
  it("gives 503 after REDIS_TIMEOUT_MS instead of hanging, and recovers when Redis answers again", async () => {
    const redis = await RedisServer.start();
    const frontEnd = await runFrontEnd({ REDIS: redis.address, REDIS_TIMEOUT_MS: "300" });
    try {
      expect((await request(`${frontEnd.url}/`)).status).toBe(200);
      redis.pause();
      const started = performance.now();
      expect((await postVote(`${frontEnd.url}/`, "Cats")).status).toBe(503);
      expect((await request(`${frontEnd.url}/readyz`)).status).toBe(503);
      expect(performance.now() - started).toBeLessThan(2_000);

      redis.resume();
      await expect.poll(async () => (await request(`${frontEnd.url}/`)).status).toBe(200);
    } finally {
      await frontEnd.shutdown();
      await redis.dispose();
    }
  });
});

describe("a password-protected Redis", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start({ password: "s3cret pass" });
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  it("is used with REDIS_PWD", async () => {
    const frontEnd = await runFrontEnd({ REDIS: redis.address, REDIS_PWD: "s3cret pass" });
    try {
      expect(readPage((await postVote(`${frontEnd.url}/`, "Cats")).body).results).toBe("Cats - 1 | Dogs - 0");
      expect((await request(`${frontEnd.url}/readyz`)).status).toBe(200);
    } finally {
      await frontEnd.shutdown();
    }
  });

  it.each([
    ["a wrong password", { REDIS_PWD: "wrong" }],
    ["no password", {}],
  ])("is not ready, answers 503 and logs why with %s", async (_what, env) => {
    const frontEnd = await runFrontEnd({ REDIS: redis.address, REDIS_TIMEOUT_MS: "200", ...env });
    try {
      expect((await request(`${frontEnd.url}/`)).status).toBe(503);
      expect((await request(`${frontEnd.url}/readyz`)).status).toBe(503);
      await expect
        .poll(() => frontEnd.logs.some((line) => JSON.stringify(line).match(/WRONGPASS|NOAUTH|AUTH/) !== null))
        .toBe(true);
    } finally {
      await frontEnd.shutdown();
    }
  });
});
