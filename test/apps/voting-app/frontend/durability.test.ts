/** Votes are counted exactly under load and survive a Redis crash with the cluster's persistence settings. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisFsyncIntervalMs } from "../../../../apps/voting-app/redis-persistence.js";
import { RedisServer } from "../../../support/redis-server.js";
import { type FrontEndProcess, spawnFrontEnd, stopFrontEnds } from "./process.js";
import { postVote, readPage, redisClientFor, request } from "./support.js";

let redis: RedisServer;
let frontEnd: FrontEndProcess;

beforeAll(async () => {
  redis = await RedisServer.start();
  // Two workers, as in production, so votes race across processes as well as connections.
  frontEnd = await spawnFrontEnd({ REDIS: redis.address, WEB_CONCURRENCY: "2" });
  await frontEnd.waitForLog((line) => line["msg"] === "listening" && line["workers"] === 2);
});
afterAll(async () => {
  await stopFrontEnds();
  await redis?.dispose();
});

describe("under concurrent votes", () => {
  it("counts 4,000 concurrent votes exactly", async () => {
    await postVote(`${frontEnd.url}/`, "reset");
    const votes = Array.from({ length: 4_000 }, (_, i) => postVote(`${frontEnd.url}/`, i % 2 === 0 ? "Cats" : "Dogs"));
    const statuses = (await Promise.all(votes)).map((res) => res.status);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    expect(readPage((await request(`${frontEnd.url}/`)).body).results).toBe("Cats - 2000 | Dogs - 2000");
    const client = await redisClientFor(redis);
    expect(await client.mGet(["Cats", "Dogs"])).toEqual(["2000", "2000"]);
    await client.close();
  });
});

describe("a redis-server crash", () => {
  it("keeps every vote counted more than one fsync interval before a kill -9", async () => {
    await postVote(`${frontEnd.url}/`, "reset");
    const votes = Array.from({ length: 300 }, (_, i) => postVote(`${frontEnd.url}/`, i < 200 ? "Cats" : "Dogs"));
    await Promise.all(votes);
    expect(readPage((await request(`${frontEnd.url}/`)).body).results).toBe("Cats - 200 | Dogs - 100");

    // appendfsync everysec writes the append-only file to disk once a second, so a vote is only
    // guaranteed to survive a crash once that interval has passed: wait it out, with margin, then crash.
    await new Promise((resolve) => setTimeout(resolve, redisFsyncIntervalMs + 500));
    await redis.kill();
    expect((await request(`${frontEnd.url}/`)).status).toBe(503);

    await redis.restart();
    // The same front-end processes reconnect on their own and read the replayed counts.
    await expect
      .poll(async () => readPage((await request(`${frontEnd.url}/`)).body).results, { timeout: 5_000 })
      .toBe("Cats - 200 | Dogs - 100");
  });
});
